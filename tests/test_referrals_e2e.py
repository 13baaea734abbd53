"""Referrals and matching end to end (SPEC §2): from /refer or the public link to a first
session, declines, capacity, closing, and a peer coming back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.localapi import Person as ChatPerson
from storage.models import Base, Programme, Referral, Strategy
from tests.conftest import Clock
from tests.harness import Harness, running_bot, token_in


@pytest.fixture
async def service(database_url: str, clock: Clock) -> AsyncIterator[Harness]:
    """The bot of a service that takes self-referrals."""
    async with running_bot(database_url, clock, self_referral=True) as harness:
        yield harness


async def staff(bot: Harness, *workers: str) -> tuple[ChatPerson, list[ChatPerson]]:
    coordinator = await bot.join_coordinator()
    return coordinator, [await bot.join_worker(coordinator, name) for name in workers]


async def offer(bot: Harness, coordinator: ChatPerson, name: str, worker_button: str) -> None:
    await coordinator.send("/referrals")
    await coordinator.press(f"Match {name}")
    await coordinator.press(worker_button)


async def first_session_is_one_of_ten(
    bot: Harness, worker: ChatPerson, peer: ChatPerson, name: str
) -> None:
    day = (bot.clock() + timedelta(days=7)).date().isoformat()
    replies = await worker.send(f"/schedule {name} {day} 10:00 60 Community room")
    assert replies, "the worker heard nothing back from /schedule"
    replies = await peer.send("/next")
    assert "session 1 of 10" in replies[0].text, replies[0].text


async def table_counts(bot: Harness) -> dict[str, int]:
    async with bot.uow() as uow:
        return {
            table.name: int(await uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


async def test_a_gp_referral_goes_from_refer_to_a_first_session(service: Harness) -> None:
    coordinator, (wren,) = await staff(service, "Wren")
    replies = await wren.send("/refer Sam GP")
    assert "Sam is on the list (GP)" in replies[0].text

    replies = await coordinator.send("/referrals")
    assert "• Sam: GP, waiting 0 days" in replies[0].text
    replies = await coordinator.press("Match Sam")
    assert "Wren: 0 of 6, next free" in replies[0].text
    replies = await coordinator.press("Wren (0 of 6)")
    assert "Offered Sam to Wren" in replies[0].text
    assert "asks whether you could take Sam (GP, waiting 0 days)" in wren.last.text

    replies = await wren.press("Accept")
    assert "Sam is added, with a programme of 10 sessions" in replies[0].text
    assert replies[1].file is not None and replies[1].file.data.startswith(b"\x89PNG")
    assert "Wren accepted Sam" in coordinator.last.text

    sam = service.api.person("Sam")
    replies = await sam.send(f"/start {token_in(replies[0].text)}")
    assert "Welcome, Sam!" in replies[0].text and "with Wren" in replies[0].text
    await first_session_is_one_of_ten(service, wren, sam, "Sam")
    async with service.uow() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        assert (referral.state, referral.source, referral.programme_id) == ("matched", "gp", 1)


async def test_a_self_referral_goes_from_the_public_link_to_a_first_session(
    service: Harness,
) -> None:
    coordinator, (wren,) = await staff(service, "Wren")
    jo = service.api.person("Joanna")
    replies = await jo.send("/start refer")
    assert "Peer support is one-to-one time with a peer worker" in replies[0].text
    assert "not watched around the clock" in replies[1].text and "116 123" in replies[1].text
    replies = await jo.press("Yes, please")
    assert "What first name should we call you?" in jo.last.text
    replies = await jo.send("Jo")
    assert "Thank you, Jo. You're on the list" in replies[0].text
    assert "usually wait" not in replies[0].text  # fewer than five past waits
    replies = await jo.send("/next")
    assert "You're on the list already" in replies[0].text

    await offer(service, coordinator, "Jo", "Wren (0 of 6)")
    assert "Jo (self-referral, waiting 0 days)" in wren.last.text
    replies = await wren.press("Accept")
    assert "Jo is now your peer" in replies[0].text
    assert "Wren will be your peer worker" in jo.last.text
    await first_session_is_one_of_ten(service, wren, jo, "Jo")


async def test_not_now_stores_nothing_at_all(service: Harness) -> None:
    await staff(service, "Wren")
    before = await table_counts(service)
    stranger = service.api.person("Robin")
    await stranger.send("/start refer")
    replies = await stranger.press("Not now")
    assert "Nothing has been kept" in stranger.last.text
    assert replies
    assert await table_counts(service) == before


async def test_without_self_referral_the_public_link_is_answered_as_a_stranger(
    bot: Harness,
) -> None:
    before = await table_counts(bot)
    replies = await bot.api.person("Robin").send("/start refer")
    assert [m.text for m in replies] == [
        "Hello! I'm the bot of Riverside Peer Support. I can only chat with people who have "
        "joined by invitation.\nIf you'd like support, please ask the service for an "
        "invitation link."
    ]
    assert await table_counts(bot) == before


async def test_a_worker_declines_and_another_accepts(service: Harness) -> None:
    coordinator, (wren, kit) = await staff(service, "Wren", "Kit")
    await coordinator.send("/refer Alex community team")
    await offer(service, coordinator, "Alex", "Wren (0 of 6)")
    replies = await wren.press("Not this time")
    assert "Alex goes back on the list" in replies[0].text
    assert "Wren can't take Alex this time" in coordinator.last.text

    replies = await coordinator.send("/referrals")
    assert "• Alex: community team" in replies[0].text
    await coordinator.press("Match Alex")
    await coordinator.press("Kit (0 of 6)")
    replies = await kit.press("Accept")
    assert "Alex is added" in replies[0].text
    async with service.uow() as uow:
        programme = await uow.session.scalar(select(Programme))
        assert programme is not None
        kit_person = await uow.people.by_telegram_id(kit.user_id)
        assert kit_person is not None and programme.worker_id == kit_person.id


async def test_a_worker_at_capacity_needs_a_confirming_warning(service: Harness) -> None:
    coordinator, (wren,) = await staff(service, "Wren")
    await wren.send("/settings")
    replies = await wren.press("Capacity")
    assert "How many peers" in replies[0].text
    replies = await wren.press("2")
    assert "Capacity: 2 peers at once" in replies[0].text
    await wren.send("/addpeer Ash")
    await wren.send("/addpeer Bo")
    await coordinator.send("/refer Sam GP")
    await coordinator.send("/referrals")
    await coordinator.press("Match Sam")
    replies = await coordinator.press("Wren (2 of 2)")
    assert "Wren already has 2 peers, and their capacity is 2" in replies[0].text
    async with service.uow() as uow:
        assert (await uow.session.scalar(select(Referral.state))) == "waiting"
    replies = await coordinator.press("Yes, offer to Wren")
    assert "Offered Sam to Wren" in replies[0].text
    assert "You have 2 of 2 peers now" in wren.last.text


async def test_a_coordinator_closes_a_referral_with_a_reason(service: Harness) -> None:
    coordinator, _workers = await staff(service, "Wren")
    await coordinator.send("/refer Sam self")
    await coordinator.send("/referrals")
    await coordinator.press("Close Sam")
    replies = await coordinator.press("Referred elsewhere")
    assert "Sam's referral is closed: referred elsewhere." in replies[0].text
    replies = await coordinator.send("/referrals")
    assert "Nobody is waiting" in replies[0].text


async def test_refer_without_a_name_gets_a_short_guide(service: Harness) -> None:
    coordinator, _workers = await staff(service)
    replies = await coordinator.send("/refer")
    assert "/refer Sam GP" in replies[0].text
    assert (await table_counts(service))["referrals"] == 0


async def test_a_peer_coming_back_starts_at_session_1_with_their_strategies(
    service: Harness,
) -> None:
    coordinator, (wren,) = await staff(service, "Wren")
    sam = await service.join_peer(wren)
    async with service.uow() as uow:
        programme = await uow.session.scalar(select(Programme))
        assert programme is not None
        programme.state, programme.ended_at = "completed", service.clock()
        now = service.clock()
        uow.session.add(
            Strategy(peer_id=programme.peer_id, name="Walk", created_at=now, last_used_at=now)
        )
        await uow.commit()

    await sam.send("/start refer")
    await sam.press("Yes, please")
    assert "Thank you, Sam. You're on the list" in sam.last.text
    await offer(service, coordinator, "Sam", "Wren (0 of 6)")
    await wren.press("Accept")
    assert "Wren will be your peer worker" in sam.last.text
    await first_session_is_one_of_ten(service, wren, sam, "Sam")
    async with service.uow() as uow:
        peers = set(await uow.session.scalars(select(Programme.peer_id)))
        strategies = list(await uow.session.scalars(select(Strategy.peer_id)))
        assert len(peers) == 1 and strategies == list(peers)
