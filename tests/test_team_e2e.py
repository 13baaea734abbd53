"""Coordinators end to end: /team, /digest with its chart and CSV, their /settings (SPEC §5)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, time, timedelta

from PIL import Image
from sqlalchemy import select

from bot import texts
from bot.localapi import Person as Actor
from storage.models import (
    CoordinatorPrefs,
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    RearrangeRequest,
    ReminderPrefs,
    SessionState,
    Strategy,
    StrategyEntry,
)
from tests import factories
from tests.harness import Harness

# A Thursday: the coordinator's week began on Monday 23 November (London is on UTC).
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PRIVATE = ("Sam", "Bea", "Cy", "river", "calmer", "family", "Fridays after work")


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def a_week_of_two_workers(bot: Harness) -> tuple[Actor, Actor, Actor]:
    """Wren's peer Sam held once then missed twice; Ash's peer Bea held, cancelled, moved."""
    bot.clock.set(NOW)
    coordinator, wren, sam = await bot.team()
    ash = await bot.join_worker(coordinator, "Ash")
    await bot.join_peer(ash, "Bea", "Bea")
    async with bot.uow() as uow:
        people = {p.display_name: p for p in await uow.session.scalars(select(Person))}
        programmes = {p.peer_id: p for p in await uow.session.scalars(select(Programme))}
        sam_p, bea_p = programmes[people["Sam"].id], programmes[people["Bea"].id]

        async def session(
            programme: Programme, days_ago: float, state: SessionState, **extra: object
        ) -> PeerSession:
            row = await factories.session(
                uow,
                programme,
                ago(days_ago),
                now=ago(10),
                state=state,
                outcome_note="Private note about family",
            )
            for name, value in extra.items():
                setattr(row, name, value)
            await uow.flush()
            return row

        await session(sam_p, 5, SessionState.HELD, confirmed_at=ago(6))
        await session(sam_p, 3, SessionState.MISSED)
        await session(sam_p, 1, SessionState.MISSED)
        await session(sam_p, -2, SessionState.CONFIRMED, confirmed_at=ago(0.5))
        # merge: joining offered Sam reminders, which made the row already.
        await uow.session.merge(ReminderPrefs(person_id=people["Sam"].id, day_before=True))
        strategy = Strategy(
            peer_id=people["Sam"].id,
            name="Walk by the river",
            created_at=ago(9),
            last_used_at=ago(2),
        )
        uow.session.add(strategy)
        await uow.flush()
        uow.session.add(
            StrategyEntry(
                strategy_id=strategy.id,
                peer_id=people["Sam"].id,
                outcome="helped",
                note="felt calmer",
                logged_at=ago(2),
            )
        )

        await session(bea_p, 4, SessionState.HELD)
        await session(bea_p, -3, SessionState.CANCELLED, cancelled_at=ago(2), cancelled_by="peer")
        moved = await session(bea_p, -1, SessionState.SCHEDULED, times_moved=1, version=2)
        uow.session.add(
            RearrangeRequest(
                session_id=moved.id,
                requested_by="peer",
                wish="Fridays after work",
                state="accepted",
                created_at=ago(2),
                resolved_at=ago(1),
            )
        )
        people["Bea"].unreachable_at = ago(1)
        cy = await factories.person(uow, "peer", "Cy", telegram_id=None, now=ago(80))
        cy_p = await factories.programme(uow, cy, people["Ash"], now=ago(80))
        cy_p.state, cy_p.ended_at = ProgrammeState.COMPLETED, ago(2)
        await uow.commit()
    return coordinator, wren, sam


DIGEST = """Weekly digest
19 Nov – 26 Nov 2026

Team: 2 peer workers
Held 2 · Missed 2
Cancelled 1 (by peer 1, by worker 0)
Rearranged 1
Confirmed ahead 1 of 4 (25%)
Programmes finished 1
Chose reminders 1 of 2 peers
Missed the last 2+ sessions: 1 peer
Perhaps one to talk over in supervision.

Service flow
Referrals received 0
Waiting now 0
First sessions after a referral 0
Programmes started 0 · Completed 1
Closed early 0
Ending answers: fewer than five answers so far

Ash
Held 1 · Missed 0
Cancelled 1 (by peer 1, by worker 0)
Rearranged 1
Confirmed ahead 0 of 1 (0%)
Programmes finished 1
Chose reminders 0 of 1 peer

