"""Retention applies to closed referrals as it does to ended programmes (#14.7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.services import privacy
from storage.db import Database
from storage.models import EndingAnswers, Person, Referral
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 12, 1, 3, 17, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=400)


def referral(name: str, source: str, state: str, **values: object) -> Referral:
    return Referral(
        first_name=name, source=source, state=state, created_at=LONG_AGO - timedelta(days=30),
        **values,
    )  # fmt: skip


async def test_retention_erases_old_closed_referrals_and_the_never_matched_people_of_them(
    db: Database,
) -> None:
    async with UnitOfWork(db) as uow:
        waited = await factories.person(uow, "peer", "Jo", telegram_id=800_000_001, now=LONG_AGO)
        still = await factories.person(uow, "peer", "Kim", telegram_id=800_000_002, now=LONG_AGO)
        uow.session.add_all(
            [
                referral("Jo", "self", "closed", person_id=waited.id, closed_at=LONG_AGO,
                         close_reason="no_contact"),
                referral("Lee", "Dr Patel at Riverside", "closed", closed_at=LONG_AGO,
                         close_reason="elsewhere"),
                referral("Max", "gp", "closed", closed_at=NOW - timedelta(days=10),
                         close_reason="not_wanted"),
                referral("Kim", "self", "waiting", person_id=still.id),
            ]
        )  # fmt: skip
        await uow.commit()

    async with UnitOfWork(db) as uow:
        erased = await privacy.erase_expired(uow, now=NOW, retention_days=365)
    assert erased == [waited.id]

    async with UnitOfWork(db) as uow:
        rows = list(await uow.session.scalars(select(Referral).order_by(Referral.id)))
        people = {p.id: p for p in await uow.session.scalars(select(Person))}
    assert [(r.first_name, r.source, r.state, r.person_id) for r in rows] == [
        ("", "self", "closed", None),  # erased, still counted
        ("", "other_service", "closed", None),  # the typed source went with the name
        ("Max", "gp", "closed", None),  # closed ten days ago: kept
        ("Kim", "self", "waiting", still.id),  # still waiting: kept
    ]
    assert people[waited.id].left_at == NOW and people[waited.id].display_name is None
    assert people[still.id].left_at is None and people[still.id].display_name == "Kim"

    async with UnitOfWork(db) as uow:  # a second run (another replica) changes nothing
        assert await privacy.erase_expired(uow, now=NOW, retention_days=365) == []


async def test_retention_keeps_the_ending_answers_as_anonymous_figures(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        worker = await factories.person(
            uow, "worker", "Wren", telegram_id=800_000_010, now=LONG_AGO
        )
        peer = await factories.person(uow, "peer", "Sam", telegram_id=800_000_011, now=LONG_AGO)
        programme = await factories.programme(uow, peer, worker, now=LONG_AGO)
        programme.state, programme.ended_at = "completed", LONG_AGO
        uow.session.add(
            EndingAnswers(
                programme_id=programme.id, helped=3, recommend="yes", comment="Thanks, Wren",
                asked_at=LONG_AGO, answered_at=LONG_AGO,
            )
        )  # fmt: skip
        await uow.commit()

    async with UnitOfWork(db) as uow:
        assert await privacy.erase_expired(uow, now=NOW, retention_days=365) == [peer.id]
    async with UnitOfWork(db) as uow:
        [row] = list(await uow.session.scalars(select(EndingAnswers)))
    assert (row.programme_id, row.helped, row.recommend, row.comment) == (None, 3, "yes", None)
