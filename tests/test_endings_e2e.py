"""A programme's end, end to end: the toolbox and its PDF, the three questions, /close."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.localapi import Person
from storage.models import (
    Delivery,
    EndingAnswers,
    PeerSession,
    Programme,
    ReminderPrefs,
    Strategy,
    StrategyEntry,
)
from tests.conftest import Clock
from tests.harness import Harness, running_bot

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tue 1 Dec 2026, GMT = UTC


async def log_strategies(bot: Harness, peer: Person, logged: dict[str, list[str]]) -> None:
    """The peer's strategies and how each went, straight into the database."""
    async with bot.uow() as uow:
        me = await uow.people.by_telegram_id(peer.user_id)
        assert me is not None
        now = bot.clock()
        for name, outcomes in logged.items():
            row = Strategy(peer_id=me.id, name=name, created_at=now, last_used_at=now)
            uow.session.add(row)
            await uow.flush()
            for outcome in outcomes:
                uow.session.add(
                    StrategyEntry(strategy_id=row.id, peer_id=me.id, outcome=outcome, logged_at=now)
                )
        await uow.commit()


async def complete_programme(bot: Harness, worker: Person) -> None:
    """Two sessions, both marked Held: the programme (of two) is complete."""
    await worker.send("/schedule Sam 2026-12-02 10:00")
    await worker.send("/schedule Sam 2026-12-03 10:00")
    bot.clock.set(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    questions = await worker.send("/outcome")
    for question in questions:
        await worker.press("Held", message=question)
    await worker.press("Skip")


@pytest.fixture
async def short(database_url: str, clock: Clock) -> AsyncIterator[Harness]:
    """A bot whose programmes have two sessions, on Tuesday 1 December."""
    clock.set(TUESDAY)
    async with running_bot(database_url, clock, programme_sessions=2) as bot:
        yield bot


async def answers(bot: Harness) -> list[EndingAnswers]:
    async with bot.uow() as uow:
        return list(await uow.session.scalars(select(EndingAnswers)))


async def test_a_completed_programme_sends_the_toolbox_its_pdf_and_the_questions_once(
    short: Harness,
) -> None:
    bot = short
    _, worker, peer = await bot.team()
    await log_strategies(
        bot,
        peer,
        {
            "Breathing 4-7-8": ["a_bit", "didnt_help", "didnt_try"],
            "Walking by the canal": ["helped", "helped", "a_bit"],
            "Calling Siân": ["helped", "didnt_help"],
        },
    )
    await complete_programme(bot, worker)
    before = len(peer.messages)
    await bot.tick()
    toolbox, pdf, question = peer.messages[before:]

    assert toolbox.text.startswith("Your peer support programme has come to an end, Sam.")
    assert (
        "• Walking by the canal: tried 3 times, helped 2 times, helped a bit 1 time\n"
        "• Calling Siân: tried 2 times, helped 1 time\n"
        "• Breathing 4-7-8: tried 2 times, helped 0 times, helped a bit 1 time"
    ) in toolbox.text
    assert pdf.filename == "my-toolbox.pdf"
    reader = PdfReader(io.BytesIO(pdf.document or b""))
    assert len(reader.pages) == 1
    page = reader.pages[0].extract_text()
    found = [page.index(name) for name in ("Walking", "Calling Siân", "Breathing")]
    assert found == sorted(found)  # helped most first
    assert "116 123" in page  # the crisis contacts at the foot
    assert question.text.endswith("How much has peer support helped? (1 is not at all, 5 is a lot)")
    assert [b.text for row in question.buttons for b in row] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "Skip",
    ]

    await peer.press("4", message=question)
    assert peer.last.text == "Would you recommend it to someone in a similar situation?"
    await peer.press("Not sure")
    assert peer.last.text.startswith("Anything you'd like to say?")
    [thanks] = await peer.send("It helped to be heard.")
    assert thanks.text.startswith("Thank you.")
    [row] = await answers(bot)
    assert (row.helped, row.recommend, row.comment) == (4, "not_sure", "It helped to be heard.")

    # Never asked again: nothing more due, an old button is out of date.
    after = len(peer.messages)
    bot.clock.advance(days=1)
    await bot.tick()
    assert len(peer.messages) == after
    await peer.press_data(f"end:h:{row.programme_id}:1", message=question)
    assert peer.last_answer == "This has changed, so nothing was done."
    [again] = await answers(bot)
    assert again.helped == 4
    async with bot.uow() as uow:
        sent = await uow.session.scalar(
            select(func.count()).where(Delivery.kind == "toolbox", Delivery.state == "sent")
        )
    assert sent == 1


