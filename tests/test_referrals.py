"""Referral services on a real database: sources, the race of two coordinators, the usual
wait, and the public link's CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import referral_self, referrals
from bot.services.errors import Stale
from bot.services.referrals import Offer
from storage.db import Database
from storage.models import Referral
from storage.uow import UnitOfWork
from tests import factories
from tests.harness import LINK
from tests.test_cli import peerbot

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
    assert referrals.parse_referral(f"Sam {typed}") == ("Sam", source)


def test_a_referral_without_a_source_says_so() -> None:
    assert referrals.parse_referral("Sam") == ("Sam", "unknown")


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
