"""The digest's service flow end to end: what a coordinator sees in /digest and in the
weekly digest, its second chart and its CSV (SPEC §5), and the check-in counts (§8)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

from PIL import Image
from sqlalchemy import select

from bot.localapi import BotMessage, Person as Actor
from storage.models import (
    EndingAnswers,
    Person,
    Programme,
    ProgrammeState,
    Referral,
    SafetyCheckin,
    SessionState,
    WorkerPrefs,
)
from tests import factories
from tests.conftest import Clock
from tests.harness import Harness, running_bot

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the weekly digest's time in London


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def a_service_with_referrals(bot: Harness, answers: int) -> Actor:
    """Two referrals this week (one still waiting), Sam's from 9 days ago whose first
    session was held 3 days ago, one programme closed early, `answers` ending answers."""
    bot.clock.set(NOW)
    coordinator, _worker, _sam = await bot.team()
    async with bot.uow() as uow:
        sam = await uow.session.scalar(select(Programme))
        assert sam is not None
        sam.started_at = ago(6)
        uow.session.add_all(
            [
                Referral(first_name="Robin", source="gp", state="waiting", created_at=ago(4)),
                Referral(first_name="Kit", source="self", state="offered", created_at=ago(2)),
                Referral(
                    first_name="Sam", source="gp", state="matched", created_at=ago(9),
                    programme_id=sam.id, matched_at=ago(6),
                ),
            ]
        )  # fmt: skip
        await factories.session(uow, sam, ago(3), now=ago(6), state=SessionState.HELD)
        wren = await uow.session.scalar(select(Person).where(Person.role == "worker"))
        assert wren is not None
        gone = await factories.person(uow, "peer", "Alex", telegram_id=None, now=ago(90))
        closed = await factories.programme(uow, gone, wren, now=ago(90))
        closed.state, closed.ended_at = ProgrammeState.CLOSED, ago(1)
        closed.close_reason = "chose_to_stop"
        for i in range(answers):
            uow.session.add(
                EndingAnswers(
                    helped=(5, 4, 4, 3, 5)[i % 5],
                    recommend=("yes", "yes", "not_sure", "yes", "no")[i % 5],
                    comment="It helped with my brother",
                    asked_at=ago(20 + i),
                    answered_at=ago(20 + i),
                )
            )
        await uow.commit()
    return coordinator


async def digest_messages(bot: Harness, coordinator: Actor, before: int) -> list[BotMessage]:
    """The digest's messages from `before` on, once its CSV file has arrived."""
    deadline = asyncio.get_running_loop().time() + 20
    assert await bot.api.wait_for(lambda: coordinator.last.kind == "document", deadline)
    return coordinator.messages[before:]


def service_figures(document: bytes) -> dict[str, str]:
    """The CSV's second section: the service's figures by name."""
    section = document.decode("utf-8-sig").split("\r\n\r\n")[1]
    return {row["service_figure"]: row["value"] for row in csv.DictReader(io.StringIO(section))}


FLOW = """Service flow
Referrals received 2
Waiting now 2, the longest for 4 days
First sessions after a referral 1
Median wait from referral to first session: 6 days
Programmes started 1 · Completed 0
Closed early 1
· the peer chose to stop 1
"""


async def test_the_digest_shows_the_flow_and_hides_answers_under_five(bot: Harness) -> None:
    coordinator = await a_service_with_referrals(bot, answers=4)

    before = len(coordinator.messages)
    await coordinator.send("/digest")
    text, week, flow, table = await digest_messages(bot, coordinator, before)

    assert FLOW + "Ending answers: fewer than five answers so far\n\nWren" in (text.text or "")
    assert "check-ins" not in (text.text or "").lower()  # SAFETY_CHECKINS is off
    assert week.photo is not None and flow.photo is not None
    with Image.open(io.BytesIO(flow.photo)) as picture:
        assert picture.format == "PNG" and picture.width >= 1000
    assert flow.text == (
        "Referrals received each week, and the median days from referral to first session, "
        "last 12 weeks."
    )
    assert table.document is not None
    figures = service_figures(table.document)
    assert figures["referrals_received"] == "2" and figures["longest_wait_days"] == "4"
    assert figures["ending_helped_average_of_5"] == "fewer than five answers so far"
    assert "ending_recommend_yes" not in figures
    for private in ("Robin", "Kit", "brother", "Alex"):
        assert private not in (text.text or "")
        assert private not in table.document.decode("utf-8-sig")