async def test_every_question_can_be_skipped_and_nothing_is_stored_for_it(short: Harness) -> None:
    bot = short
    _, worker, peer = await bot.team()
    await complete_programme(bot, worker)
    before = len(peer.messages)
    await bot.tick()
    toolbox, pdf, _question = peer.messages[before:]
    assert "You didn't log any strategies here, and that's fine" in toolbox.text
    page = PdfReader(io.BytesIO(pdf.document or b"")).pages[0].extract_text()
    assert "No strategies were logged" in " ".join(page.split())
    assert "Strategy" not in page  # no empty table
    for _n in range(3):
        await peer.press("Skip")
    assert peer.last.text.startswith("Thank you.")
    [row] = await answers(bot)
    assert (row.helped, row.recommend, row.comment, row.answered_at) == (None, None, None, None)


async def planned_session(bot: Harness, worker: Person) -> PeerSession:
    await worker.send("/schedule Sam 2026-12-10 10:00")
    async with bot.uow() as uow:
        row = await uow.session.scalar(select(PeerSession))
    assert row is not None
    return row


@pytest.mark.parametrize(
    ("button", "reason"),
    [
        ("They chose to stop", "chose_to_stop"),
        ("They've moved on", "moved_on"),
        ("Another reason", "other"),
    ],
)
async def test_close_with_a_reason_cancels_what_is_ahead_and_sends_the_toolbox(
    bot: Harness, button: str, reason: str
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await planned_session(bot, worker)
    [ask] = await worker.send("/close sam")
    assert ask.text.startswith("Close Sam's programme? Please pick the reason")
    await worker.press(button)
    assert "Their upcoming sessions will be cancelled without counting against anyone" in (
        worker.last.text
    )
    before = len(peer.messages)
    await worker.press("Yes, close it")
    assert worker.last.text == (
        "Sam's programme is closed. 1 upcoming session was cancelled. "
        "Their toolbox is on its way to them."
    )
    assert len(peer.messages) == before  # no message about each cancelled session
    async with bot.uow() as uow:
        programme = await uow.session.scalar(select(Programme))
        s = await uow.session.scalar(select(PeerSession))
    assert programme is not None and s is not None
    assert (programme.state, programme.close_reason, programme.ended_at) == (
        "closed",
        reason,
        TUESDAY,
    )
    assert (s.state, s.cancelled_by, s.counts_against) == ("cancelled", None, False)
    await bot.tick()
    texts = [m.text or "" for m in peer.messages[before:]]
    assert texts[0].startswith("Your peer support programme has come to an end, Sam.")
    assert len(texts) == 3  # the toolbox, its PDF and the first question


async def test_closed_as_could_not_be_contacted_sends_only_the_open_door(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await planned_session(bot, worker)
    await worker.send("/close")
    await worker.press("Sam")
    await worker.press("We couldn't get in touch")
    assert "one short message that the door is open" in worker.last.text
    confirm = worker.last
    await worker.press("Yes, close it")
    assert worker.last.text.endswith("They'll get one short message that the door is open.")
    # A second press (a double tap, another replica) changes nothing more.
    await worker.press_data(confirm.buttons[0][0].callback_data or "", message=confirm)
    assert worker.last_answer == (
        "That programme has changed since (it may have ended already), so nothing was done."
    )
    before = len(peer.messages)
    await bot.tick()
    [door] = peer.messages[before:]
    assert door.text == (
        "We haven't been able to get in touch for a while, so your peer support programme "
        "with Riverside Peer Support has been closed. That's okay: the door is open.\n\n"
        "If you'd like support again, just ask the service and they'll refer you."
    )
    assert door.buttons == []
    bot.clock.advance(days=2)
    await bot.tick()
    assert len(peer.messages) == before + 1
    assert await answers(bot) == []
    async with bot.uow() as uow:
        kinds = list(
            await uow.session.scalars(
                select(Delivery.kind).where(Delivery.programme_id.is_not(None))
            )
        )
    assert kinds == ["door_open"]


async def test_close_keeps_it_going_when_asked_and_refuses_others_peers(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    coordinator, worker, _peer = await bot.team()
    other = await bot.join_worker(coordinator, "Robin")
    [answer] = await other.send("/close Sam")
    assert answer.text == "I can't find a peer of yours called “Sam”. /peers lists them."
    [none] = await other.send("/close")
    assert none.text == "None of your peers has a programme running, so there is nothing to close."
    await worker.send("/close Sam")
    await worker.press("Another reason")
    await worker.press("No, keep it going")
    assert worker.last.text == "Nothing was changed: the programme carries on."
    async with bot.uow() as uow:
        programme = await uow.session.scalar(select(Programme))
    assert programme is not None and programme.state == "active"


async def test_after_close_no_reminder_or_summary_comes_for_the_cancelled_session(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    async with bot.uow() as uow:
        me = await uow.people.by_telegram_id(peer.user_id)
        assert me is not None
        await uow.session.merge(
            ReminderPrefs(
                person_id=me.id, hour_before=True, day_before=True, morning=False,
                day_before_at=time(18), morning_at=time(8, 30),
                quiet_from=time(0), quiet_until=time(0),
            )
        )  # fmt: skip
        await uow.commit()
    session = await planned_session(bot, worker)
    await worker.send("/close Sam")
    await worker.press("They chose to stop")
    await worker.press("Yes, close it")
    await bot.tick()
    peer_seen, worker_seen = len(peer.messages), len(worker.messages)
    for moment in ("2026-12-09T18:00:30", "2026-12-10T08:00:30", "2026-12-10T09:00:30"):
        bot.clock.set(datetime.fromisoformat(moment).replace(tzinfo=UTC))
        await bot.tick()
    assert (len(peer.messages), len(worker.messages)) == (peer_seen, worker_seen)
    async with bot.uow() as uow:
        rows = list(
            await uow.session.scalars(select(Delivery).where(Delivery.session_id == session.id))
        )
    assert not [r for r in rows if r.state in ("pending", "sent")]


async def test_the_questions_can_be_answered_by_typing_and_a_long_comment_is_refused(
    short: Harness,
) -> None:
    bot = short
    _, worker, peer = await bot.team()
    await complete_programme(bot, worker)
    await bot.tick()
    [asked] = await peer.send("3")
    assert asked.text == "Would you recommend it to someone in a similar situation?"
    [unclear] = await peer.send("purple")
    assert unclear.text.endswith("1. Yes\n2. Not sure\n3. No\n4. Skip")
    await peer.send("not sure")  # the question above becomes the next one
    [now] = [m for m in peer.messages if m.message_id == asked.message_id]
    assert (now.text or "").startswith("Anything you'd like to say?")
    [refused] = await peer.send("x" * 501)
    assert refused.text == "That's a bit long. Please keep it to 500 characters."
    [row] = await answers(bot)
    assert (row.helped, row.recommend, row.comment) == (3, "not_sure", None)
    await peer.send("skip")
    [now] = [m for m in peer.messages if m.message_id == asked.message_id]
    assert (now.text or "").startswith("Thank you.")
    [row] = await answers(bot)
    assert row.comment is None


async def test_the_open_door_gives_the_public_link_when_self_referral_is_on(
    database_url: str, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(TUESDAY)
    async with running_bot(database_url, clock, self_referral=True) as bot:
        _, worker, peer = await bot.team()
        await worker.send("/close Sam")
        await worker.press("We couldn't get in touch")
        await worker.press("Yes, close it")
        before = len(peer.messages)
        await bot.tick()
        [door] = peer.messages[before:]
        username = bot.app.bot.username if bot.app else ""
        assert (door.text or "").endswith(
            f"If you'd like support again, open this link to ask: https://t.me/{username}?start=refer"
        )


async def test_the_toolbox_pdf_is_in_the_peers_own_language(short: Harness) -> None:
    # The page is drawn in a worker thread: it must still be in the peer's words.
    bot = short
    _, worker, peer = await bot.team()
    asked = await peer.send("/language")
    await peer.press("Cymraeg", message=asked[-1])
    await log_strategies(bot, peer, {"Cerdded wrth y gamlas": ["helped"]})
    await complete_programme(bot, worker)
    before = len(peer.messages)
    await bot.tick()
    pdf = next(m for m in peer.messages[before:] if m.document)
    page = PdfReader(io.BytesIO(pdf.document or b"")).pages[0].extract_text()
    assert page.startswith("Fy mlwch offer\nWedi'i baratoi ar gyfer Sam")
    assert page.endswith("• 999 mewn argyfwng")  # the crisis contacts, in Welsh too
