"""Who sent an update, as the handlers before the features' need it: one read an update.

Every update first learns its sender's language; every command ends a half-finished flow;
a peer still on the list is answered kindly for the peer commands. One statement answers
all three, so a command that ends no flow, from someone not on the list, costs no unit of
work of its own for either.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Caller:
    language: str | None  # the language stored for them; None with no record (or erased)
    in_flow: bool  # in a multi-step flow: a command has one to end
    waiting: bool  # a peer still on the list (`referral_self.is_waiting`)


STRANGER = Caller(None, in_flow=False, waiting=False)


async def caller(uow: UnitOfWork, telegram_id: int) -> Caller:
    """The account's person as the first handlers see them (a stranger: no record)."""
    row = await uow.people.caller(telegram_id)
    if row is None or not row.here:  # erased: no language, no flow, not on the list
        return STRANGER
    return Caller(row.language, in_flow=row.in_flow, waiting=row.waiting)
