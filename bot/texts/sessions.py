"""Sessions: what peers and peer workers read about their sessions."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.services.localtime import shows_year

if TYPE_CHECKING:
    from bot.services.sessions import PeerLine, SessionView

BUTTON_CONFIRM = "I'll be there"
BUTTON_REARRANGE = "Rearrange"
BUTTON_CANCEL = "Can't make it"
BUTTON_HELD = "Held"
BUTTON_MISSED = "Missed"
BUTTON_CANCELLED = "Cancelled"
BUTTON_YES_CANCEL = "Yes, cancel it"
BUTTON_KEEP = "No, keep it"
BUTTON_ACCEPT = "Accept"
BUTTON_SUGGEST = "Suggest another time"
BUTTON_SKIP = "Skip"
BUTTON_COUNT_IT = "Count it against the programme"

# The state of a session, as each side reads it.
STATUS = {
    "awaiting": "awaiting reply",
    "confirmed": "confirmed",
    "requested": "rearrange requested",
    "cancelled": "cancelled",
    "held": "held",
    "missed": "missed",
}
PEER_STATUS = {
    **STATUS,
    "awaiting": "not confirmed yet",
    "confirmed": "you said you'll be there",
    "requested": "you asked to rearrange",
}


# The reader's today, set for each update and each delivery (handlers.common,
# scheduler.content): a date not within the next six months is shown with its year.
TODAY: ContextVar[date | None] = ContextVar("peerbot_today", default=None)


def day_label(day: date) -> str:
    """'Thu 3 Dec', or 'Thu 3 Dec 2027' when it is not within the next six months."""
    today = TODAY.get()
    year = f" {day.year}" if today is not None and shows_year(day, today) else ""
    return f"{day:%a} {day.day} {day:%b}{year}"


def when(moment: datetime, zone: str) -> str:
    """'Thu 3 Dec, 10:00' in the reader's zone (with the year when it is far off)."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{day_label(local.date())}, {local:%H:%M}"


def _span(view: SessionView, zone: str) -> str:
    v = view
    end = v.ends_at.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    return f"{when(v.starts_at, zone)}–{end} ({v.minutes} minutes)"


def ordinal(number: int | None, planned: int) -> str | None:
    """Like "3 of 10": the one way a session's place in the programme is written; None if none."""
    return None if number is None else f"{number} of {planned}"


def peer_card(view: SessionView, heading: str = "Your next session") -> str:
    v = view
    place = ordinal(v.number, v.planned)
    lines = [
        f"{heading}: " + (f"session {place}" if place else "a session") + f" with {v.worker_name}",
        _span(v, v.peer_tz),
        f"Place: {v.place}" if v.place else "Place: to be agreed",
        f"Status: {PEER_STATUS[v.status]}",
    ]
    return "\n".join(lines)


def worker_line(view: SessionView) -> str:
    v = view
    flag = " ⚠ can't be reached on Telegram" if v.peer_unreachable else ""
    place = f", {v.place}" if v.place else ""
    counted = ordinal(v.number, v.planned)
    length = f"{v.minutes} min, {counted}" if counted else f"{v.minutes} min"
    return (
        f"{when(v.starts_at, v.worker_tz)} — {v.peer_name}{place} "
        f"({length}): {STATUS[v.status]}{flag}"
    )


def scheduled_for_worker(view: SessionView) -> str:
    v = view
    told = "" if v.peer_telegram_id else " They haven't joined yet, so I'll show it when they do."
    return f"Scheduled: {worker_line(v)}.{told}"


def new_session_for_peer(view: SessionView) -> str:
    return peer_card(view, "A new session is booked") + "\nWill you be there?"


NO_NEXT = "You have no upcoming session at the moment. Your peer worker will arrange the next one."
NO_PROGRAMME = "You have no sessions yet. Your peer worker will arrange the first one."


def sessions_list(upcoming: list[SessionView], past: list[SessionView], zone: str) -> str:
    if not upcoming and not past:
        return NO_PROGRAMME
    parts = []
    if upcoming:
        rows = [f"• {when(v.starts_at, zone)}: {PEER_STATUS[v.status]}" for v in upcoming]
        parts.append("Coming up:\n" + "\n".join(rows))
    if past:
        rows = [f"• {when(v.starts_at, zone)}: {PEER_STATUS[v.status]}" for v in past[:10]]
        parts.append("Before:\n" + "\n".join(rows))
    return "\n\n".join(parts)


CONFIRMED = "Thank you, that's confirmed. See you then."
ALREADY_CONFIRMED = "You've already confirmed this one, nothing has changed."


def cancel_sure(view: SessionView) -> str:
    return (
        f"Cancel your session on {when(view.starts_at, view.peer_tz)}? "
        "Your peer worker will be told. It won't count against you."
    )


CANCEL_KEPT = "Fine, it stays as it is."
CANCELLED_PEER = (
    "The session is cancelled and your peer worker knows. Thank you for letting us know."
)


def cancelled_for_worker(view: SessionView) -> str:
    return f"{view.peer_name} can't make it: {when(view.starts_at, view.worker_tz)} is cancelled."


