"""A person's own data, at the service level: what /mydata holds, what /forget and retention
erase (every table inspected), and what they keep (SPEC §1.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.config import ConfigError, from_env
from bot.context import BotData
from bot.exports import calendar_file, mydata
from bot.services import calendar, privacy
from bot.services.errors import NotAllowed, NotJoined
from scheduler.retention import run_retention
from storage.db import Database
from storage.models import (
    Base,
    Conversation,
    Delivery,
    Invitation,
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    RearrangeRequest,
    ReminderPrefs,
    SessionState,
    Strategy,
    WorkerPrefs,
)
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
PEER_TG, OTHER_TG, WORKER_TG = 700_123_457, 700_123_999, 700_555_111


@dataclass
class Peer:
    id: int
    telegram_id: int
    name: str
    secrets: tuple[str, ...]  # every text they typed or that was written about them


async def add_peer(
    uow: UnitOfWork, worker: Person, name: str, telegram_id: int, tag: str
) -> tuple[Peer, Programme]:
    """A joined peer with a bit of everything a peer can have stored."""
    peer = await factories.person(
        uow, "peer", name, telegram_id=telegram_id, now=NOW - timedelta(days=30)
    )
    programme = await factories.programme(uow, peer, worker, now=NOW - timedelta(days=30))
    held = await factories.session(
        uow,
        programme,
        NOW - timedelta(days=7),
        now=NOW,
        state=SessionState.HELD,
        outcome_note=f"Note about {tag}: talked about the allotment",
        place=f"{tag}'s kitchen table",
    )
    upcoming = await factories.session(
        uow, programme, NOW + timedelta(days=4), now=NOW, place="Community room"
    )
    uow.session.add(
        RearrangeRequest(
            session_id=upcoming.id,
            requested_by="peer",
            wish=f"{tag} wish: Thursday after the school run",
            state="open",
            created_at=NOW,
        )
    )
    strategy = Strategy(
        peer_id=peer.id,
        name=f"{tag} strategy: walking by the canal",
        created_at=NOW - timedelta(days=6),
        last_used_at=NOW - timedelta(days=2),
    )
    uow.strategies.add(strategy)
    await uow.strategies.log(
        strategy,
        outcome="a_bit",
        note=f"{tag} entry: calmer afterwards",
        logged_at=NOW - timedelta(days=2),
    )
    uow.session.add(
        ReminderPrefs(
            person_id=peer.id,
            day_before=True,
            day_before_at=time(19, 15),
            morning=False,
            morning_at=time(8, 30),
            hour_before=True,
            quiet_from=time(21, 0),
            quiet_until=time(8, 0),
            asked_at=NOW - timedelta(days=29),
        )
    )
    for key, state, finished in (
        ("sent", "sent", NOW - timedelta(days=8)),
        ("due", "pending", None),
    ):
        uow.session.add(
            Delivery(
                key=f"reminder:{peer.id}:{key}",
                kind="reminder_day_before",
                recipient_id=peer.id,
                session_id=held.id if key == "sent" else upcoming.id,
                due_at=NOW - timedelta(days=8) if key == "sent" else NOW + timedelta(days=3),
                state=state,
                finished_at=finished,
            )
        )
    uow.session.add(
        Delivery(
            key=f"summary:{upcoming.id}",
            kind="summary",
            recipient_id=worker.id,
            session_id=upcoming.id,
            due_at=NOW + timedelta(days=4) - timedelta(hours=2),
            state="pending",
        )
    )
    uow.session.add(
        Conversation(
            person_id=peer.id,
            flow="log",
            step="note",
            data={"typed": f"{tag} half-typed note"},
            updated_at=NOW,
        )
    )
    uow.session.add(
        Invitation(
            token_hash=f"{tag:0<64}"[:64],
            role="peer",
            invited_by_id=worker.id,
            person_id=peer.id,
            created_at=NOW,
            expires_at=NOW + timedelta(days=14),
        )
    )
    await uow.flush()
    secrets = (
        name,
        f"Note about {tag}",
        f"{tag}'s kitchen table",
        f"{tag} wish",
        f"{tag} strategy",
        f"{tag} entry",
        f"{tag} half-typed",
    )
    return Peer(peer.id, telegram_id, name, secrets), programme


@pytest.fixture
async def team(db: Database) -> dict[str, Any]:
    async with UnitOfWork(db) as uow:
        worker = await factories.person(
            uow, "worker", "Wren Ashdown", telegram_id=WORKER_TG, now=NOW - timedelta(days=60)
        )
        uow.session.add(WorkerPrefs(person_id=worker.id, work_days="1234", last_place="Hub"))
        peer, programme = await add_peer(uow, worker, "Zebedee Quillfeather", PEER_TG, "Zeb")
        other, _ = await add_peer(uow, worker, "Ottoline Marchbank", OTHER_TG, "Otto")
        # The worker is about to write a note on one of Zebedee's sessions.
        held = await uow.session.scalar(
            select(PeerSession.id).where(
                PeerSession.programme_id == programme.id, PeerSession.state == "held"
            )
        )
        uow.session.add(
            Conversation(
                person_id=worker.id,
                flow="outcome_note",
                step="note",
                data={"session_id": held},
                updated_at=NOW,
            )
        )
        await uow.commit()
        return {"worker_id": worker.id, "peer": peer, "other": other, "programme": programme.id}


async def export(db: Database, telegram_id: int) -> dict[str, Any]:
    """The /mydata document: the service's read, worded by the file's renderer."""
    async with UnitOfWork(db) as uow:
        read = await privacy.export_person(uow, telegram_id, now=NOW)
    return mydata.document(read)


async def test_a_peers_export_holds_all_their_data_in_their_own_zone(
    db: Database, team: dict[str, Any]
) -> None:
    data = await export(db, PEER_TG)
    assert data["profile"]["name"] == "Zebedee Quillfeather"
    assert data["profile"]["time_zone"] == "Europe/London"
    assert data["programmes"][0]["peer_worker"] == "Wren Ashdown"
    assert data["programmes"][0]["planned_sessions"] == 10
    held, upcoming = data["sessions"]
    assert held["state"] == "held" and upcoming["state"] == "awaiting reply"
    # 12:00 UTC in October is 13:00 in London (BST), written with its offset.
    assert upcoming["starts"] == "2026-10-24T13:00+01:00"
    assert upcoming["ends"] == "2026-10-24T14:00+01:00"
    assert held["peer_worker_note_for_next_time"].startswith("Note about Zeb")
    assert upcoming["rearrange_requests"][0]["wish"].startswith("Zeb wish")
    [strategy] = data["strategies"]
    assert strategy["name"] == "Zeb strategy: walking by the canal"
    assert strategy["log"] == [
        {
            "how_it_went": "a bit",
            "note": "Zeb entry: calmer afterwards",
            "logged": "2026-10-18T13:00+01:00",
        }
    ]
    assert data["reminders"]["the_day_before_at"] == "19:15"
    assert data["reminders"]["on_the_morning_at"] is None
    assert data["reminders"]["an_hour_before"] is True
    assert [m["state"] for m in data["messages_sent_to_you"]] == ["sent", "pending"]
    assert data["unfinished_conversation"]["data"] == {"typed": "Zeb half-typed note"}


async def test_a_peers_export_holds_nothing_of_another_peer(
    db: Database, team: dict[str, Any]
) -> None:
    text = repr(await export(db, PEER_TG))
    for secret in team["other"].secrets:
        assert secret not in text
    assert str(OTHER_TG) not in text


async def test_a_peer_without_reminders_sees_that_they_chose_none(
    db: Database, team: dict[str, Any]
) -> None:
    async with UnitOfWork(db) as uow:
        await uow.session.delete(await uow.session.get(ReminderPrefs, team["peer"].id))
        await uow.commit()
    assert (await export(db, PEER_TG))["reminders"] == "none: you get no reminders"


async def test_a_peer_workers_export_has_their_diary_but_no_peers_texts(
    db: Database, team: dict[str, Any]
) -> None:
    data = await export(db, WORKER_TG)
    assert data["profile"]["name"] == "Wren Ashdown"
    assert data["profile"]["role"] == "peer worker"
    assert data["settings"]["working_days"] == ["Monday", "Tuesday", "Wednesday", "Thursday"]
    assert sorted(p["name"] for p in data["peers"]) == [
        "Ottoline Marchbank",
        "Zebedee Quillfeather",
    ]
    assert len(data["diary"]) == 4
    assert [m["kind"] for m in data["messages_sent_to_you"]] == ["summary", "summary"]
    text = repr(data)
    # Names, times and places are the worker's own diary; what peers wrote or what was
    # noted about them is not.
    for peer in (team["peer"], team["other"]):
        for secret in peer.secrets:
            if secret != peer.name and "kitchen" not in secret:
                assert secret not in text, secret


async def test_a_stranger_has_no_data_to_take(db: Database, team: dict[str, Any]) -> None:
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotJoined):
            await privacy.export_person(uow, 12345, now=NOW)


async def forget(db: Database, telegram_id: int) -> privacy.Forgotten:
    async with UnitOfWork(db) as uow:
        return await privacy.forget(uow, telegram_id, now=NOW)


async def every_cell(db: Database) -> list[tuple[str, object]]:
    """Every value in every table, with the table's name."""
    cells: list[tuple[str, object]] = []
    async with UnitOfWork(db) as uow:
        for table in Base.metadata.sorted_tables:
            for row in await uow.session.execute(select(table)):
                cells.extend((table.name, value) for value in row)
    return cells


