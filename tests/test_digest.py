"""The coordinators' weekly digest, at service level: exactly the expected counts (SPEC §5)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.exports.digest_csv import digest_csv
from bot.services.digest import Digest, Figures, build_digest, last_seven_days
from storage.db import Database
from storage.models import (
    EndingAnswers,
    PeerSession,
    Programme,
    ProgrammeState,
    RearrangeRequest,
    Referral,
    ReminderPrefs,
    SafetyCheckin,
    SessionState,
)
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=7)
TELEGRAM_IDS = itertools.count(1000)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class Team:
    """Builds a team straight into the database (the subject here is counting, not flows)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def worker(self, name: str) -> Any:
        return await factories.person(
            self.uow, "worker", name, telegram_id=next(TELEGRAM_IDS), now=ago(60)
        )

    async def peer(self, worker: Any, name: str, *, reminders: bool | None = None) -> Programme:
        peer = await factories.person(
            self.uow, "peer", name, telegram_id=next(TELEGRAM_IDS), now=ago(60)
        )
        if reminders is not None:
            self.uow.session.add(ReminderPrefs(person_id=peer.id, day_before=reminders))
        return await factories.programme(self.uow, peer, worker, now=ago(60))

    async def session(
        self, programme: Programme, days_ago: float, state: SessionState, **extra: Any
    ) -> PeerSession:
        row = await factories.session(
            self.uow,
            programme,
            ago(days_ago),
            now=ago(30),
            state=state,
            outcome_note="Private note: talked about the allotment",
        )
        for name, value in extra.items():
            setattr(row, name, value)
        await self.uow.flush()
        return row

    def referral(self, days_ago: float, state: str = "waiting", **extra: Any) -> None:
        self.uow.session.add(
            Referral(
                first_name="Robin", source="gp", state=state, created_at=ago(days_ago), **extra
            )
        )

    def checkin(self, worker: Any, days_ago: float, **extra: Any) -> None:
        starts = ago(days_ago)
        self.uow.session.add(
            SafetyCheckin(
                worker_id=worker.id, kind="session", state="safe", place="Private Lane",
                starts_at=starts, ends_at=starts + timedelta(hours=1), created_at=ago(9), **extra,
            )
        )  # fmt: skip

    def request(self, session: PeerSession, state: str, resolved_days_ago: float) -> None:
        self.uow.session.add(
            RearrangeRequest(
                session_id=session.id,
                requested_by="peer",
                wish="Thursday afternoon please",
                state=state,
                created_at=ago(resolved_days_ago + 1),
                resolved_at=ago(resolved_days_ago),
            )
        )


async def two_workers_week(uow: UnitOfWork) -> None:
    """Ash and Wren: held, missed twice in a row, cancelled and rearranged this week."""
    team = Team(uow)
    await factories.person(uow, "coordinator", "Chris", telegram_id=1, now=ago(90))
    ash, wren = await team.worker("Ash"), await team.worker("Wren")
    gone = await team.worker("Gone")
    gone.left_at = ago(20)

    # Ash's peers.
    alex = await team.peer(ash, "Alex", reminders=True)
    await team.session(alex, 5, SessionState.HELD, confirmed_at=ago(6))
    await team.session(alex, 3, SessionState.HELD)
    await team.session(alex, -2, SessionState.CANCELLED, cancelled_at=ago(4), cancelled_by="peer")
    await team.session(
        alex, 10, SessionState.CANCELLED, cancelled_at=ago(10), cancelled_by="worker"
    )
    moved = await team.session(alex, -3, SessionState.SCHEDULED, times_moved=1, version=2)
    team.request(moved, "accepted", resolved_days_ago=2)
    before = await team.session(alex, -10, SessionState.SCHEDULED, times_moved=1, version=2)
    team.request(before, "accepted", resolved_days_ago=9)
    team.request(before, "declined", resolved_days_ago=1)

    bea = await team.peer(ash, "Bea", reminders=False)
    await team.session(bea, 20, SessionState.HELD)
    await team.session(bea, 6, SessionState.MISSED, confirmed_at=ago(8))
    await team.session(bea, 2, SessionState.MISSED)

    cam = await team.peer(ash, "Cam")
    await team.session(cam, 1, SessionState.HELD, confirmed_at=ago(2))
    cam.state, cam.ended_at = ProgrammeState.COMPLETED, ago(1)

    # Wren's peers.
    dee = await team.peer(wren, "Dee")
    await team.session(dee, 5, SessionState.MISSED)
    await team.session(dee, 3, SessionState.HELD, confirmed_at=ago(3) + timedelta(minutes=5))
    await team.session(dee, 1, SessionState.MISSED)

    eli = await team.peer(wren, "Eli")
    uow.session.add(ReminderPrefs(person_id=eli.peer_id, hour_before=True))
    await team.session(eli, 2, SessionState.CANCELLED, cancelled_at=ago(2), cancelled_by="worker")
    await team.session(eli, 1, SessionState.HELD, times_moved=2, version=3)
    await team.session(eli, 12, SessionState.MISSED)
    await uow.commit()


