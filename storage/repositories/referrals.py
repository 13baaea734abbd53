"""Referrals waiting to be matched with a peer worker (table `referrals`, SPEC §2)."""

from __future__ import annotations

from storage.models import Referral
from storage.repositories.base import AddingRepository


class ReferralRepository(AddingRepository[Referral]):
    async def get(self, referral_id: int) -> Referral | None:
        return await self.session.get(Referral, referral_id)