def holds(value: object, secret: str | int) -> bool:
    if isinstance(secret, int):
        return value == secret or str(secret) in str(value)
    return secret.casefold() in str(value).casefold()


async def test_forgetting_leaves_no_cell_in_any_table_with_the_peers_name_id_or_texts(
    db: Database, team: dict[str, Any]
) -> None:
    peer: Peer = team["peer"]
    before = await every_cell(db)
    assert any(holds(v, PEER_TG) for _t, v in before)
    assert all(any(holds(v, s) for _t, v in before) for s in peer.secrets)

    await forget(db, PEER_TG)

    cells = await every_cell(db)
    tables = {name for name, _v in cells}
    assert {"people", "sessions", "programmes", "strategies"} <= tables
    for table, value in cells:
        for secret in (*peer.secrets, PEER_TG):
            assert not holds(value, secret), f"{table} still holds {secret!r}"
    # The other peer's data is all still there.
    for secret in (*team["other"].secrets, OTHER_TG):
        assert any(holds(v, secret) for _t, v in cells), secret


async def test_forgetting_keeps_sessions_as_anonymous_counts_and_ends_the_programme(
    db: Database, team: dict[str, Any]
) -> None:
    done = await forget(db, PEER_TG)
    assert done.worker_telegram_ids == (WORKER_TG,)
    async with UnitOfWork(db) as uow:
        person = await uow.session.get(Person, team["peer"].id)
        assert person is not None and person.left_at == NOW
        assert (person.telegram_id, person.display_name) == (None, None)
        programme = await uow.session.get(Programme, team["programme"])
        assert programme is not None
        assert (programme.state, programme.ended_at) == (ProgrammeState.ENDED, NOW)
        sessions = (
            await uow.session.scalars(
                select(PeerSession)
                .where(PeerSession.programme_id == programme.id)
                .order_by(PeerSession.starts_at)
            )
        ).all()
        # Past sessions keep their state and time; upcoming ones are called off.
        assert [s.state for s in sessions] == ["held", "cancelled"]
        assert sessions[0].starts_at == NOW - timedelta(days=7)
        # Erased, not cancelled by anyone: the digest counts no cancellation.
        assert sessions[1].cancelled_by is None
        # Nothing is still due about them, to anyone.
        due = await uow.session.scalar(
            select(func.count()).where(
                Delivery.session_id.in_([s.id for s in sessions]), Delivery.finished_at.is_(None)
            )
        )
        assert due == 0
        assert await uow.people.by_telegram_id(PEER_TG) is None
        # The worker's half-written note about them will not land.
        assert await uow.conversations.get(team["worker_id"]) is None