async def test_the_fifth_answer_brings_the_average_and_the_counts(bot: Harness) -> None:
    coordinator = await a_service_with_referrals(bot, answers=5)

    before = len(coordinator.messages)
    await coordinator.send("/digest")
    text, _, _, table = await digest_messages(bot, coordinator, before)

    assert FLOW + (
        "How much it helped: 4.2 of 5 (5 answers)\n"
        "Would recommend: yes 3 · not sure 1 · no 1 (5 answers)\n\nWren"
    ) in (text.text or "")
    assert table.document is not None
    figures = service_figures(table.document)
    assert (figures["ending_helped_answers"], figures["ending_helped_average_of_5"]) == ("5", "4.2")
    assert (figures["ending_recommend_yes"], figures["ending_recommend_no"]) == ("3", "1")


async def a_week_of_checkins(bot: Harness) -> Actor:
    bot.clock.set(NOW)
    coordinator, _worker, _peer = await bot.team()
    async with bot.uow() as uow:
        wren = await uow.session.scalar(select(Person).where(Person.role == "worker"))
        assert wren is not None
        await uow.session.merge(WorkerPrefs(person_id=wren.id, safety_checkins=True))
        for days, minutes in ((3, None), (2, 4), (1, 12)):
            starts = ago(days)
            alerted = handled = None
            if minutes is not None:
                alerted = starts + timedelta(hours=1, minutes=30)
                handled = alerted + timedelta(minutes=minutes)
            uow.session.add(
                SafetyCheckin(
                    worker_id=wren.id, kind="session", state="safe", place="12 Elm Road",
                    starts_at=starts, ends_at=starts + timedelta(hours=1), created_at=ago(9),
                    alerted_at=alerted, handled_at=handled,
                )
            )  # fmt: skip
        await uow.commit()
    return coordinator


SAFETY = """Lone-working check-ins
Check-ins 3 · Alerts raised 2
Alerts handled 2, in a median of 8 minutes"""


async def test_with_safety_check_ins_the_digest_counts_them(
    database_url: str, clock: Clock
) -> None:
    async with running_bot(database_url, clock, safety_checkins=True) as bot:
        coordinator = await a_week_of_checkins(bot)

        before = len(coordinator.messages)
        await coordinator.send("/digest")
        text, _, _, table = await digest_messages(bot, coordinator, before)

    assert "\n\n" + SAFETY + "\n\nWren" in (text.text or "")
    assert "Elm Road" not in (text.text or "")
    assert table.document is not None
    figures = service_figures(table.document)
    assert (figures["safety_checkins"], figures["safety_alerts_raised"]) == ("3", "2")
    assert figures["safety_median_minutes_to_handle"] == "8.0"


async def test_without_safety_check_ins_the_digest_has_no_such_counts(bot: Harness) -> None:
    coordinator = await a_week_of_checkins(bot)

    before = len(coordinator.messages)
    await coordinator.send("/digest")
    text, _, _, table = await digest_messages(bot, coordinator, before)

    assert "Lone-working" not in (text.text or "")
    assert table.document is not None and b"safety" not in table.document


async def test_the_weekly_digest_brings_the_flow_and_both_charts(bot: Harness) -> None:
    coordinator = await a_service_with_referrals(bot, answers=5)

    bot.clock.set(MONDAY)
    before = len(coordinator.messages)
    await bot.tick()
    text, week, flow, table = await digest_messages(bot, coordinator, before)

    # The seven days to Monday 09:00: Kit's referral is in it, Robin's the day before.
    assert text.text is not None and text.text.startswith("Weekly digest\n23 Nov – 30 Nov 2026")
    assert "\nReferrals received 1\nWaiting now 2, the longest for 7 days\n" in text.text
    assert "(5 answers)" in text.text
    assert week.photo is not None and flow.photo is not None and flow.photo.startswith(b"\x89PNG")
    assert table.document is not None and table.filename == "digest-2026-11-30.csv"
    assert service_figures(table.document)["referrals_received"] == "1"
