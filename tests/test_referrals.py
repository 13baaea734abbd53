"""Referral services on a real database: sources, the race of two coordinators, the usual
wait, and the public link's CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import referral_self, referral_sources, referrals
from bot.services.errors import Stale
from bot.services.referrals import Offer
from storage.db import Database
from storage.models import Referral
from storage.uow import UnitOfWork
from tests import factories
from tests.harness import LINK
from tests.test_cli import peerbot
from tests.test_statement_counts import counting_statements

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
CHRIS, DANA, WREN = 301, 302, 201


@pytest.mark.parametrize(
    ("typed", "source"),
    [
        ("GP", "gp"),
        ("from the GP", "gp"),
        ("CMHT", "community_team"),
        ("Community team", "community_team"),
        ("another service", "other_service"),
        ("self", "self"),
        ("Self-referral", "self"),
        ("Riverside housing", "Riverside housing"),
    ],
)
def test_a_source_is_recognised_forgivingly_or_kept_as_typed(typed: str, source: str) -> None:
    assert referral_sources.parse_referral(f"Sam {typed}") == ("Sam", source)


def test_a_referral_without_a_source_says_so() -> None:
    assert referral_sources.parse_referral("Sam") == ("Sam", "unknown")


async def _team(db: Database) -> int:
    """Two coordinators, a peer worker and one waiting referral; the referral's id."""
    async with UnitOfWork(db) as uow:
        await factories.person(uow, "coordinator", "Chris", telegram_id=CHRIS, now=NOW)
        await factories.person(uow, "coordinator", "Dana", telegram_id=DANA, now=NOW)
        await factories.person(uow, "worker", "Wren", telegram_id=WREN, now=NOW)
        await uow.commit()
    async with UnitOfWork(db) as uow:
        made = await referrals.refer(uow, CHRIS, "Sam GP", now=NOW)
    return made.id


async def test_two_coordinators_matching_one_referral_at_once_one_wins(db: Database) -> None:
    referral_id = await _team(db)
    async with UnitOfWork(db) as uow:
        worker = await uow.people.by_telegram_id(WREN)
        assert worker is not None
        worker_id = worker.id

    async def match(coordinator: int) -> Offer | Stale:
        async with UnitOfWork(db) as uow:
            try:
                return await referrals.offer(
                    uow, coordinator, referral_id, 1, worker_id, now=NOW, capacity=6
                )
            except Stale as error:
                return error

    results = await asyncio.gather(match(CHRIS), match(DANA))
    assert sorted(type(r).__name__ for r in results) == ["Offer", "Stale"]
    async with UnitOfWork(db) as uow:
        row = await uow.session.scalar(select(Referral))
        assert row is not None
        assert (row.state, row.offered_to_id, row.version) == ("offered", worker_id, 2)


async def test_the_usual_wait_is_said_only_from_five_past_waits(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        for n, days in enumerate((7, 14, 21, 28)):
            uow.referrals.add(
                Referral(
                    first_name=f"P{n}",
                    source="gp",
                    state="matched",
                    created_at=NOW - timedelta(days=60),
                    matched_at=NOW - timedelta(days=60 - days),
                )
            )
        await uow.commit()
        assert await referral_self.usual_wait_weeks(uow) is None
        uow.referrals.add(
            Referral(
                first_name="P5",
                source="gp",
                state="matched",
                created_at=NOW - timedelta(days=30),
                matched_at=NOW - timedelta(days=9),
            )
        )
        await uow.commit()
        # Waits of 7, 14, 21, 21 and 28 days: the median is three weeks.
        assert await referral_self.usual_wait_weeks(uow) == 3


async def test_referral_link_prints_the_link_last_and_writes_a_png(tmp_path: Path) -> None:
    code, out, _err = await peerbot(
        tmp_path,
        "invite",
        "referral-link",
        "--qr",
        "poster.png",
        TELEGRAM_BOT_USERNAME="riverside_peers_bot",
        SELF_REFERRAL="true",
    )
    assert code == 0, _err
    last = out.strip().splitlines()[-1]
    found = LINK.fullmatch(last)
    assert found and (found["username"], found["token"]) == ("riverside_peers_bot", "refer")
    png = (tmp_path / "poster.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 200 <= width <= 2000 and width == height


async def test_referral_link_writes_referral_qr_png_by_default(tmp_path: Path) -> None:
    code, out, err = await peerbot(
        tmp_path, "invite", "referral-link", TELEGRAM_BOT_USERNAME="riverside_peers_bot"
    )
    assert code == 0
    assert out.strip().endswith("https://t.me/riverside_peers_bot?start=refer")
    assert "SELF_REFERRAL is off" in err
    assert (tmp_path / "referral-qr.png").read_bytes().startswith(b"\x89PNG")


async def _workers(db: Database, count: int, first: int) -> None:
    """`count` more peer workers, each with a peer and a session in two days."""
    async with UnitOfWork(db) as uow:
        for n in range(first, first + count):
            worker = await factories.person(uow, "worker", f"W{n}", telegram_id=1000 + n, now=NOW)
            peer = await factories.person(uow, "peer", f"P{n}", telegram_id=5000 + n, now=NOW)
            programme = await factories.programme(uow, peer, worker, now=NOW)
            await factories.session(uow, programme, NOW + timedelta(days=2, hours=2), now=NOW)
        await uow.commit()


async def _match_statements(db: Database, referral_id: int) -> tuple[int, int]:
    async with UnitOfWork(db) as uow:
        with counting_statements(db) as seen:
            found = await referrals.match_options(uow, CHRIS, referral_id, 1, now=NOW, capacity=6)
    return len(seen), len(found.workers)


async def test_matching_costs_the_same_with_3_and_with_30_workers(db: Database) -> None:
    referral_id = await _team(db)
    await _workers(db, 2, 0)
    small, shown = await _match_statements(db, referral_id)
    assert shown == 3
    await _workers(db, 27, 2)
    large, shown = await _match_statements(db, referral_id)
    assert shown == 30
    assert small == large


async def test_a_worker_with_room_comes_before_a_full_one_and_shows_their_next_free_day(
    db: Database,
) -> None:
    referral_id = await _team(db)
    await _workers(db, 1, 0)
    async with UnitOfWork(db) as uow:
        wren = await uow.people.by_telegram_id(WREN)
        assert wren is not None
        await uow.prefs.change_worker(wren.id, {"capacity": 1})
        for n in range(2):
            peer = await factories.person(uow, "peer", f"Q{n}", telegram_id=7000 + n, now=NOW)
            await factories.programme(uow, peer, wren, now=NOW)
        await uow.commit()
        found = await referrals.match_options(uow, CHRIS, referral_id, 1, now=NOW, capacity=6)
    assert [(w.name, w.peers, w.capacity, w.has_room) for w in found.workers] == [
        ("W0", 1, 6, True),
        ("Wren", 2, 1, False),
    ]
    # Monday 08:00: the next free hour is Tuesday 09:00 (W0's session is Wednesday 10:00).
    assert found.workers[0].next_free == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
