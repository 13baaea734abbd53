"""More of referrals end to end: a peer referred again by their worker, the usual wait, a
race seen from the chat, and peer workers' capacity and safety check-ins in /settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.models import Person, Programme, Referral, Strategy, WorkerPrefs
from tests.conftest import Clock
from tests.harness import Harness, running_bot, token_in
from tests.test_referrals_e2e import first_session_is_one_of_ten, offer, staff


@pytest.fixture
async def service(database_url: str, clock: Clock) -> AsyncIterator[Harness]:
    async with running_bot(database_url, clock, self_referral=True, safety_checkins=True) as h:
        yield h


async def test_a_peer_referred_again_by_their_worker_joins_the_new_programme(
    service: Harness,
) -> None:
    coordinator, (wren,) = await staff(service, "Wren")
    sam = await service.join_peer(wren)
    async with service.uow() as uow:
        programme = await uow.session.scalar(select(Programme))
        assert programme is not None
        programme.state = "closed"
        now = service.clock()
        uow.session.add(
            Strategy(peer_id=programme.peer_id, name="Walk", created_at=now, last_used_at=now)
        )
        sam_id = programme.peer_id
        await uow.commit()

    await wren.send("/refer Sam GP")
    await offer(service, coordinator, "Sam", "Wren (0 of 6)")
    replies = await wren.press("Accept")
    replies = await sam.send(f"/start {token_in(replies[0].text)}")
    assert "Welcome, Sam!" in replies[0].text and "with Wren" in replies[0].text
    await first_session_is_one_of_ten(service, wren, sam, "Sam")
    async with service.uow() as uow:
        owners = list(await uow.session.scalars(select(Programme.peer_id)))
        peers = list(await uow.session.scalars(select(Person.id).where(Person.role == "peer")))
        strategies = list(await uow.session.scalars(select(Strategy.peer_id)))
        referral = await uow.session.scalar(select(Referral))
    assert owners == [sam_id, sam_id] and peers == [sam_id] and strategies == [sam_id]
    assert referral is not None and referral.person_id == sam_id


async def test_the_usual_wait_is_told_once_there_are_five_past_waits(service: Harness) -> None:
    await staff(service, "Wren")
    async with service.uow() as uow:
        now = service.clock()
        for n in range(5):
            uow.referrals.add(
                Referral(
                    first_name=f"P{n}",
                    source="gp",
                    state="matched",
                    created_at=now - timedelta(days=40),
                    matched_at=now - timedelta(days=40 - 14),
                )
            )
        await uow.commit()
    jo = service.api.person("Jo")
    await jo.send("/start refer")
    await jo.press("Yes, please")
    replies = await jo.send("Jo")
    assert "People usually wait about 2 weeks." in replies[0].text


async def test_the_slower_coordinator_is_told_it_has_changed(service: Harness) -> None:
    chris, (wren,) = await staff(service, "Wren")
    dana = await service.join_worker(chris, "Dana")  # a worker's account, made coordinator
    async with service.uow() as uow:
        person = await uow.people.by_telegram_id(dana.user_id)
        assert person is not None
        person.role = "coordinator"
        await uow.commit()
    await chris.send("/refer Sam GP")
    await chris.send("/referrals")
    await dana.send("/referrals")
    await chris.press("Match Sam")
    await dana.press("Match Sam")
    await chris.press("Wren (0 of 6)")
    await dana.press("Wren (0 of 6)")
    assert dana.last_answer == "This has changed, so nothing was done."
    assert sum("asks whether you could take Sam" in (m.text or "") for m in wren.messages) == 1


async def test_a_worker_turns_safety_checkins_on_in_settings(service: Harness) -> None:
    _coordinator, (wren,) = await staff(service, "Wren")
    replies = await wren.send("/settings")
    assert "• Capacity: 6 peers at once." in replies[0].text
    assert "• Safety check-ins: off." in replies[0].text
    replies = await wren.press("Safety check-ins: off")
    assert "• Safety check-ins: on." in replies[0].text
    async with service.uow() as uow:
        assert (await uow.session.scalar(select(WorkerPrefs.safety_checkins))) is True


async def test_without_safety_checkins_settings_offer_no_such_button(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()
    wren = await bot.join_worker(coordinator)
    replies = await wren.send("/settings")
    assert "Safety check-ins" not in replies[0].text
    labels = [b.text for row in replies[0].buttons for b in row]
    assert "Capacity" in labels and not any("Safety" in label for label in labels)


async def test_an_offer_not_yet_answered_stays_on_the_list_and_can_go_to_another(
    service: Harness,
) -> None:
    coordinator, (wren, kit) = await staff(service, "Wren", "Kit")
    await coordinator.send("/refer Sam GP")
    await offer(service, coordinator, "Sam", "Wren (0 of 6)")
    replies = await coordinator.send("/referrals")
    assert "• Sam: GP, waiting 0 days, offered to Wren" in replies[0].text
    await coordinator.press("Match Sam")
    await coordinator.press("Kit (0 of 6)")
    wren_offer = next(m for m in reversed(wren.messages) if m.has_inline_keyboard)
    await wren.press("Accept", message=wren_offer)
    assert wren.last_answer == "This has changed, so nothing was done."
    replies = await kit.press("Accept")
    assert "Sam is added" in replies[0].text


async def test_a_person_on_the_list_can_help_mydata_and_forget_and_is_told_kindly(
    service: Harness,
) -> None:
    jo = service.api.person("Jo")
    await jo.send("/start refer")
    await jo.press("Yes, please")
    await jo.send("Jo")
    for command in ("/next", "/sessions", "/log", "/reminders", "/calendar", "/stop"):
        replies = await jo.send(command)
        assert [m.text for m in replies] == [
            "You're on the list already, and a coordinator will match you with a peer worker. "
            "Until then, /help, /mydata and /forget work any time."
        ], command
    replies = await jo.send("/help")
    assert "116 123" in replies[0].text
    replies = await jo.send("/mydata")
    assert any(m.kind == "document" for m in replies)
    replies = await jo.send("/forget")
    assert replies and replies[-1].has_inline_keyboard