ASH = Figures(
    peers=2,
    held=3,
    missed=2,
    cancelled=1,
    cancelled_by_peer=1,
    cancelled_by_worker=0,
    rearranged=1,
    confirmed_in_advance=3,
    completed=1,
    missed_in_a_row=1,
    reminders=1,
)
WREN = Figures(
    peers=2,
    held=2,
    missed=2,
    cancelled=1,
    cancelled_by_peer=0,
    cancelled_by_worker=1,
    rearranged=1,
    confirmed_in_advance=0,
    completed=0,
    missed_in_a_row=0,
    reminders=1,
)


def csv_sections(data: bytes) -> list[list[list[str]]]:
    """The CSV's sections (a blank line apart), each its rows, headings first."""
    sections: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if row:
            sections[-1].append(row)
        else:
            sections.append([])
    return sections


def worker_rows(data: bytes) -> list[dict[str, str]]:
    """The CSV's first section: one row per peer worker, by heading."""
    heading, *rows = csv_sections(data)[0]
    return [dict(zip(heading, row, strict=True)) for row in rows]


async def digest_of(
    db: Database, start: datetime = START, end: datetime = NOW, *, safety: bool = False
) -> Digest:
    async with UnitOfWork(db) as uow:
        return await build_digest(uow, start=start, end=end, safety=safety)


async def test_a_week_of_two_workers_gives_exactly_the_expected_figures(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await two_workers_week(uow)

    digest = await digest_of(db)

    assert [(w.name, w.figures) for w in digest.workers] == [("Ash", ASH), ("Wren", WREN)]
    assert digest.totals == ASH + WREN
    assert digest.totals.held_or_missed == 9
    assert digest.totals.confirmed_share == pytest.approx(3 / 9)
    assert WREN.confirmed_share == 0


async def test_the_period_is_the_seven_days_before_now_in_the_coordinators_zone() -> None:
    start, end = last_seven_days(NOW, "Europe/London")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-11-19T12:00:00+00:00",
        "2026-11-26T12:00:00+00:00",
    )
    start, end = last_seven_days(NOW, "America/New_York")
    assert end.utcoffset() == timedelta(hours=-5) and end - start == timedelta(days=7)