async def test_a_workers_export_names_an_erased_peer_only_as_a_peer_who_has_left(
    db: Database, team: dict[str, Any]
) -> None:
    await forget(db, PEER_TG)
    async with UnitOfWork(db) as uow:
        read = await privacy.export_person(uow, WORKER_TG, now=NOW)
    # The service holds what is stored (no name); the file puts it in words.
    assert isinstance(read.part, privacy.WorkerPart)
    assert sorted(p.other_name or "" for p in read.part.peers) == ["", "Ottoline Marchbank"]
    data = mydata.document(read)
    assert sorted(p["name"] for p in data["peers"]) == ["Ottoline Marchbank", "a peer who has left"]
    assert {d["peer"] for d in data["diary"]} == {"Ottoline Marchbank", "a peer who has left"}
    assert "Zebedee" not in mydata.render(read).decode()


async def test_a_forgotten_account_is_a_stranger_and_cannot_forget_twice(
    db: Database, team: dict[str, Any]
) -> None:
    await forget(db, PEER_TG)
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotJoined):
            await privacy.export_person(uow, PEER_TG, now=NOW)
    with pytest.raises(NotJoined):
        await forget(db, PEER_TG)


async def test_only_peers_can_forget_themselves_here(db: Database, team: dict[str, Any]) -> None:
    with pytest.raises(NotAllowed):
        await forget(db, WORKER_TG)


