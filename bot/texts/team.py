"""Coordinators: /team, the weekly digest and their settings. Counts only, short lines.

Every sentence goes through bot.i18n (`_`, `_n`, `N_`) and every date through Babel in the
reader's language; the service's flow and the safety counts are in bot.texts.digest_flow.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_percent

from bot.i18n import LANGUAGE, N_, _, _n
from bot.texts import digest_flow as flow_texts

if TYPE_CHECKING:
    from bot.services.digest import Digest, Figures
    from bot.services.team import CoordinatorSettings, TeamFigures, TeamView

NO_WORKERS = N_("No peer workers have joined yet. Invite one with /invite.")

CHART_TITLE = N_("Sessions, {period}")
CHART_NO_WORKERS = N_("No peer workers yet")
CHART_CAPTION = N_("Held, missed and cancelled sessions per peer worker, last 7 days.")
CSV_CAPTION = N_("The same figures as a spreadsheet file (CSV), one row per peer worker.")

BUTTON_DAY = N_("Change day")
BUTTON_TIME = N_("Change time")
BUTTON_ZONE = N_("Change time zone")
ASK_DAY = N_("Which day should the weekly digest arrive?")
ASK_TIME = N_("What time should it arrive? Pick one, or type a time such as 08:30.")
SAVED = N_("Saved.")

PROBLEMS = {
    "team_time_unclear": N_(
        "Sorry, I couldn't read that as a time. Please type it like 09:00 or 17:30."
    ),
    "team_zone_unknown": N_(
        "I don't know the time zone “{typed}”. "
        "Please type a name such as Europe/London or America/New_York."
    ),
    "team_day_unknown": N_("Please pick a day with the buttons."),
}

# When the digest arrives, one whole sentence per day: languages say "on Mondays" their way.
ARRIVES = (
    N_("Your weekly digest arrives on Mondays at {time}."),
    N_("Your weekly digest arrives on Tuesdays at {time}."),
    N_("Your weekly digest arrives on Wednesdays at {time}."),
    N_("Your weekly digest arrives on Thursdays at {time}."),
    N_("Your weekly digest arrives on Fridays at {time}."),
    N_("Your weekly digest arrives on Saturdays at {time}."),
    N_("Your weekly digest arrives on Sundays at {time}."),
)


def day_month(day: date | datetime, *, year: bool = False) -> str:
    """ "19 Nov" (or "26 Nov 2026") in the reader's language."""
    return format_date(day, "d MMM y" if year else "d MMM", locale=LANGUAGE.get())


def period(start: date | datetime, end: date | datetime, *, year: bool = False) -> str:
    """ "19 Nov – 26 Nov", from the start's day to the end's."""
    return _("{start} – {end}", start=day_month(start), end=day_month(end, year=year))


def clock(at: time) -> str:
    return format_time(at, "HH:mm", locale=LANGUAGE.get())


def day_button(weekday: int) -> str:
    """The short name of an ISO weekday (1 is Monday), for a button."""
    return get_day_names("abbreviated", locale=LANGUAGE.get())[weekday - 1]


def percent(share: float) -> str:
    return format_percent(share, locale=LANGUAGE.get())


def chart_others(count: int) -> str:
    """The chart's last row, summing the peer workers it has no room for."""
    return _n("{n} other", "{n} others", count)


def chart_bar(key: str, n: int) -> str:
    """What a bar of the week's chart counts, next to its number ("3 held")."""
    if key == "held":
        return _n("{n} held", "{n} held", n)
    if key == "missed":
        return _n("{n} missed", "{n} missed", n)
    return _n("{n} cancelled", "{n} cancelled", n)


# --- /team -----------------------------------------------------------------------------


def _team_lines(f: TeamFigures) -> list[str]:
    lines = [
        _n("{n} active peer", "{n} active peers", f.peers),
        _n(
            "This week: {n} session, {confirmed} confirmed so far",
            "This week: {n} sessions, {confirmed} confirmed so far",
            f.this_week,
            confirmed=f.confirmed,
        ),
        _("Programmes completed: {n}", n=f.completed),
    ]
    if f.unreachable:
        lines.append(
            _n("Not reachable here: {n} peer", "Not reachable here: {n} peers", f.unreachable)
        )
    return lines


def render_team(view: TeamView) -> str:
    """The team at a glance: totals, then each peer worker."""
    if not view.workers:
        return _(NO_WORKERS)
    week = format_date(view.week_start, "EEE d MMM", locale=LANGUAGE.get())
    head = [
        _("Your team, week of {day}", day=week),
        _n("{n} peer worker", "{n} peer workers", len(view.workers)),
        *_team_lines(view.totals),
    ]
    blocks = ["\n".join(head)]
    for worker in view.workers:
        blocks.append("\n".join([worker.name, *_team_lines(worker.figures)]))
    return "\n\n".join(blocks)


# --- the weekly digest -------------------------------------------------------------------


def _digest_lines(f: Figures) -> list[str]:
    if f.cancelled:
        cancelled = _(
            "Cancelled {n} (by peer {peer}, by worker {worker})",
            n=f.cancelled,
            peer=f.cancelled_by_peer,
            worker=f.cancelled_by_worker,
        )
    else:
        cancelled = _("Cancelled {n}", n=f.cancelled)
    lines = [
        _("Held {held} · Missed {missed}", held=f.held, missed=f.missed),
        cancelled,
        _("Rearranged {n}", n=f.rearranged),
    ]
    share = f.confirmed_share
    if share is not None:
        lines.append(
            _(
                "Confirmed ahead {confirmed} of {n} ({share})",
                confirmed=f.confirmed_in_advance,
                n=f.held_or_missed,
                share=percent(share),
            )
        )
    lines.append(_("Programmes finished {n}", n=f.completed))
    lines.append(
        _n(
            "Chose reminders {chose} of {n} peer",
            "Chose reminders {chose} of {n} peers",
            f.peers,
            chose=f.reminders,
        )
    )
    if f.missed_in_a_row:
        # A prompt for a conversation in supervision, never a verdict on anyone.
        lines.append(
            _n(
                "Missed the last 2+ sessions: {n} peer",
                "Missed the last 2+ sessions: {n} peers",
                f.missed_in_a_row,
            )
        )
        lines.append(_("Perhaps one to talk over in supervision."))
    return lines


def render_digest(digest: Digest) -> str:
    """The weekly digest as a message: team totals first, the service's flow (and its
    check-ins), then each peer worker."""
    head = [_("Weekly digest"), period(digest.start, digest.end, year=True)]
    if not digest.workers:
        return "\n\n".join(["\n".join([*head, "", _(NO_WORKERS)]), *flow_texts.blocks(digest)])
    team = [
        _n("Team: {n} peer worker", "Team: {n} peer workers", len(digest.workers)),
        *_digest_lines(digest.totals),
    ]
    blocks = ["\n".join(head), "\n".join(team), *flow_texts.blocks(digest)]
    for worker in digest.workers:
        blocks.append("\n".join([worker.name, *_digest_lines(worker.figures)]))
    return "\n\n".join(blocks)


# --- coordinator settings ----------------------------------------------------------------


def render_settings(current: CoordinatorSettings, *, saved: bool = False) -> str:
    arrives = _(ARRIVES[current.weekday - 1], time=clock(current.at))
    text = arrives + "\n" + _("Time zone: {zone}.", zone=current.timezone)
    return f"{_(SAVED)} {text}" if saved else text


def ask_zone(current: str) -> str:
    return _(
        "Your time zone is {zone}. Pick one, or type its name, "
        "such as Europe/London or America/New_York.",
        zone=current,
    )
