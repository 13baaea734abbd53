"""Sessions: what peers and peer workers read about their sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, _n
from bot.texts.dates import (
    TODAY as TODAY,  # the one spelling of dates lives in bot.texts.dates
    day_label as day_label,
    hhmm,
    short_day_month,
    when as when,
)

if TYPE_CHECKING:
    from bot.services.sessions import PeerLine, SessionView

BUTTON_CONFIRM = N_("I'll be there")
BUTTON_REARRANGE = N_("Rearrange")
BUTTON_CANCEL = N_("Can't make it")
BUTTON_HELD = N_("Held")
BUTTON_MISSED = N_("Missed")
BUTTON_CANCELLED = N_("Cancelled")
BUTTON_YES_CANCEL = N_("Yes, cancel it")
BUTTON_KEEP = N_("No, keep it")
BUTTON_ACCEPT = N_("Accept")
BUTTON_SUGGEST = N_("Suggest another time")
BUTTON_SKIP = N_("Skip")
BUTTON_COUNT_IT = N_("Count it against the programme")

# The state of a session, as each side reads it.
STATUS = {
    "awaiting": N_("awaiting reply"),
    "confirmed": N_("confirmed"),
    "requested": N_("rearrange requested"),
    "cancelled": N_("cancelled"),
    "held": N_("held"),
    "missed": N_("missed"),
}
PEER_STATUS = {
    **STATUS,
    "awaiting": N_("not confirmed yet"),
    "confirmed": N_("you said you'll be there"),
    "requested": N_("you asked to rearrange"),
}


def _span(view: SessionView, zone: str) -> str:
    v = view
    end = hhmm(v.ends_at.astimezone(ZoneInfo(zone)))
    return _n(
        "{start}–{end} ({n} minute)",
        "{start}–{end} ({n} minutes)",
        v.minutes,
        start=when(v.starts_at, zone),
        end=end,
    )


def ordinal(number: int | None, planned: int) -> str | None:
    """Like "3 of 10": the one way a session's place in the programme is written; None if none."""
    return None if number is None else _("{number} of {planned}", number=number, planned=planned)


def peer_card(view: SessionView, heading: str = N_("Your next session")) -> str:
    """The session as the peer reads it; `heading` is a marked sentence (N_)."""
    v = view
    if v.number is not None:
        title = _(
            "{heading}: session {number} of {planned} with {worker}",
            heading=_(heading),
            number=v.number,
            planned=v.planned,
            worker=v.worker_name,
        )
    else:
        title = _("{heading}: a session with {worker}", heading=_(heading), worker=v.worker_name)
    lines = [
        title,
        _span(v, v.peer_tz),
        _("Place: {place}", place=v.place) if v.place else _("Place: to be agreed"),
        _("Status: {status}", status=_(PEER_STATUS[v.status])),
    ]
    return "\n".join(lines)


def worker_line(view: SessionView) -> str:
    v = view
    flag = _(" ⚠ can't be reached on Telegram") if v.peer_unreachable else ""
    counted = ordinal(v.number, v.planned)
    length = (
        _("{minutes} min, {counted}", minutes=v.minutes, counted=counted)
        if counted
        else _("{minutes} min", minutes=v.minutes)
    )
    values = {"when": when(v.starts_at, v.worker_tz), "peer": v.peer_name, "length": length}
    status = _(STATUS[v.status])
    if v.place:
        line = _(
            "{when} — {peer}, {place} ({length}): {status}", place=v.place, status=status, **values
        )
    else:
        line = _("{when} — {peer} ({length}): {status}", status=status, **values)
    return f"{line}{flag}"


def scheduled_for_worker(view: SessionView) -> str:
    v = view
    told = (
        "" if v.peer_telegram_id else _(" They haven't joined yet, so I'll show it when they do.")
    )
    return _("Scheduled: {line}.", line=worker_line(v)) + told


NEW_SESSION = N_("A new session is booked")


def new_session_for_peer(view: SessionView) -> str:
    return _("{card}\nWill you be there?", card=peer_card(view, NEW_SESSION))


NO_NEXT = N_(
    "You have no upcoming session at the moment. Your peer worker will arrange the next one."
)
NO_PROGRAMME = N_("You have no sessions yet. Your peer worker will arrange the first one.")


def _rows(views: list[SessionView], zone: str) -> str:
    return "\n".join(
        _("• {when}: {status}", when=when(v.starts_at, zone), status=_(PEER_STATUS[v.status]))
        for v in views
    )


def sessions_list(upcoming: list[SessionView], past: list[SessionView], zone: str) -> str:
    if not upcoming and not past:
        return _(NO_PROGRAMME)
    parts = []
    if upcoming:
        parts.append(_("Coming up:\n{rows}", rows=_rows(upcoming, zone)))
    if past:
        parts.append(_("Before:\n{rows}", rows=_rows(past[:10], zone)))
    return "\n\n".join(parts)


