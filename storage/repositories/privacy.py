"""What is stored about one person, for /mydata and /calendar, and erasing it (/forget)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import case, delete, exists, select, update
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql import ColumnElement

from storage.models import (
    Conversation,
    Delivery,
    EndingAnswers,
    Invitation,
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    RearrangeRequest,
    Referral,
    ReferralCloseReason,
    ReferralState,
    ReminderPrefs,
    SessionState,
    Strategy,
    StrategyEntry,
)
from storage.repositories.base import Repository
from storage.repositories.sessions import LIVE

Row = TypeVar("Row")
# Where a referral came from, as the short fixed list says it; words typed instead go when
# the referral is erased (they might say more than where).
FIXED_SOURCES = ("gp", "community_team", "other_service", "self")


class PrivacyRepository(Repository):
    # -- reading a person's own data ------------------------------------------------

    async def _programmes(
        self, own: InstrumentedAttribute[int], other: InstrumentedAttribute[int], person_id: int
    ) -> list[tuple[Programme, Person]]:
        stmt = (
            select(Programme, Person)
            .join(Person, Person.id == other)
            .where(own == person_id)
            .order_by(Programme.started_at, Programme.id)
        )
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]

    async def programmes_of_peer(self, peer_id: int) -> list[tuple[Programme, Person]]:
        """The peer's programmes with their peer worker, oldest first."""
        return await self._programmes(Programme.peer_id, Programme.worker_id, peer_id)

    async def programmes_of_worker(self, worker_id: int) -> list[tuple[Programme, Person]]:
        """The worker's programmes with their peer, oldest first."""
        return await self._programmes(Programme.worker_id, Programme.peer_id, worker_id)

    async def _rows(
        self, model: type[Row], where: ColumnElement[bool], *order: InstrumentedAttribute[Any]
    ) -> list[Row]:
        """The rows of `model` that `where` picks, in `order`."""
        return list(await self.session.scalars(select(model).where(where).order_by(*order)))

    async def sessions_of(self, programme_ids: Sequence[int]) -> list[PeerSession]:
        where = PeerSession.programme_id.in_(programme_ids)
        return await self._rows(PeerSession, where, PeerSession.starts_at, PeerSession.id)

    async def rearrange_requests(self, session_ids: Sequence[int]) -> list[RearrangeRequest]:
        where = RearrangeRequest.session_id.in_(session_ids)
        return await self._rows(
            RearrangeRequest, where, RearrangeRequest.created_at, RearrangeRequest.id
        )

    async def strategies_of(self, peer_id: int) -> list[Strategy]:
        return await self._rows(Strategy, Strategy.peer_id == peer_id, Strategy.id)

    async def entries_of(self, peer_id: int) -> list[StrategyEntry]:
        where = StrategyEntry.peer_id == peer_id
        return await self._rows(StrategyEntry, where, StrategyEntry.logged_at, StrategyEntry.id)

    async def referrals_of(self, person_id: int) -> list[Referral]:
        where = Referral.person_id == person_id
        return await self._rows(Referral, where, Referral.created_at, Referral.id)

    async def answers_of(self, programme_ids: Sequence[int]) -> list[EndingAnswers]:
        where = EndingAnswers.programme_id.in_(programme_ids)
        return await self._rows(EndingAnswers, where, EndingAnswers.id)

    async def deliveries_to(self, person_id: int) -> list[Delivery]:
        where = Delivery.recipient_id == person_id
        return await self._rows(Delivery, where, Delivery.due_at, Delivery.id)

    async def upcoming(
        self, person_id: int, *, as_peer: bool, now: datetime
    ) -> list[tuple[PeerSession, Person, int]]:
        """A person's live sessions from now on, each with the other side (worker or peer)
        and the programme's planned number of sessions."""
        own, other = (
            (Programme.peer_id, Programme.worker_id)
            if as_peer
            else (Programme.worker_id, Programme.peer_id)
        )
        stmt = (
            select(PeerSession, Person, Programme.planned_sessions)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .join(Person, Person.id == other)
            .where(own == person_id, PeerSession.state.in_(LIVE), PeerSession.starts_at >= now)
            .order_by(PeerSession.starts_at, PeerSession.id)
        )
        return [(row[0], row[1], row[2]) for row in await self.session.execute(stmt)]

    # -- erasing -------------------------------------------------------------------

    async def erase_peer(self, peer: Person, now: datetime) -> None:
        """Delete or blank everything personal about a peer; keep sessions as bare counts.

        Sessions stay (state and times) so that past digests still add up; what a person
        wrote or what was written about them goes. Upcoming sessions are cancelled so no
        summary, reminder or prompt is built for someone who has left.
        """
        programme_ids = select(Programme.id).where(Programme.peer_id == peer.id)
        session_ids = select(PeerSession.id).where(PeerSession.programme_id.in_(programme_ids))
        s = self.session
        await s.execute(delete(StrategyEntry).where(StrategyEntry.peer_id == peer.id))
        await s.execute(delete(Strategy).where(Strategy.peer_id == peer.id))
        await s.execute(delete(ReminderPrefs).where(ReminderPrefs.person_id == peer.id))
        await s.execute(delete(Conversation).where(Conversation.person_id == peer.id))
        await s.execute(delete(Invitation).where(Invitation.person_id == peer.id))
        # The ledger of what was sent to them says when and what they chose to hear.
        await s.execute(delete(Delivery).where(Delivery.recipient_id == peer.id))
        # Whatever was still due about their sessions (to anyone) must not go out now.
        await s.execute(
            delete(Delivery).where(
                Delivery.session_id.in_(session_ids), Delivery.finished_at.is_(None)
            )
        )
        # A peer worker half-way through a step about one of their sessions (an outcome
        # note, a suggested time) must not go on to write about someone who has left.
        ids = set(await s.scalars(session_ids))
        worker_ids = select(Programme.worker_id).where(Programme.peer_id == peer.id)
        for row in await s.scalars(
            select(Conversation).where(Conversation.person_id.in_(worker_ids))
        ):
            if isinstance(row.data, dict) and row.data.get("session_id") in ids:
                await s.delete(row)
        await s.execute(
            update(RearrangeRequest)
            .where(RearrangeRequest.session_id.in_(session_ids))
            .values(wish=None)
        )
        await s.execute(
            update(PeerSession)
            .where(PeerSession.programme_id.in_(programme_ids))
            .values(outcome_note=None, place=None)
        )
        await s.execute(
            update(PeerSession)
            .where(
                PeerSession.programme_id.in_(programme_ids),
                PeerSession.state.in_(LIVE),
                PeerSession.starts_at >= now,
            )
            # Nobody cancelled them: with no `cancelled_by` the digest counts no cancellation.
            .values(state=SessionState.CANCELLED, cancelled_at=now, cancelled_by=None)
        )
        await s.execute(
            update(Programme)
            .where(Programme.peer_id == peer.id, Programme.ended_at.is_(None))
            .values(state=ProgrammeState.ENDED, ended_at=now)
        )
        # The answers at the end stay as anonymous figures: no comment, no programme.
        await s.execute(
            update(EndingAnswers)
            .where(EndingAnswers.programme_id.in_(programme_ids))
            .values(comment=None, programme_id=None)
        )
        await self.erase_referrals(Referral.person_id == peer.id, now)
        peer.display_name = None
        peer.telegram_id = None
        peer.unreachable_at = None
        peer.paused = True
        peer.left_at = now
        await s.flush()

    async def erase_referrals(self, which: ColumnElement[bool], now: datetime) -> int:
        """Blank the referrals `which` picks (the first name, a typed source, the person),
        keeping them as counts; one still waiting is closed as no longer wanted."""
        s = self.session
        open_ = Referral.state.in_((ReferralState.WAITING, ReferralState.OFFERED))
        await s.execute(
            update(Referral)
            .where(which, open_)
            .values(
                state=ReferralState.CLOSED,
                close_reason=ReferralCloseReason.NOT_WANTED,
                closed_at=now,
                version=Referral.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        result = await s.execute(
            update(Referral)
            .where(which, (Referral.first_name != "") | Referral.person_id.is_not(None))
            .values(
                first_name="",
                person_id=None,
                source=case(
                    (Referral.source.in_(FIXED_SOURCES), Referral.source), else_="other_service"
                ),
                version=Referral.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def erase_closed_referrals(self, cutoff: datetime, now: datetime) -> int:
        """Retention: erase the referrals closed before `cutoff`."""
        closed = (Referral.state == ReferralState.CLOSED) & (Referral.closed_at < cutoff)
        return await self.erase_referrals(closed, now)

    async def waiting_peers_closed_before(self, cutoff: datetime) -> list[Person]:
        """Peers with no programme, not yet erased, whose every referral closed before
        `cutoff` (a self-referred person who was never matched)."""
        later = aliased(Referral)
        still_open = exists().where(
            later.person_id == Person.id,
            (later.state != ReferralState.CLOSED) | (later.closed_at >= cutoff),
        )
        closed = exists().where(Referral.person_id == Person.id, Referral.closed_at < cutoff)
        programme = exists().where(Programme.peer_id == Person.id)
        stmt = (
            select(Person)
            .where(Person.role == "peer", Person.left_at.is_(None), closed, ~still_open, ~programme)
            .order_by(Person.id)
        )
        return list(await self.session.scalars(stmt))

    async def peers_ended_before(self, cutoff: datetime) -> list[Person]:
        """Peers not yet erased whose every programme ended before `cutoff`."""
        later = aliased(Programme)
        still_running = exists().where(
            later.peer_id == Person.id,
            (later.ended_at.is_(None)) | (later.ended_at >= cutoff),
        )
        ended = exists().where(Programme.peer_id == Person.id, Programme.ended_at < cutoff)
        stmt = (
            select(Person)
            .where(Person.role == "peer", Person.left_at.is_(None), ended, ~still_running)
            .order_by(Person.id)
        )
        return list(await self.session.scalars(stmt))
