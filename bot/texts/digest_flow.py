"""The digest's service flow and lone-working safety counts: the text, the second chart's
words and the CSV's labels. Figures for the whole service, never a name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from bot.i18n import LANGUAGE, N_, _, _n

if TYPE_CHECKING:
    from bot.services.digest import Digest
    from bot.services.digest_flow import Endings, Flow, SafetyFigures

# Why programmes ended early (CloseReason), as the digest lists them.
CLOSED_BECAUSE = {
    "chose_to_stop": N_("· the peer chose to stop {n}"),
    "moved_on": N_("· moved on {n}"),
    "no_contact": N_("· could not be contacted {n}"),
    "other": N_("· another reason {n}"),
}
FEWER_THAN_FIVE = N_("fewer than five answers so far")

FLOW_CHART_TITLE = N_("Referrals and waits, {period}")
FLOW_CHART_BARS = N_("Referrals received")
FLOW_CHART_LINE = N_("Median days to first session")
FLOW_CHART_CAPTION = N_(
    "Referrals received each week, and the median days from referral to first session, "
    "last 12 weeks."
)

# The CSV's sections: their column headings, and the service figures' names.
CSV_FIGURE = N_("service_figure")
CSV_VALUE = N_("value")
CSV_WEEK_START = N_("week_start")
CSV_REFERRALS = N_("referrals_received")
CSV_MEDIAN_WAIT = N_("median_days_referral_to_first_session")
CSV_FIGURES = {
    "referrals_received": N_("referrals_received"),
    "referrals_waiting_now": N_("referrals_waiting_now"),
    "longest_wait_days": N_("longest_wait_days"),
    "first_sessions_after_referral": N_("first_sessions_after_referral"),
    "median_days_referral_to_first_session": N_("median_days_referral_to_first_session"),
    "programmes_started": N_("programmes_started"),
    "programmes_completed": N_("programmes_completed"),
    "closed_early_chose_to_stop": N_("closed_early_chose_to_stop"),
    "closed_early_moved_on": N_("closed_early_moved_on"),
    "closed_early_no_contact": N_("closed_early_no_contact"),
    "closed_early_other": N_("closed_early_other"),
    "ending_helped_answers": N_("ending_helped_answers"),
    "ending_helped_average_of_5": N_("ending_helped_average_of_5"),
    "ending_recommend_answers": N_("ending_recommend_answers"),
    "ending_recommend_yes": N_("ending_recommend_yes"),
    "ending_recommend_not_sure": N_("ending_recommend_not_sure"),
    "ending_recommend_no": N_("ending_recommend_no"),
    "safety_checkins": N_("safety_checkins"),
    "safety_alerts_raised": N_("safety_alerts_raised"),
    "safety_alerts_handled": N_("safety_alerts_handled"),
    "safety_median_minutes_to_handle": N_("safety_median_minutes_to_handle"),
}


def decimal(value: float) -> str:
    """One decimal place, as the reader's language writes it ("4.2", "4,2")."""
    return format_decimal(value, "0.0", locale=LANGUAGE.get())


def whole(value: float) -> int:
    # Half up: a median of 2.5 days reads as 3, not Python's banker's 2.
    return int(value + 0.5)


def days(value: float) -> str:
    """A number of days on the chart, next to its point ("8 days")."""
    return _n("{n} day", "{n} days", whole(value))


def _waiting(flow: Flow) -> str:
    if flow.longest_wait_days is None:
        return _("Waiting now {n}", n=flow.waiting)
    return _n(
        "Waiting now {waiting}, the longest for {n} day",
        "Waiting now {waiting}, the longest for {n} days",
        flow.longest_wait_days,
        waiting=flow.waiting,
    )


def _first_sessions(flow: Flow) -> list[str]:
    lines = [_("First sessions after a referral {n}", n=flow.first_sessions)]
    if flow.median_wait_days is not None:
        days = whole(flow.median_wait_days)
        lines.append(
            _n(
                "Median wait from referral to first session: {n} day",
                "Median wait from referral to first session: {n} days",
                days,
            )
        )
    return lines


def _endings(endings: Endings) -> list[str]:
    if endings.helped_average is None and endings.recommend is None:
        return [_("Ending answers: {none}", none=_(FEWER_THAN_FIVE))]
    if endings.helped_average is None:
        helped = _("How much it helped: {none}", none=_(FEWER_THAN_FIVE))
    else:
        helped = _n(
            "How much it helped: {average} of 5 ({n} answer)",
            "How much it helped: {average} of 5 ({n} answers)",
            endings.helped_answers,
            average=decimal(endings.helped_average),
        )
    if endings.recommend is None:
        recommend = _("Would recommend: {none}", none=_(FEWER_THAN_FIVE))
    else:
        said = endings.recommend
        recommend = _n(
            "Would recommend: yes {yes} · not sure {not_sure} · no {no} ({n} answer)",
            "Would recommend: yes {yes} · not sure {not_sure} · no {no} ({n} answers)",
            endings.recommend_answers,
            yes=said.get("yes", 0),
            not_sure=said.get("not_sure", 0),
            no=said.get("no", 0),
        )
    return [helped, recommend]


def flow_lines(flow: Flow) -> list[str]:
    """The service's flow for the period: referrals, first sessions, programmes, endings."""
    lines = [
        _("Service flow"),
        _("Referrals received {n}", n=flow.referrals),
        _waiting(flow),
        *_first_sessions(flow),
        _(
            "Programmes started {started} · Completed {completed}",
            started=flow.started,
            completed=flow.completed,
        ),
        _("Closed early {n}", n=flow.closed_early),
    ]
    for reason, text in CLOSED_BECAUSE.items():
        if flow.closed.get(reason):
            lines.append(_(text, n=flow.closed[reason]))
    return [*lines, *_endings(flow.endings)]


def safety_lines(safety: SafetyFigures) -> list[str]:
    """The period's lone-working check-ins and alerts: how many, how quickly handled."""
    lines = [
        _("Lone-working check-ins"),
        _(
            "Check-ins {checkins} · Alerts raised {alerts}",
            checkins=safety.checkins,
            alerts=safety.alerts,
        ),
    ]
    if safety.median_minutes_to_handle is None:
        lines.append(_("Alerts handled {n}", n=safety.handled))
    else:
        lines.append(
            _n(
                "Alerts handled {handled}, in a median of {n} minute",
                "Alerts handled {handled}, in a median of {n} minutes",
                whole(safety.median_minutes_to_handle),
                handled=safety.handled,
            )
        )
    return lines


def blocks(digest: Digest) -> list[str]:
    """The digest's service-wide blocks: the flow, then the check-ins when counted."""
    found = ["\n".join(flow_lines(digest.flow))]
    if digest.safety is not None:
        found.append("\n".join(safety_lines(digest.safety)))
    return found