async def test_a_confirmation_made_for_another_person_changes_nothing(
    db: Database, team: dict[str, Any]
) -> None:
    async with UnitOfWork(db) as uow:
        with pytest.raises(privacy.NotYourButton):
            await privacy.forget(uow, PEER_TG, now=NOW, person_id=team["other"].id)
    assert (await export(db, PEER_TG))["profile"]["name"] == "Zebedee Quillfeather"


async def end_programme(db: Database, programme_id: int, ended_at: datetime) -> None:
    async with UnitOfWork(db) as uow:
        programme = await uow.session.get(Programme, programme_id)
        assert programme is not None
        programme.state, programme.ended_at = ProgrammeState.COMPLETED, ended_at
        await uow.commit()


async def test_retention_erases_peers_a_year_after_their_programme_ended(
    db: Database, team: dict[str, Any]
) -> None:
    await end_programme(db, team["programme"], NOW - timedelta(days=366))
    async with UnitOfWork(db) as uow:
        erased = await privacy.erase_expired(uow, now=NOW, retention_days=365)
    assert erased == [team["peer"].id]
    for table, value in await every_cell(db):
        for secret in (*team["peer"].secrets, PEER_TG):
            assert not holds(value, secret), f"{table} still holds {secret!r}"
    # The other peer's programme is still running: nothing of theirs goes.
    assert (await export(db, OTHER_TG))["strategies"]


async def test_retention_keeps_peers_whose_programme_ended_recently_or_runs_on(
    db: Database, team: dict[str, Any]
) -> None:
    await end_programme(db, team["programme"], NOW - timedelta(days=364))
    async with UnitOfWork(db) as uow:
        assert await privacy.erase_expired(uow, now=NOW, retention_days=365) == []
    assert (await export(db, PEER_TG))["profile"]["name"] == "Zebedee Quillfeather"


