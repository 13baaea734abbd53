"""The digest as a CSV file, in three sections a blank line apart, each with its headings.

1. one row per peer worker (the week's sessions, as the text has them);
2. the service's figures, one a row (`service_figure,value`): referrals, waits,
   programmes, the ending answers (no value but "fewer than five answers so far" until
   five gave one) and, when counted, the lone-working check-ins;
3. the last twelve weeks, one a row: what the second chart draws.

Headings are the reader's language's (the English ones are the ids a spreadsheet keeps).
Counts only: no names of peers, no notes, no comments from the ending answers.
"""

from __future__ import annotations

import csv
import io

from bot.i18n import N_, _
from bot.services.digest import Digest, Figures
from bot.services.digest_flow import Flow, SafetyFigures
from bot.texts import digest_flow as t

# The peer workers' section: its column headings, in the file's order.
PERIOD_START = N_("period_start")
PERIOD_END = N_("period_end")
PEER_WORKER = N_("peer_worker")
FIGURE_COLUMNS = (
    N_("active_peers"),
    N_("held"),
    N_("missed"),
    N_("cancelled"),
    N_("cancelled_by_peer"),
    N_("cancelled_by_worker"),
    N_("rearranged"),
    N_("confirmed_in_advance"),
    N_("confirmed_in_advance_share"),
    N_("completed_programme"),
    N_("missed_two_or_more_in_a_row"),
    N_("peers_with_reminders"),
)
CSV_HEADER = (PERIOD_START, PERIOD_END, PEER_WORKER, *FIGURE_COLUMNS)


def _figures(f: Figures) -> tuple[object, ...]:
    """A peer worker's row of figures, in FIGURE_COLUMNS' order."""
    share = "" if f.confirmed_share is None else f"{f.confirmed_share:.2f}"
    return (
        f.peers,
        f.held,
        f.missed,
        f.cancelled,
        f.cancelled_by_peer,
        f.cancelled_by_worker,
        f.rearranged,
        f.confirmed_in_advance,
        share,
        f.completed,
        f.missed_in_a_row,
        f.reminders,
    )


def _number(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _service(flow: Flow, safety: SafetyFigures | None) -> list[tuple[str, object]]:
    """The service's figures by their id, in the file's order."""
    endings, fewer = flow.endings, _(t.FEWER_THAN_FIVE)
    said = endings.recommend
    rows: list[tuple[str, object]] = [
        ("referrals_received", flow.referrals),
        ("referrals_waiting_now", flow.waiting),
        ("longest_wait_days", "" if flow.longest_wait_days is None else flow.longest_wait_days),
        ("first_sessions_after_referral", flow.first_sessions),
        ("median_days_referral_to_first_session", _number(flow.median_wait_days)),
        ("programmes_started", flow.started),
        ("programmes_completed", flow.completed),
        *((f"closed_early_{reason}", n) for reason, n in flow.closed.items()),
    ]
    if endings.helped_average is None:
        rows.append(("ending_helped_average_of_5", fewer))
    else:
        rows.append(("ending_helped_answers", endings.helped_answers))
        rows.append(("ending_helped_average_of_5", _number(endings.helped_average)))
    if said is None:
        rows.append(("ending_recommend_answers", fewer))
    else:
        rows.append(("ending_recommend_answers", endings.recommend_answers))
        rows.extend((f"ending_recommend_{choice}", n) for choice, n in said.items())
    if safety is not None:
        rows += [
            ("safety_checkins", safety.checkins),
            ("safety_alerts_raised", safety.alerts),
            ("safety_alerts_handled", safety.handled),
            ("safety_median_minutes_to_handle", _number(safety.median_minutes_to_handle)),
        ]
    return rows


def _cell(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def digest_csv(digest: Digest) -> bytes:
    """The digest as a CSV file: the peer workers, the service's figures, the weeks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    start, end = digest.start.date().isoformat(), digest.end.date().isoformat()
    writer.writerow([_(heading) for heading in CSV_HEADER])
    for worker in digest.workers:
        writer.writerow((start, end, _cell(worker.name), *_figures(worker.figures)))
    writer.writerow(())
    writer.writerow((_(PERIOD_START), _(PERIOD_END), _(t.CSV_FIGURE), _(t.CSV_VALUE)))
    for figure, value in _service(digest.flow, digest.safety):
        writer.writerow((start, end, _(t.CSV_FIGURES[figure]), value))
    writer.writerow(())
    writer.writerow((_(t.CSV_WEEK_START), _(t.CSV_REFERRALS), _(t.CSV_MEDIAN_WAIT)))
    for week in digest.flow.weeks:
        median = _number(week.median_wait_days)
        writer.writerow((week.start.date().isoformat(), week.referrals, median))
    # The byte-order mark lets spreadsheet programs read the names as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")