async def test_the_same_moments_in_another_zone_give_the_same_figures(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await two_workers_week(uow)
    start, end = last_seven_days(NOW, "Pacific/Auckland")

    digest = await digest_of(db, start, end)

    assert [w.figures for w in digest.workers] == [ASH, WREN]


async def test_a_quiet_week_counts_zero_and_still_lists_every_worker(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await two_workers_week(uow)

    digest = await digest_of(db, NOW + timedelta(days=30), NOW + timedelta(days=37))

    assert [w.name for w in digest.workers] == ["Ash", "Wren"]
    assert digest.totals.held == digest.totals.cancelled == digest.totals.rearranged == 0
    # Caseloads and choices are the present state, not events of the week.
    assert (digest.totals.peers, digest.totals.reminders) == (4, 2)
    assert digest.totals.confirmed_share is None


async def test_an_empty_deployment_has_an_empty_digest(db: Database) -> None:
    digest = await digest_of(db)
    assert digest.workers == () and digest.totals == Figures()


async def test_the_csv_has_a_header_and_one_row_per_peer_worker(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await two_workers_week(uow)

    data = digest_csv(await digest_of(db))

    rows = worker_rows(data)
    assert [row["peer_worker"] for row in rows] == ["Ash", "Wren"]
    ash, wren = rows
    assert ash == {
        "period_start": "2026-11-19",
        "period_end": "2026-11-26",
        "peer_worker": "Ash",
        "active_peers": "2",
        "held": "3",
        "missed": "2",
        "cancelled": "1",
        "cancelled_by_peer": "1",
        "cancelled_by_worker": "0",
        "rearranged": "1",
        "confirmed_in_advance": "3",
        "confirmed_in_advance_share": "0.60",
        "completed_programme": "1",
        "missed_two_or_more_in_a_row": "1",
        "peers_with_reminders": "1",
    }
    assert (wren["held"], wren["missed"], wren["cancelled_by_worker"]) == ("2", "2", "1")
    assert wren["confirmed_in_advance_share"] == "0.00"
    # Counts only: no peer's name, no notes, no wishes.
    for private in ("Alex", "Bea", "Dee", "allotment", "Thursday"):
        assert private not in data.decode()


async def test_a_name_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await Team(uow).worker("=HYPERLINK(1)")
        await uow.commit()

    rows = csv_sections(digest_csv(await digest_of(db)))[0]

    assert rows[1][2] == "'=HYPERLINK(1)"


@contextmanager
def counting_statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def team_of(db: Database, first: int, workers: int) -> None:
    """Each worker: two peers referred and matched, missed twice and cancelled once, one
    ended early with its answers; a referral still waiting; two check-ins, one alerted."""
    async with UnitOfWork(db) as uow:
        team = Team(uow)
        for w in range(first, first + workers):
            worker = await team.worker(f"Worker {w:02d}")
            for p in range(2):
                programme = await team.peer(worker, f"Peer {w}-{p}", reminders=p == 0)
                team.referral(12, "matched", programme_id=programme.id)
                await team.session(programme, 4, SessionState.MISSED)
                await team.session(programme, 2, SessionState.MISSED)
                cancelled = await team.session(
                    programme, 1, SessionState.CANCELLED, cancelled_at=ago(1), cancelled_by="peer"
                )
                team.request(cancelled, "accepted", resolved_days_ago=3)
            ended = await team.peer(worker, f"Peer {w}-ended")
            ended.state, ended.ended_at, ended.close_reason = "closed", ago(2), "moved_on"
            uow.session.add(
                EndingAnswers(programme_id=ended.id, helped=4, recommend="yes", asked_at=ago(2))
            )
            team.referral(3)
            team.checkin(worker, 3)
            team.checkin(worker, 2, alerted_at=ago(2), handled_at=ago(2) + timedelta(minutes=5))
        await uow.commit()


@pytest.mark.parametrize(("safety", "statements"), [(False, 9), (True, 11)])
async def test_the_digest_takes_the_same_few_statements_for_2_or_20_workers(
    db: Database, safety: bool, statements: int
) -> None:
    await team_of(db, 0, 2)
    with counting_statements(db) as small:
        digest = await digest_of(db, safety=safety)
    assert digest.totals.missed_in_a_row == 4
    assert (digest.flow.referrals, digest.flow.first_sessions, digest.flow.closed_early) == (
        2,
        4,
        2,
    )

    await team_of(db, 2, 18)
    with counting_statements(db) as large:
        digest = await digest_of(db, safety=safety)
    assert len(digest.workers) == 20 and digest.totals.missed == 80
    assert (digest.flow.referrals, digest.flow.waiting, digest.flow.first_sessions) == (20, 20, 40)
    assert digest.flow.endings.helped_average == 4
    if safety:
        assert digest.safety is not None
        assert (digest.safety.checkins, digest.safety.alerts, digest.safety.handled) == (40, 20, 20)

    # Five for the peer workers, four for the service's flow, two for the check-ins.
    assert len(small) == len(large) == statements
