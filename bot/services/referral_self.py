"""Self-referral by the organisation's public link `/start refer` (SPEC §2).

Nothing is stored before **Yes, please**: `opening` only reads. Consent makes the person
(a peer with no programme yet) and asks for their first name, in the SELF_REFERRAL flow;
the typed name puts them on the list. A peer whose programme ended can ask again from the
same account (coming back): their name is known, so consent puts them on the list at once.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.services import flows
from bot.services.errors import Stale
from bot.services.flows import SELF_REFERRAL, NoData, SelfReferralStep
from bot.services.onboarding import clean_name, member
from bot.services.referral_sources import SELF
from bot.services.referrals import ENOUGH_WAITS, PAST_WAITS
from storage.models import Person, ProgrammeState, Referral, ReferralState, Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# The start parameter of the organisation's public link, https://t.me/<bot>?start=refer.
PUBLIC_LINK = "refer"


class Opening(StrEnum):
    """What the public link leads to for this account."""

    OFF = "off"  # the service takes no self-referrals: the stranger's answer
    CONSENT = "consent"  # explain, then Yes, please / Not now
    ON_LIST = "on_list"  # already waiting
    HAS_PROGRAMME = "has_programme"  # a peer with a programme under way
    STAFF = "staff"  # a coordinator or peer worker
    ASK_NAME = "ask_name"  # consented, but the first name never came


@dataclass(frozen=True)
class OnList:
    name: str
    weeks: int | None  # the usual wait, once there are enough past waits


@dataclass(frozen=True)
class Consented:
    ask_name: bool
    on_list: OnList | None = None


async def usual_wait_weeks(uow: UnitOfWork) -> int | None:
    """The median of recent waits from referral to match, in whole weeks (at least 1)."""
    waits = await uow.referrals.recent_waits(PAST_WAITS)
    if len(waits) < ENOUGH_WAITS:
        return None
    days = statistics.median(
        (matched - referred).total_seconds() / 86400 for referred, matched in waits
    )
    return max(1, round(days / 7))


async def _known(uow: UnitOfWork, telegram_id: int) -> Person | None:
    person = await uow.people.by_telegram_id(telegram_id)
    if person is None or person.joined_at is None or person.left_at is not None:
        return None
    return person


async def opening(uow: UnitOfWork, telegram_id: int, *, enabled: bool) -> Opening:
    """What the public link shows this account; reads only."""
    if not enabled:
        return Opening.OFF
    person = await _known(uow, telegram_id)
    if person is None:
        return Opening.CONSENT
    if person.role != Role.PEER:
        return Opening.STAFF
    if await uow.referrals.open_for_person(person.id) is not None:
        return Opening.ON_LIST
    programme = await uow.programmes.current_for_peer(person.id)
    if programme is None:
        return Opening.ASK_NAME
    if programme.state == ProgrammeState.ACTIVE:
        return Opening.HAS_PROGRAMME
    return Opening.CONSENT


async def _put_on_list(uow: UnitOfWork, person: Person, now: datetime) -> OnList:
    uow.referrals.add(
        Referral(
            first_name=person.display_name or "",
            source=SELF,
            state=ReferralState.WAITING,
            person_id=person.id,
            created_at=now,
            version=1,
        )
    )
    await uow.commit()
    log.info("person %s referred themselves", person.id)
    return OnList(person.display_name or "", await usual_wait_weeks(uow))


async def consent(
    uow: UnitOfWork,
    telegram_id: int,
    *,
    now: datetime,
    enabled: bool,
    timezone: str,
) -> Consented:
    """Yes, please: the first thing stored. A stranger is asked their first name next."""
    found = await opening(uow, telegram_id, enabled=enabled)
    if found is not Opening.CONSENT:
        raise Stale()
    person = await _known(uow, telegram_id)
    if person is not None:  # coming back: the name is known
        return Consented(False, await _put_on_list(uow, person, now))
    person = Person(
        role=Role.PEER,
        telegram_id=telegram_id,
        display_name=None,
        timezone=timezone,
        created_at=now,
        joined_at=now,
        paused=False,
    )
    uow.people.add(person)
    await uow.flush()
    await flows.begin(uow, person.id, SELF_REFERRAL, SelfReferralStep.NAME, NoData(), now=now)
    await uow.commit()
    log.info("person %s consented to a self-referral", person.id)
    return Consented(True)


async def take_name(uow: UnitOfWork, telegram_id: int, raw: str, *, now: datetime) -> OnList:
    """The typed first name: the person is on the list."""
    person = await member(uow, telegram_id, Role.PEER)
    read = await flows.need(uow, person.id, SELF_REFERRAL, SelfReferralStep.NAME, now=now)
    name = clean_name(raw)
    person.display_name = name
    await flows.end(uow, person.id, SELF_REFERRAL, read=read)
    return await _put_on_list(uow, person, now)


async def ask_name_again(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> None:
    """Consented earlier but left before typing a first name: ask for it again."""
    person = await member(uow, telegram_id, Role.PEER)
    await flows.begin(uow, person.id, SELF_REFERRAL, SelfReferralStep.NAME, NoData(), now=now)
    await uow.commit()


async def unnote_consent(uow: UnitOfWork, chat_id: int) -> None:
    """Forget the consent buttons' note (typed-button memory) for a stranger's chat: nothing
    about them is kept before Yes, please."""
    if await _known(uow, chat_id) is None:
        await uow.keyboards.forget(chat_id)
        await uow.commit()


async def is_waiting(uow: UnitOfWork, telegram_id: int) -> bool:
    """A peer on the list (or about to be): the peer commands say so kindly."""
    return await uow.referrals.is_waiting(telegram_id)
