"""Keyboards of sessions: the peer's answers, outcomes, rearranging."""

from __future__ import annotations

from datetime import datetime

from bot import callbacks as cb
from bot.i18n import _
from bot.keyboards.keys import Key, Keyboard, column
from bot.services.sessions import SessionView
from bot.texts import privacy as tp, sessions as ts


def calendar_key() -> Key:
    """ "Add to my calendar", for under a session message: sends the presser's .ics."""
    return Key(_(tp.BUTTON_CALENDAR), cb.PRV_CALENDAR())


def session(session_id: int, version: int) -> Keyboard:
    """The peer's three answers to a session, and the session for their own calendar."""
    ids = (session_id, version)
    return (
        (Key(_(ts.BUTTON_CONFIRM), cb.SES_CONFIRM(*ids)),),
        (
            Key(_(ts.BUTTON_REARRANGE), cb.SES_REARRANGE(*ids)),
            Key(_(ts.BUTTON_CANCEL), cb.SES_ASK_CANCEL(*ids)),
        ),
        (calendar_key(),),
    )


def cancel_sure(session_id: int, version: int) -> Keyboard:
    ids = (session_id, version)
    return (
        (
            Key(_(ts.BUTTON_YES_CANCEL), cb.SES_CANCEL(*ids)),
            Key(_(ts.BUTTON_KEEP), cb.SES_KEEP(*ids)),
        ),
    )


def outcome(session_id: int) -> Keyboard:
    """The peer worker's three outcomes for a session that has ended."""
    return (
        (
            Key(_(ts.BUTTON_HELD), cb.OUT_HELD(session_id)),
            Key(_(ts.BUTTON_MISSED), cb.OUT_MISSED(session_id)),
            Key(_(ts.BUTTON_CANCELLED), cb.OUT_CANCELLED(session_id)),
        ),
    )


def after_outcome(session_id: int, cancelled: bool) -> Keyboard:
    skip = (Key(_(ts.BUTTON_SKIP), cb.OUT_SKIP_NOTE(session_id)),)
    if not cancelled:
        return (skip,)
    return (skip, (Key(_(ts.BUTTON_COUNT_IT), cb.OUT_COUNT(session_id)),))


def times_to_request(view: SessionView, slots: list[datetime]) -> Keyboard:
    return column(
        Key(ts.when(s, view.peer_tz), cb.REA_PICK(view.id, view.version, s)) for s in slots
    )


def times_to_suggest(slots: list[datetime], zone: str) -> Keyboard:
    return column(Key(ts.when(s, zone), cb.REA_SUGGESTED(s)) for s in slots)


def request_for_worker(view: SessionView) -> Keyboard:
    assert view.request is not None
    # A typed wish can be accepted too: the worker is then asked for the time (SPEC §3).
    return (
        (
            Key(_(ts.BUTTON_ACCEPT), cb.REA_ACCEPT(view.request.id)),
            Key(_(ts.BUTTON_SUGGEST), cb.REA_SUGGEST(view.request.id)),
        ),
    )


def suggestion_for_peer(view: SessionView) -> Keyboard:
    assert view.request is not None
    return (
        (
            Key(_(ts.BUTTON_ACCEPT), cb.REA_ACCEPT(view.request.id)),
            Key(_(ts.BUTTON_REARRANGE), cb.SES_REARRANGE(view.id, view.version)),
        ),
    )


def forget(person_id: int) -> Keyboard:
    return (
        (Key(_(tp.BUTTON_FORGET), cb.PRV_FORGET(person_id)),),
        (Key(_(tp.BUTTON_KEEP), cb.PRV_KEEP(person_id)),),
    )