async def test_the_daily_retention_job_uses_retention_days_and_runs_again_harmlessly(
    db: Database, team: dict[str, Any]
) -> None:
    await end_programme(db, team["programme"], NOW - timedelta(days=40))
    data = BotData()
    data.db = db
    data.settings = from_env({"RETENTION_DAYS": "30"})
    assert await run_retention(data, NOW) == [team["peer"].id]
    assert await run_retention(data, NOW + timedelta(days=1)) == []
    async with UnitOfWork(db) as uow:
        assert await uow.people.by_telegram_id(PEER_TG) is None
        assert await uow.people.by_telegram_id(OTHER_TG) is not None


def test_retention_days_defaults_to_a_year_and_refuses_nonsense() -> None:
    assert from_env({}).retention_days == 365
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        from_env({"RETENTION_DAYS": "soon"})


async def peer_calendar(db: Database, telegram_id: int = PEER_TG) -> list[Any]:
    async with UnitOfWork(db) as uow:
        upcoming = await calendar.calendar_for(uow, telegram_id, now=NOW)
    return list(Calendar.from_ical(calendar_file.render(upcoming)).walk("VEVENT"))


async def test_calendar_alarms_are_the_peers_own_reminders_on_both_sides_of_the_clock_change(
    db: Database, team: dict[str, Any]
) -> None:
    async with UnitOfWork(db) as uow:
        programme = await uow.session.get(Programme, team["programme"])
        assert programme is not None
        after_change = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)  # 10:00 GMT
        await factories.session(uow, programme, after_change, now=NOW)
        await uow.commit()
    first, second = await peer_calendar(db)  # the held session is past: not in the file
    assert first.start == datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    # "The day before at 19:15" on the wall clock: 18:15 UTC in BST, 19:15 UTC in GMT.
    assert [a["TRIGGER"].dt for a in first.walk("VALARM")] == [
        datetime(2026, 10, 23, 18, 15, tzinfo=UTC),
        timedelta(hours=-1),
    ]
    assert [a["TRIGGER"].dt for a in second.walk("VALARM")] == [
        datetime(2026, 10, 31, 19, 15, tzinfo=UTC),
        timedelta(hours=-1),
    ]


async def test_calendar_has_no_alarm_for_a_peer_who_chose_no_reminders(
    db: Database, team: dict[str, Any]
) -> None:
    async with UnitOfWork(db) as uow:
        await uow.session.delete(await uow.session.get(ReminderPrefs, team["peer"].id))
        await uow.commit()
    [event] = await peer_calendar(db)
    assert event.walk("VALARM") == []


def test_no_calendar_alarm_falls_in_the_peers_quiet_hours() -> None:
    prefs = ReminderPrefs(
        day_before=False, morning=True, morning_at=time(7, 0), hour_before=True,
        day_before_at=time(18), quiet_from=time(21), quiet_until=time(8),
    )  # fmt: skip
    london = ZoneInfo("Europe/London")
    early = datetime(2026, 10, 24, 8, 30, tzinfo=london)  # an hour before is 07:30: quiet
    assert calendar.alarm_triggers(prefs, early, london) == []
    later = datetime(2026, 10, 24, 11, 0, tzinfo=london)
    assert calendar.alarm_triggers(prefs, later, london) == [timedelta(hours=-1)]


async def test_coordinators_have_no_calendar_and_an_empty_diary_has_no_events(
    db: Database, team: dict[str, Any]
) -> None:
    async with UnitOfWork(db) as uow:
        await factories.person(uow, "coordinator", "Cora", telegram_id=42, now=NOW)
        await factories.person(uow, "worker", "Idle", telegram_id=43, now=NOW)
        await uow.commit()
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotAllowed):
            await calendar.calendar_for(uow, 42, now=NOW)
        made = await calendar.calendar_for(uow, 43, now=NOW)
    assert len(made.events) == 0


def test_the_retention_job_runs_daily() -> None:
    from telegram.ext import ApplicationBuilder

    from scheduler import retention

    app = ApplicationBuilder().token("1:abc").build()
    retention.register(app)
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("retention")
    trigger = str(job.trigger)  # every day of the week, early in the morning (UTC)
    assert "sun,mon,tue,wed,thu,fri,sat" in trigger and "hour='3'" in trigger