Wren
Held 1 · Missed 2
Cancelled 0
Rearranged 0
Confirmed ahead 1 of 3 (33%)
Programmes finished 0
Chose reminders 1 of 1 peer
Missed the last 2+ sessions: 1 peer
Perhaps one to talk over in supervision."""


async def test_a_coordinator_gets_the_weeks_digest_as_text_chart_and_csv(bot: Harness) -> None:
    coordinator, _wren, _sam = await a_week_of_two_workers(bot)

    before = len(coordinator.messages)
    await coordinator.send("/digest")
    # The chart takes a moment to draw: wait for the whole answer, up to its file.
    deadline = asyncio.get_running_loop().time() + 20
    assert await bot.api.wait_for(lambda: coordinator.last.kind == "document", deadline)
    text, chart, flow_chart, table = coordinator.messages[before:]

    assert text.text == DIGEST
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(chart.photo)) as picture:
        assert picture.format == "PNG" and picture.width >= 1000
    assert flow_chart.photo is not None and flow_chart.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert flow_chart.text == (
        "Referrals received each week, and the median days from referral to first session, "
        "last 12 weeks."
    )
    assert table.document is not None and table.filename == "digest-2026-11-26.csv"
    # The file's first section (the peer workers) ends at its first blank line.
    workers = table.document.decode("utf-8-sig").split("\r\n\r\n")[0]
    rows = list(csv.DictReader(io.StringIO(workers)))
    assert [(r["peer_worker"], r["held"], r["missed"], r["cancelled"]) for r in rows] == [
        ("Ash", "1", "0", "1"),
        ("Wren", "1", "2", "0"),
    ]
    assert [(r["rearranged"], r["missed_two_or_more_in_a_row"]) for r in rows] == [
        ("1", "0"),
        ("0", "1"),
    ]
    # Counts only: no peer's name, strategy, note or wish anywhere.
    for private in PRIVATE:
        assert private not in text.text
        assert private not in table.document.decode("utf-8-sig")
        assert private not in (chart.text or "")


async def test_a_coordinator_sees_caseloads_and_this_weeks_sessions(bot: Harness) -> None:
    coordinator, _wren, _sam = await a_week_of_two_workers(bot)

    [reply] = await coordinator.send("/team")

    assert reply.text == (
        "Your team, week of Mon 23 Nov\n2 peer workers\n2 active peers\n"
        "This week: 4 sessions, 1 confirmed so far\nProgrammes completed: 1\n"
        "Not reachable here: 1 peer\n\n"
        "Ash\n1 active peer\nThis week: 1 session, 0 confirmed so far\n"
        "Programmes completed: 1\nNot reachable here: 1 peer\n\n"
        "Wren\n1 active peer\nThis week: 3 sessions, 1 confirmed so far\n"
        "Programmes completed: 0"
    )
    for private in PRIVATE:
        assert private not in reply.text


async def test_a_peer_worker_or_a_peer_is_politely_refused_team_and_digest(
    bot: Harness,
) -> None:
    _coordinator, worker, peer = await bot.team()

    for person in (worker, peer):
        for command in ("/team", "/digest"):
            assert [m.text for m in await person.send(command)] == [texts.NOT_FOR_YOUR_ROLE]
    # A forged settings button from a peer worker changes nothing either.
    await worker.press_data("team:setday:3", message=worker.last)
    assert worker.last_answer == texts.NOT_FOR_YOUR_ROLE


async def prefs_of(bot: Harness) -> tuple[int, time, str]:
    async with bot.uow() as uow:
        coordinator = await uow.session.scalar(select(Person).where(Person.role == "coordinator"))
        assert coordinator is not None
        prefs = await uow.session.get(CoordinatorPrefs, coordinator.id)
        assert prefs is not None
        return prefs.digest_weekday, prefs.digest_at, coordinator.timezone


async def test_a_coordinator_sets_the_digest_day_time_and_time_zone(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()

    [shown] = await coordinator.send("/settings")
    assert (
        shown.text == "Your weekly digest arrives on Mondays at 09:00.\nTime zone: Europe/London."
    )

    await coordinator.press("Change day")
    [saved] = await coordinator.press("Fri")
    assert saved.text == (
        "Saved. Your weekly digest arrives on Fridays at 09:00.\nTime zone: Europe/London."
    )

    await coordinator.press("Change time")
    assert [m.text for m in await coordinator.send("half six")] == [
        "Sorry, I couldn't read that as a time. Please type it like 09:00 or 17:30."
    ]
    [saved] = await coordinator.send("18:30")
    assert saved.text == (
        "Saved. Your weekly digest arrives on Fridays at 18:30.\nTime zone: Europe/London."
    )

    await coordinator.press("Change time zone")
    [problem] = await coordinator.send("Mars/Olympus")
    assert problem.text == (
        "I don't know the time zone “Mars/Olympus”. "
        "Please type a name such as Europe/London or America/New_York."
    )
    [saved] = await coordinator.send("america/new_york")
    assert saved.text == (
        "Saved. Your weekly digest arrives on Fridays at 18:30.\nTime zone: America/New_York."
    )
    assert await prefs_of(bot) == (5, time(18, 30), "America/New_York")

    # A stale or forged payload shows the current settings and changes nothing.
    await coordinator.press_data("team:setday:9", message=saved)
    assert coordinator.last_answer == texts.BUTTON_GONE
    assert await prefs_of(bot) == (5, time(18, 30), "America/New_York")
    # Typed text after the choice is made is not taken as a setting any more.
    # (It matches none of the panel's buttons, so those are named: issue 13, point 1.)
    [answer] = await coordinator.send("Europe/Paris")
    assert (answer.text or "").startswith("Sorry, I didn't catch that.")
    assert "3. Change time zone" in (answer.text or "")
    assert await prefs_of(bot) == (5, time(18, 30), "America/New_York")
