"""Lone-working safety check-ins (SPEC §8): calm, plain, and each says it supports the
organisation's own lone-working procedure and that in danger you call 999.

A peer never reads any of these. Coordinators read the worker's name, the place and the
times of the visit: never notes or strategies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.i18n import N_, _, _n
from bot.texts.sessions import when

BUTTON_SAFE = N_("I'm safe")
BUTTON_HANDLING = N_("I'm handling it")
BUTTON_SKIP = N_("Skip")

PROBLEMS = {
    "checkin_minutes": N_(
        "Please give the minutes as a whole number from 1 to {longest}, like /checkin 90."
    ),
    "checkin_place": N_("That's a long place name: please keep it under {longest} characters."),
}


def _for_workers() -> str:
    return _(
        "This supports your organisation's lone-working procedure; it doesn't replace it. "
        "If you're in danger, call 999."
    )


def _for_coordinators() -> str:
    return _(
        "Please follow your organisation's lone-working procedure. "
        "If you think they're in danger, call 999."
    )


def off() -> str:
    return _(
        "This service doesn't use safety check-ins, so there's nothing to do here. "
        "If you're in danger, call 999."
    )


def started_session(peer_name: str | None, ends_at: datetime, zone: str) -> str:
    """At a session's start, to the worker."""
    head = (
        _("Your session with {name} has started.", name=peer_name)
        if peer_name
        else _("Your session has started.")
    )
    line = _(
        "When you're done and safe, press I'm safe or send /safe (planned end: {end}).",
        end=when(ends_at, zone),
    )
    return f"{head}\n{line}\n\n{_for_workers()}"


def are_you_safe(ends_at: datetime, grace_minutes: int, zone: str) -> str:
    """Once, a grace after the planned end."""
    head = _("Are you safe? Your visit was planned to end at {end}.", end=when(ends_at, zone))
    then = _n(
        "Press I'm safe or send /safe. If I don't hear from you in {n} minute, "
        "your coordinators will be told.",
        "Press I'm safe or send /safe. If I don't hear from you in {n} minutes, "
        "your coordinators will be told.",
        grace_minutes,
    )
    return f"{head}\n{then}\n\n{_for_workers()}"


def ask_place(minutes: int) -> str:
    head = _n(
        "A check-in for the next {n} minute.", "A check-in for the next {n} minutes.", minutes
    )
    return f"{head}\n" + _("Where are you going? Type the place, or press Skip.")


def checkin_started(ends_at: datetime, grace_minutes: int, zone: str) -> str:
    head = _(
        "Check-in started. Press I'm safe or send /safe when you're done, by {end}.",
        end=when(ends_at, zone),
    )
    then = _n(
        "{n} minute after that I'll ask you; if I still don't hear from you, "
        "your coordinators will be told.",
        "{n} minutes after that I'll ask you; if I still don't hear from you, "
        "your coordinators will be told.",
        grace_minutes,
    )
    return f"{head}\n{then}\n\n{_for_workers()}"


def safe_thanks() -> str:
    return _("Thank you. Glad you're safe: the check-in is closed.")


def nothing_open() -> str:
    return _("There's no check-in open for you right now.") + f"\n\n{_for_workers()}"


def already_safe() -> str:
    return _("That check-in is already closed. Thank you.")


def sos_sent(names: Sequence[str]) -> str:
    if not names:
        return _(
            "There's no coordinator I can alert. If you're in danger, call 999 now, "
            "and follow your organisation's lone-working procedure."
        )
    listed = "\n".join(f"• {name}" for name in names)
    head = _("I'm alerting your coordinators now:")
    tail = _("When you're safe, send /safe.")
    return f"{head}\n{listed}\n{tail}\n\n{_for_workers()}"


def alert(
    *,
    sos: bool,
    worker_name: str,
    place: str | None,
    ends_at: datetime,
    last_heard_at: datetime | None,
    handler_name: str | None,
    zone: str,
) -> str:
    """To each coordinator: the worker's name, the place, the planned end, last heard."""
    if sos:
        head = _("Safety alert: {name} has asked for help now (/sos).", name=worker_name)
    else:
        head = _("Safety alert: {name} hasn't said they're safe after a visit.", name=worker_name)
    lines = [head, _("Place: {place}", place=place or _("not given"))]
    if not sos:
        lines.append(_("Planned end: {end}", end=when(ends_at, zone)))
    heard = when(last_heard_at, zone) if last_heard_at else _("not since the check-in began")
    lines.append(_("Last heard from: {heard}", heard=heard))
    if handler_name:
        lines.append(_("{name} is handling it.", name=handler_name))
    return "\n".join(lines) + f"\n\n{_for_coordinators()}"


def handled(handler_name: str, worker_name: str) -> str:
    """To the other coordinators alerted, after the first press."""
    text = _(
        "{handler} is handling the safety alert for {worker}.",
        handler=handler_name,
        worker=worker_name,
    )
    return f"{text}\n\n{_for_coordinators()}"


def over(worker_name: str) -> str:
    """To each coordinator alerted, once the worker is safe."""
    return _("{name} has said they're safe. The safety alert is over.", name=worker_name)


def handling_thanks() -> str:
    return _("Thank you. The other coordinators will see that you're handling it.")


def already_handled(handler_name: str | None) -> str:
    if handler_name:
        return _("{name} is already handling it.", name=handler_name)
    return _("This alert is being handled already.")


def already_over(worker_name: str) -> str:
    return _("{name} has said they're safe: the alert is over.", name=worker_name)
