"""The pre-session summary: its parts, its text on a phone, and who may read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from bot.services import summary as service
from bot.services.errors import BadInput, NotAllowed
from bot.texts.summary import LIMIT, render_summary
from storage.db import Database
from storage.models import (
    PeerSession,
    Person,
    RearrangeRequest,
    SessionState,
    Strategy,
    StrategyEntry,
)
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday; London is on UTC in November
DAY = timedelta(days=1)
SAM, ALEX, WREN, KIT, CHRIS = 101, 102, 201, 202, 301


@dataclass
class World:
    sam: Person
    alex: Person
    next_session: PeerSession


async def note(
    uow: UnitOfWork, peer: Person, name: str, outcome: str, when: datetime, text: str | None = None
) -> None:
    """An entry straight into the log (how it is logged is tested elsewhere)."""
    strategy = Strategy(peer_id=peer.id, name=name, created_at=when, last_used_at=when)
    uow.session.add(strategy)
    await uow.flush()
    uow.session.add(
        StrategyEntry(
            strategy_id=strategy.id, peer_id=peer.id, outcome=outcome, note=text, logged_at=when
        )
    )
    await uow.flush()


async def world(db: Database, *, worker_zone: str = "Europe/London") -> World:
    """Sam's programme with Wren: held, held, missed, cancelled, and the next one booked."""
    async with UnitOfWork(db) as uow:
        wren = await factories.person(
            uow, "worker", "Wren", telegram_id=WREN, now=NOW, timezone=worker_zone
        )
        kit = await factories.person(uow, "worker", "Kit", telegram_id=KIT, now=NOW)
        await factories.person(uow, "coordinator", "Chris", telegram_id=CHRIS, now=NOW)
        sam = await factories.person(uow, "peer", "Sam", telegram_id=SAM, now=NOW)
        alex = await factories.person(uow, "peer", "Alex", telegram_id=ALEX, now=NOW)
        other_sam = await factories.person(uow, "peer", "Sam", telegram_id=None, now=NOW)
        programme = await factories.programme(uow, sam, wren, now=NOW - 30 * DAY)
        await factories.programme(uow, alex, wren, now=NOW - 30 * DAY)
        await factories.programme(uow, other_sam, kit, now=NOW - 30 * DAY)

        async def past(days: float, state: SessionState, text: str | None) -> None:
            await factories.session(
                uow, programme, NOW - days * DAY, now=NOW, state=state, outcome_note=text
            )

        await past(14, SessionState.HELD, "Talked about sleep")
        await past(7, SessionState.HELD, "Try the walk again")
        await past(3, SessionState.MISSED, "Sam texted that the bus was late")
        await past(2, SessionState.CANCELLED, "not this one")
        upcoming = await factories.session(
            uow,
            programme,
            NOW + DAY + timedelta(hours=5),
            now=NOW,
            place="Library",
            state=SessionState.CONFIRMED,
        )
        await factories.session(uow, programme, NOW + 8 * DAY, now=NOW)
        for state, proposed in (
            ("declined", NOW + 3 * DAY),
            ("open", NOW + 2 * DAY + timedelta(hours=1)),
        ):
            uow.session.add(
                RearrangeRequest(
                    session_id=upcoming.id,
                    requested_by="peer",
                    proposed_at=proposed,
                    state=state,
                    created_at=NOW,
                )
            )
        # Before the end of the last held session (7 days ago, 60 minutes): already talked about.
        await note(uow, sam, "Old idea", "helped", NOW - 7 * DAY + timedelta(minutes=30))
        await note(uow, sam, "Walk after lunch", "helped", NOW - 6 * DAY, "felt calmer")
        await note(uow, sam, "Breathing", "didnt_try", NOW - DAY, "busy week")
        await note(uow, alex, "Alex's own", "helped", NOW - DAY, "Alex's private note")
        await uow.commit()
        return World(sam, alex, upcoming)


async def test_the_summary_has_every_part_the_worker_needs(db: Database) -> None:
    w = await world(db)
    async with UnitOfWork(db) as uow:
        summary = await service.build_summary(uow, w.next_session.id, now=NOW)
    assert (summary.peer_name, summary.number, summary.planned) == ("Sam", 3, 10)
    assert (summary.held, summary.missed) == (2, 1)
    assert summary.state == "confirmed"
    assert summary.last_note == "Sam texted that the bus was late"
    assert [(e.name, e.outcome, e.note) for e in summary.entries] == [
        ("Walk after lunch", "helped", "felt calmer"),
        ("Breathing", "didnt_try", "busy week"),
    ]
    assert render_summary(summary) == (
        "Before your session with Sam\n"
        "Session 3 of 10\n"
        "Fri 27 Nov, 14:00 (60 min) · Library\n"
        "✓ Sam confirmed.\n"
        "Sam asked to rearrange: Sat 28 Nov, 10:00.\n"
        "\n"
        "Tried since Thu 19 Nov (2):\n"
        "• Breathing: Didn't get to try (Wed 25 Nov)\n"
        "  “busy week”\n"
        "• Walk after lunch: Helped (Fri 20 Nov)\n"
        "  “felt calmer”\n"
        "\n"
        "Your note from last time: “Sam texted that the bus was late”\n"
        "So far: 2 held, 1 missed."
    )