def changed(view: SessionView | None, for_peer: bool) -> str:
    """A stale button: what is true now, for someone allowed to see it."""
    if view is None:
        return "This has changed, so nothing was done."
    status = (PEER_STATUS if for_peer else STATUS)[view.status]
    zone = view.peer_tz if for_peer else view.worker_tz
    return f"This has changed, so nothing was done. The session is now {when(view.starts_at, zone)}, {status}."


# Rearranging
def offer_times(has_slots: bool) -> str:
    if has_slots:
        return "Which of these times would suit you? Or type a day and time that would, like “Thursday afternoon”."
    return (
        "Type a day and time that would suit you, like “Thursday afternoon”, and I'll pass it on."
    )


def picked(view: SessionView) -> str:
    """The peer's picker, once a time is picked: the question and the time picked."""
    assert view.request is not None and view.request.proposed_at is not None
    return f"{offer_times(True)}\n\nYou picked {when(view.request.proposed_at, view.peer_tz)}."


REQUEST_SENT = "Thanks, I've asked your peer worker. I'll tell you when it's agreed."


def request_for_worker(view: SessionView) -> str:
    v = view
    r = v.request
    assert r is not None
    asked = (
        f"would like {when(r.proposed_at, v.worker_tz)} instead"
        if r.proposed_at
        else f"would like another time: “{r.wish}”"
    )
    return f"{v.peer_name} {asked} (now {when(v.starts_at, v.worker_tz)})."


def suggestion_for_peer(view: SessionView) -> str:
    v = view
    assert v.request is not None and v.request.proposed_at is not None
    return f"{v.worker_name} suggests {when(v.request.proposed_at, v.peer_tz)} instead of {when(v.starts_at, v.peer_tz)}. Does that suit you?"


def accept_wish_prompt(view: SessionView) -> str:
    assert view.request is not None
    return (
        f"Which time did you agree for {view.peer_name}'s “{view.request.wish}”? "
        "Pick one, or type it as YYYY-MM-DD HH:MM."
    )


SUGGEST_PROMPT = "Pick a time to suggest, or type one as YYYY-MM-DD HH:MM."
SUGGESTION_SENT = "Sent. I'll tell you when they answer."


def moved(view: SessionView, for_peer: bool) -> str:
    zone = view.peer_tz if for_peer else view.worker_tz
    who = "" if for_peer else f" with {view.peer_name}"
    ask = " Will you be there?" if for_peer and view.status == "awaiting" else ""
    return f"Agreed: the session{who} is now {when(view.starts_at, zone)}.{ask}"


# Worker views
NO_DIARY = "Nothing in your diary for the next 14 days. /schedule books a session."


def diary(views: list[SessionView]) -> str:
    if not views:
        return NO_DIARY
    return "Your next 14 days:\n" + "\n".join(f"• {worker_line(v)}" for v in views)


NO_PEERS = "You have no peers yet. /addpeer adds one."


def peers(lines: list[PeerLine], zone: str) -> str:
    if not lines:
        return NO_PEERS
    rows = []
    for line in lines:
        l = line  # noqa: E741
        nxt = when(l.next_at, zone) if l.next_at else "none booked"
        contact = (
            l.last_contact.astimezone(ZoneInfo(zone)).strftime("%-d %b")
            if l.last_contact
            else "not yet"
        )
        extra = " (hasn't joined yet)" if not l.joined else ""
        if l.state == "completed":
            extra += " (programme completed)"
        if l.unreachable:
            extra += " ⚠ can't be reached on Telegram"
        rows.append(
            f"• {l.name}{extra}: {l.held} of {l.planned} sessions held; next: {nxt}; last contact: {contact}"
        )
    return "Your peers:\n" + "\n".join(rows)


NO_OUTCOMES = "No past sessions are waiting for an outcome."


def outcome_question(view: SessionView) -> str:
    return (
        f"How did the session with {view.peer_name} on {when(view.starts_at, view.worker_tz)} go?"
    )


def outcome_recorded(view: SessionView) -> str:
    return (
        f"Marked as {STATUS[view.status]}. Add a short note for next time? Type it, or press Skip."
    )


def is_skip(typed: str) -> bool:
    """Whether a typed answer is the Skip button's word ("skip", "Skip!", " SKIP. ")."""
    word = "".join(c for c in typed if c.isalnum()).casefold()
    return word == BUTTON_SKIP.casefold()


CANCELLED_NOT_COUNTED = "It won't count against the programme unless you say so."
COUNTED = "Noted: it counts against the programme."
NOTE_SAVED = "Note saved for next time."
NOTE_SKIPPED = "No note, that's fine."


def completed_for_worker(view: SessionView) -> str:
    return f"{view.peer_name} has completed their programme of {view.planned} sessions."


def completed_for_peer(view: SessionView) -> str:
    return f"That was session {view.planned} of {view.planned}: you've completed your programme. Well done, and thank you."


COULD_NOT_TELL = "I couldn't reach {name} on Telegram, so they haven't been told."

PROBLEMS = {
    "rearrange_already_asked": "You've already asked for that time, and your peer worker has it.",
    "wish_empty": "Please type a day and time that would suit you.",
    "wish_too_long": "That's a bit long. Please keep it to {limit} characters.",
    "suggest_usage": "Please type the time as YYYY-MM-DD HH:MM, like 2026-12-03 14:30.",
    "outcome_note_too_long": "That note is a bit long. Please keep it to {limit} characters.",
}
