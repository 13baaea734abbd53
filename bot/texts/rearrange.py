"""Rearranging: the peer picks or types a time, the peer worker accepts or suggests one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import N_, _
from bot.texts.dates import when

if TYPE_CHECKING:
    from bot.services.sessions import SessionView


def offer_times(has_slots: bool) -> str:
    if has_slots:
        return _(
            "Which of these times would suit you? Or type a day and time that would, like “Thursday afternoon”."
        )
    return _(
        "Type a day and time that would suit you, like “Thursday afternoon”, and I'll pass it on."
    )


def picked(view: SessionView) -> str:
    """The peer's picker, once a time is picked: the question and the time picked."""
    assert view.request is not None and view.request.proposed_at is not None
    return _(
        "{question}\n\nYou picked {when}.",
        question=offer_times(True),
        when=when(view.request.proposed_at, view.peer_tz),
    )


REQUEST_SENT = N_("Thanks, I've asked your peer worker. I'll tell you when it's agreed.")


def request_for_worker(view: SessionView) -> str:
    v = view
    r = v.request
    assert r is not None
    now = when(v.starts_at, v.worker_tz)
    if r.proposed_at:
        return _(
            "{peer} would like {proposed} instead (now {now}).",
            peer=v.peer_name,
            proposed=when(r.proposed_at, v.worker_tz),
            now=now,
        )
    return _(
        "{peer} would like another time: “{wish}” (now {now}).",
        peer=v.peer_name,
        wish=r.wish,
        now=now,
    )


def suggestion_for_peer(view: SessionView) -> str:
    v = view
    assert v.request is not None and v.request.proposed_at is not None
    return _(
        "{worker} suggests {proposed} instead of {now}. Does that suit you?",
        worker=v.worker_name,
        proposed=when(v.request.proposed_at, v.peer_tz),
        now=when(v.starts_at, v.peer_tz),
    )


def accept_wish_prompt(view: SessionView) -> str:
    assert view.request is not None
    return _(
        "Which time did you agree for {peer}'s “{wish}”? Pick one, or type it as YYYY-MM-DD HH:MM.",
        peer=view.peer_name,
        wish=view.request.wish,
    )


SUGGEST_PROMPT = N_("Pick a time to suggest, or type one as YYYY-MM-DD HH:MM.")
SUGGESTION_SENT = N_("Sent. I'll tell you when they answer.")


def moved(view: SessionView, for_peer: bool) -> str:
    zone = view.peer_tz if for_peer else view.worker_tz
    at = when(view.starts_at, zone)
    if not for_peer:
        return _("Agreed: the session with {peer} is now {when}.", peer=view.peer_name, when=at)
    if view.status == "awaiting":
        return _("Agreed: the session is now {when}. Will you be there?", when=at)
    return _("Agreed: the session is now {when}.", when=at)


PROBLEMS = {
    "rearrange_already_asked": N_(
        "You've already asked for that time, and your peer worker has it."
    ),
    "wish_empty": N_("Please type a day and time that would suit you."),
    "wish_too_long": N_("That's a bit long. Please keep it to {limit} characters."),
    "suggest_usage": N_("Please type the time as YYYY-MM-DD HH:MM, like 2026-12-03 14:30."),
}
