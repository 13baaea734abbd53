"""A peer's own reminder choice, quiet hours, and pausing (SPEC §1.1, §3).

Reminders are off until the peer turns them on: no ReminderPrefs row, or a row with every
choice off, means nothing is sent. The peer is offered the choice once after joining and
never asked again unprompted; /stop pauses everything the bot would send on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.services import localtime
from bot.services.errors import BadInput, Stale
from bot.services.onboarding import member
from storage.models import Person, ReminderPrefs, Role
from storage.uow import UnitOfWork

DAY_BEFORE = "day_before"
MORNING = "morning"
HOUR_BEFORE = "hour_before"
CHOICES = (DAY_BEFORE, MORNING, HOUR_BEFORE)


@dataclass(frozen=True)
class ReminderChoice:
    day_before: bool
    day_before_at: time
    morning: bool
    morning_at: time
    hour_before: bool
    quiet_from: time
    quiet_until: time
    paused: bool
    asked_at: datetime | None  # when the peer was offered the choice (None: not yet)

    @property
    def any(self) -> bool:
        return self.day_before or self.morning or self.hour_before

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_from != self.quiet_until


def choice_of(prefs: ReminderPrefs, person: Person) -> ReminderChoice:
    """The peer's reminder choice as stored (the one definition /reminders and /mydata show)."""
    return ReminderChoice(
        prefs.day_before,
        prefs.day_before_at,
        prefs.morning,
        prefs.morning_at,
        prefs.hour_before,
        prefs.quiet_from,
        prefs.quiet_until,
        paused=person.paused,
        asked_at=prefs.asked_at,
    )


async def _set(
    uow: UnitOfWork,
    peer: Person,
    values: dict[str, object],
    *,
    now: datetime,
    expected: dict[str, object] | None = None,
    asked: bool = True,
) -> ReminderChoice:
    """Save a change (only if the choice is still `expected`: else Stale) and commit it."""
    if not await uow.prefs.change_reminders(
        peer.id, values, now=now, expected=expected, asked=asked
    ):
        raise Stale()
    await uow.commit()
    return choice_of(await uow.prefs.reminders(peer.id), peer)


def _check_choice(choice: str) -> None:
    if choice not in CHOICES:
        raise BadInput("reminder_unknown")


async def my_reminders(uow: UnitOfWork, telegram_id: int) -> ReminderChoice:
    """The peer's current choice (everything off when they never chose)."""
    peer = await member(uow, telegram_id, Role.PEER)
    return choice_of(await uow.prefs.reminders(peer.id), peer)


async def toggle(
    uow: UnitOfWork, telegram_id: int, choice: str, *, now: datetime
) -> ReminderChoice:
    """Turn one reminder on or off; Stale if it changed since it was read (a double tap)."""
    _check_choice(choice)
    peer = await member(uow, telegram_id, Role.PEER)
    was = bool(getattr(await uow.prefs.reminders(peer.id), choice))
    return await _set(uow, peer, {choice: not was}, now=now, expected={choice: was})


async def turn_on(
    uow: UnitOfWork, telegram_id: int, choice: str, *, now: datetime
) -> ReminderChoice:
    """Turn one reminder on (an answer to the offer: pressing twice changes nothing more)."""
    _check_choice(choice)
    peer = await member(uow, telegram_id, Role.PEER)
    return await _set(uow, peer, {choice: True}, now=now)


async def set_time(
    uow: UnitOfWork, telegram_id: int, choice: str, at: time, *, now: datetime
) -> ReminderChoice:
    """Set when "the day before" or "on the morning" comes, and turn it on."""
    if choice not in (DAY_BEFORE, MORNING):
        raise BadInput("reminder_unknown")
    peer = await member(uow, telegram_id, Role.PEER)
    return await _set(uow, peer, {f"{choice}_at": at, choice: True}, now=now)


async def set_quiet_hours(
    uow: UnitOfWork, telegram_id: int, quiet_from: time, quiet_until: time, *, now: datetime
) -> ReminderChoice:
    """Set the quiet hours (equal ends: none)."""
    peer = await member(uow, telegram_id, Role.PEER)
    values: dict[str, object] = {"quiet_from": quiet_from, "quiet_until": quiet_until}
    return await _set(uow, peer, values, now=now, asked=False)


async def choose_none(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> ReminderChoice:
    """No reminders at all ("No thanks" and "None" alike); the peer has been asked."""
    peer = await member(uow, telegram_id, Role.PEER)
    off: dict[str, object] = dict.fromkeys(CHOICES, False)
    return await _set(uow, peer, off, now=now)


async def offer_once(uow: UnitOfWork, person_id: int, *, now: datetime) -> bool:
    """Whether to offer reminders to this peer now; True only the first time, ever.

    Claimed with a conditional write, so two joins racing (two replicas) offer once.
    """
    person = await uow.people.get(person_id)
    if person is None or person.role != Role.PEER:
        return False
    if (await uow.prefs.reminders(person_id)).asked_at is not None:
        return False
    if not await uow.prefs.claim_reminder_offer(person_id, now):
        return False
    await uow.commit()
    return True


async def pause(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> bool:
    """/stop: pause every message the bot would send on its own; False if already paused."""
    person = await member(uow, telegram_id)
    if person.paused:
        return False
    person.paused = True
    await uow.commit()
    return True


async def resume(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> bool:
    """Plain /start from a member: resume if paused, and they can be reached again.

    A person who blocked the bot and unblocks it sends /start (Telegram's Restart
    button), so it also clears `unreachable_at`. A programme's end that waited while they
    were paused or unreachable is sent now. True when the person had been paused.
    """
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or person.joined_at is None or person.left_at is not None:
        return False
    was_paused = person.paused
    if not was_paused and person.unreachable_at is None:
        return False
    person.paused = False
    person.unreachable_at = None
    await uow.deliveries.send_what_waited(person.id, now)
    await uow.commit()
    return was_paused


def parse_time(text: str) -> time:
    """A typed reminder time: "18:00", "8:30", "7.45", "19", "6pm" (the bot's one parser)."""
    try:
        return localtime.parse_time(text or "", bare_hour=True)
    except BadInput:
        raise BadInput("time_unclear", typed=(text or "").strip()[:20]) from None


def parse_range(text: str) -> tuple[time, time]:
    """Typed quiet hours like "21:00-08:00" or "10pm to 7am"; BadInput otherwise."""
    return localtime.parse_range(text)
