"""A peer worker's answer to a referral offered to them (SPEC §2): Accept begins the
programme, as /addpeer does; Not this time puts it back on the list. Both conditional on
the version the button carried."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.services import onboarding
from bot.services.errors import BadInput, NotYours, Stale
from bot.services.onboarding import IssuedInvitation, member
from storage.models import Person, Referral, ReferralState, Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accepted:
    first_name: str
    worker_name: str
    # A self-referred person joins at once: they are told here.
    peer_telegram_id: int | None
    # Anyone else gets an invitation the worker hands over, as with /addpeer.
    invitation: IssuedInvitation | None
    coordinator_telegram_id: int | None
    planned_sessions: int


@dataclass(frozen=True)
class Declined:
    first_name: str
    worker_name: str
    coordinator_telegram_id: int | None


async def _offered_to_me(
    uow: UnitOfWork, telegram_id: int, referral_id: int, version: int
) -> tuple[Person, Referral]:
    worker = await member(uow, telegram_id, Role.WORKER)
    referral = await uow.referrals.get(referral_id)
    if referral is None:
        raise Stale()
    if referral.offered_to_id != worker.id and referral.state == ReferralState.OFFERED:
        raise NotYours()
    if referral.version != version or referral.state != ReferralState.OFFERED:
        raise Stale()
    return worker, referral


async def _answered(uow: UnitOfWork, referral: Referral, version: int, **values: object) -> None:
    """Move the offered referral on with `values` and commit; Stale if it moved meanwhile."""
    if not await uow.referrals.change(referral.id, version, (ReferralState.OFFERED,), **values):
        raise Stale()
    await uow.commit()


async def _telegram_id(uow: UnitOfWork, person_id: int | None) -> int | None:
    person = await uow.people.get(person_id) if person_id else None
    return person.telegram_id if person else None


async def accept(
    uow: UnitOfWork,
    telegram_id: int,
    referral_id: int,
    version: int,
    *,
    now: datetime,
    days: int,
    planned_sessions: int,
) -> Accepted:
    """The worker takes the referral: the programme begins (as with /addpeer)."""
    worker, referral = await _offered_to_me(uow, telegram_id, referral_id, version)
    invitation: IssuedInvitation | None = None
    peer_telegram_id: int | None = None
    if referral.person_id is not None:  # asked for support themselves: joined already
        peer = await uow.people.get(referral.person_id)
        if peer is None or peer.left_at is not None:
            raise Stale()
        programme = onboarding.begin_programme(uow, peer, worker, planned_sessions, now)
        peer.invited_by_id = worker.id
        peer.timezone = worker.timezone
        await uow.flush()
        peer_id, peer_telegram_id = peer.id, peer.telegram_id
    else:
        try:
            invitation = await onboarding.new_peer(
                uow,
                worker,
                referral.first_name,
                now=now,
                days=days,
                planned_sessions=planned_sessions,
            )
        except BadInput as error:  # the worker has a peer of that name already
            raise BadInput("referral_peer_name_taken", **error.details) from error
        peer_id = invitation.peer_id or 0
        current = await uow.programmes.current_for_peer(peer_id)
        assert current is not None
        programme = current
    await _answered(
        uow,
        referral,
        version,
        state=ReferralState.MATCHED,
        matched_at=now,
        person_id=peer_id,
        programme_id=programme.id,
    )
    log.info("referral %s accepted: programme %s", referral.id, programme.id)
    return Accepted(
        referral.first_name,
        worker.display_name or "",
        peer_telegram_id,
        invitation,
        await _telegram_id(uow, referral.offered_by_id),
        planned_sessions,
    )


async def decline(
    uow: UnitOfWork, telegram_id: int, referral_id: int, version: int, *, now: datetime
) -> Declined:
    """Not this time: the referral goes back on the list and its coordinator is told."""
    worker, referral = await _offered_to_me(uow, telegram_id, referral_id, version)
    coordinator_id = referral.offered_by_id
    await _answered(
        uow, referral, version, state=ReferralState.WAITING, offered_to_id=None, offered_at=None
    )
    log.info("referral %s declined by person %s", referral.id, worker.id)
    return Declined(
        referral.first_name, worker.display_name or "", await _telegram_id(uow, coordinator_id)
    )