async def test_times_are_in_the_workers_own_time_zone(db: Database) -> None:
    w = await world(db, worker_zone="America/New_York")
    async with UnitOfWork(db) as uow:
        text = render_summary(await service.build_summary(uow, w.next_session.id, now=NOW))
    assert "Fri 27 Nov, 09:00 (60 min)" in text
    assert "Sam asked to rearrange: Sat 28 Nov, 05:00." in text


async def test_an_unconfirmed_session_with_a_wish_and_no_log_says_so(db: Database) -> None:
    w = await world(db)
    async with UnitOfWork(db) as uow:
        session = await uow.session.get(PeerSession, w.next_session.id)
        assert session is not None
        session.state = SessionState.SCHEDULED
        await uow.session.execute(delete(RearrangeRequest))
        uow.session.add(
            RearrangeRequest(
                session_id=session.id,
                requested_by="peer",
                wish="Any afternoon next week",
                state="open",
                created_at=NOW,
            )
        )
        await uow.session.execute(delete(StrategyEntry))
        await uow.commit()
        text = render_summary(await service.build_summary(uow, session.id, now=NOW))
    assert "Sam hasn't confirmed yet." in text
    assert "Sam asked to rearrange: “Any afternoon next week”" in text
    assert "Nothing logged since Thu 19 Nov." in text


async def test_the_first_session_counts_everything_logged_since_the_programme_began(
    db: Database,
) -> None:
    async with UnitOfWork(db) as uow:
        wren = await factories.person(uow, "worker", "Wren", telegram_id=WREN, now=NOW)
        sam = await factories.person(uow, "peer", "Sam", telegram_id=SAM, now=NOW)
        programme = await factories.programme(uow, sam, wren, now=NOW - 2 * DAY)
        first = await factories.session(uow, programme, NOW + DAY, now=NOW, place=None)
        await note(uow, sam, "Walk", "a_bit", NOW - DAY)
        await uow.commit()
        summary = await service.build_summary(uow, first.id, now=NOW)
    text = render_summary(summary)
    assert (summary.number, summary.since, summary.last_note) == (1, None, None)
    assert "Session 1 of 10\nFri 27 Nov, 09:00 (60 min)\nSam hasn't confirmed yet." in text
    assert "Tried so far (1):\n• Walk: A bit (Wed 25 Nov)" in text
    assert "Your note from last time" not in text
    assert text.endswith("So far: 0 held, 0 missed.")


async def test_a_long_log_stays_under_the_limit_and_counts_what_is_not_shown(db: Database) -> None:
    w = await world(db)
    async with UnitOfWork(db) as uow:
        session = await uow.session.get(PeerSession, w.next_session.id)
        assert session is not None
        session.place = "P" * 120
        sam = await uow.session.get(Person, w.sam.id)
        assert sam is not None
        sam.display_name = "S" * 64
        outcomes = ["helped", "a_bit", "didnt_help", "didnt_try"]
        for i in range(40):
            await note(
                uow,
                sam,
                f"{i:02d}" + "n" * 198,
                outcomes[i % 4],
                NOW - 5 * DAY + i * timedelta(hours=2),
                "x" * 500,
            )
        await uow.commit()
        summary = await service.build_summary(uow, session.id, now=NOW)
    text = render_summary(summary)
    assert len(summary.entries) == 42
    assert len(text) <= LIMIT
    assert max(len(line) for line in text.splitlines()) <= 200
    shown = [line for line in text.splitlines() if line.startswith("• ")]
    assert 2 <= len(shown) <= 5
    # The most recent first: Breathing (yesterday), then the last of the forty.
    assert shown[0].startswith("• Breathing") and shown[1].startswith("• 39")
    hidden = 42 - len(shown)
    assert f"…and {hidden} more:" in text
    assert "So far: 2 held, 1 missed." in text


async def test_summary_by_name_is_the_peers_next_session_for_their_own_worker(db: Database) -> None:
    w = await world(db)
    async with UnitOfWork(db) as uow:
        summary = await service.summary_for_peer(uow, WREN, "  sam ", now=NOW)
        assert summary.session_id == w.next_session.id
        peers = await service.my_peers(uow, WREN)
        assert [p.name for p in peers] == ["Alex", "Sam"]
        with pytest.raises(BadInput, match="summary_no_session"):
            await service.summary_for_peer(uow, WREN, "Alex", now=NOW)
        with pytest.raises(BadInput, match="summary_name_missing"):
            await service.summary_for_peer(uow, WREN, " ", now=NOW)


async def test_another_worker_a_coordinator_and_peers_cannot_read_a_summary(db: Database) -> None:
    w = await world(db)
    async with UnitOfWork(db) as uow:
        # Kit has a peer called Sam too: Kit's /summary Sam is about Kit's own Sam.
        with pytest.raises(BadInput, match="summary_no_session"):
            await service.summary_for_peer(uow, KIT, "Sam", now=NOW)
        with pytest.raises(BadInput, match="no_such_peer"):
            await service.summary_for_peer(uow, KIT, "Alex", now=NOW)
        sams_programme = w.next_session.programme_id
        with pytest.raises(BadInput, match="summary_peer_gone"):
            await service.summary_for_programme(uow, KIT, sams_programme, now=NOW)
        for telegram_id in (CHRIS, SAM):
            with pytest.raises(NotAllowed):
                await service.summary_for_peer(uow, telegram_id, "Sam", now=NOW)
            with pytest.raises(NotAllowed):
                await service.summary_for_programme(uow, telegram_id, sams_programme, now=NOW)