CONFIRMED = N_("Thank you, that's confirmed. See you then.")
ALREADY_CONFIRMED = N_("You've already confirmed this one, nothing has changed.")


def cancel_sure(view: SessionView) -> str:
    return _(
        "Cancel your session on {when}? Your peer worker will be told. It won't count against you.",
        when=when(view.starts_at, view.peer_tz),
    )


CANCEL_KEPT = N_("Fine, it stays as it is.")
CANCELLED_PEER = N_(
    "The session is cancelled and your peer worker knows. Thank you for letting us know."
)


def cancelled_for_worker(view: SessionView) -> str:
    return _(
        "{peer} can't make it: {when} is cancelled.",
        peer=view.peer_name,
        when=when(view.starts_at, view.worker_tz),
    )


def changed(view: SessionView | None, for_peer: bool) -> str:
    """A stale button: what is true now, for someone allowed to see it."""
    if view is None:
        return _("This has changed, so nothing was done.")
    status = (PEER_STATUS if for_peer else STATUS)[view.status]
    zone = view.peer_tz if for_peer else view.worker_tz
    return _(
        "This has changed, so nothing was done. The session is now {when}, {status}.",
        when=when(view.starts_at, zone),
        status=_(status),
    )


# Worker views
NO_DIARY = N_("Nothing in your diary for the next 14 days. /schedule books a session.")


def diary(views: list[SessionView]) -> str:
    if not views:
        return _(NO_DIARY)
    rows = "\n".join(f"• {worker_line(v)}" for v in views)
    return _("Your next 14 days:\n{rows}", rows=rows)


NO_PEERS = N_("You have no peers yet. /addpeer adds one.")


def _peer_row(line: PeerLine, zone: str) -> str:
    l = line  # noqa: E741
    nxt = when(l.next_at, zone) if l.next_at else _("none booked")
    contact = (
        short_day_month(l.last_contact.astimezone(ZoneInfo(zone)).date())
        if l.last_contact
        else _("not yet")
    )
    extra = _(" (hasn't joined yet)") if not l.joined else ""
    if l.state == "completed":
        extra += _(" (programme completed)")
    if l.unreachable:
        extra += _(" ⚠ can't be reached on Telegram")
    return _n(
        "• {name}{extra}: {held} of {n} session held; next: {next}; last contact: {contact}",
        "• {name}{extra}: {held} of {n} sessions held; next: {next}; last contact: {contact}",
        l.planned,
        name=l.name,
        extra=extra,
        held=l.held,
        next=nxt,
        contact=contact,
    )


def peers(lines: list[PeerLine], zone: str) -> str:
    if not lines:
        return _(NO_PEERS)
    rows = "\n".join(_peer_row(line, zone) for line in lines)
    return _("Your peers:\n{rows}", rows=rows)


NO_OUTCOMES = N_("No past sessions are waiting for an outcome.")


def outcome_question(view: SessionView) -> str:
    return _(
        "How did the session with {peer} on {when} go?",
        peer=view.peer_name,
        when=when(view.starts_at, view.worker_tz),
    )


def outcome_recorded(view: SessionView) -> str:
    return _(
        "Marked as {status}. Add a short note for next time? Type it, or press Skip.",
        status=_(STATUS[view.status]),
    )


def is_skip(typed: str) -> bool:
    """Whether a typed answer is the Skip button's word ("skip", "Skip!", " SKIP. "), in
    English or the reader's language."""
    word = "".join(c for c in typed if c.isalnum()).casefold()
    return word in (BUTTON_SKIP.casefold(), _(BUTTON_SKIP).casefold())


CANCELLED_NOT_COUNTED = N_("It won't count against the programme unless you say so.")
COUNTED = N_("Noted: it counts against the programme.")
NOTE_SAVED = N_("Note saved for next time.")
NOTE_SKIPPED = N_("No note, that's fine.")


def completed_for_worker(view: SessionView) -> str:
    return _n(
        "{name} has completed their programme of {n} session.",
        "{name} has completed their programme of {n} sessions.",
        view.planned,
        name=view.peer_name,
    )


def completed_for_peer(view: SessionView) -> str:
    return _(
        "That was session {planned} of {planned}: you've completed your programme. Well done, and thank you.",
        planned=view.planned,
    )


COULD_NOT_TELL = N_("I couldn't reach {name} on Telegram, so they haven't been told.")

PROBLEMS = {
    "outcome_note_too_long": N_("That note is a bit long. Please keep it to {limit} characters."),
}
