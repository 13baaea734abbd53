"""Coming back (issue #14 point 5): a peer whose programme ended, referred again.

When the invitation of a programme made for a referral is opened by an account that is
already a peer with no active programme, the new programme becomes that peer's: the
placeholder person made for the invitation is folded into them, so their earlier
strategies stay theirs and the new programme counts its sessions from 1.
"""

from __future__ import annotations

import logging
from datetime import datetime

from storage.models import Invitation, Person, ProgrammeState, Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def comes_back(
    uow: UnitOfWork, existing: Person, invitation: Invitation, *, now: datetime
) -> bool:
    """Fold the invitation's new programme into `existing`, if they may come back; True if so.

    Only a peer's invitation, only for a peer with no active programme, and only once (the
    invitation is used by the same conditional update as a first join).
    """
    placeholder_id = invitation.person_id
    if invitation.role != Role.PEER or existing.role != Role.PEER or placeholder_id is None:
        return False
    current = await uow.programmes.current_for_peer(existing.id)
    if current is not None and current.state == ProgrammeState.ACTIVE:
        return False
    placeholder = await uow.people.get(placeholder_id)
    if placeholder is None or placeholder.telegram_id is not None:
        return False
    if not await uow.invitations.mark_used(invitation.id, now):
        return False
    await uow.referrals.fold_person(placeholder_id, into=existing.id)
    existing.invited_by_id = invitation.invited_by_id
    log.info("person %s came back (invitation %s)", existing.id, invitation.id)
    return True
