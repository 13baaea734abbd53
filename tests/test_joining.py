"""Joining by invitation, end to end: coordinator → peer worker → peer (SPEC §2)."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Invitation, Person, Programme
from tests.harness import Harness, token_in


async def count(harness: Harness, model: type) -> int:
    async with harness.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_whole_chain_joins_by_link_and_each_is_greeted_by_role(bot: Harness) -> None:
    coordinator = bot.api.person("Chris")
    replies = await coordinator.send(f"/start {await bot.coordinator_invitation()}")
    assert "joined as a coordinator" in replies[0].text
    assert "116 123" in replies[0].text

    replies = await coordinator.send("/invite")
    assert "one-time invitation for a new peer worker" in replies[0].text
    assert f"https://t.me/{bot.api.bot_username}?start=" in replies[0].text
    assert replies[1].photo is not None and replies[1].photo.startswith(b"\x89PNG")

    worker = bot.api.person("Wren")
    replies = await worker.send(f"/start {token_in(replies[0].text)}")
    assert "joined as a peer worker" in replies[0].text

    replies = await worker.send("/addpeer Sam Taylor")
    assert "Sam Taylor is added, with a programme of 10 sessions" in replies[0].text
    assert replies[1].photo is not None and replies[1].photo.startswith(b"\x89PNG")

    peer = bot.api.person("Samuel")
    replies = await peer.send(f"/start {token_in(replies[0].text)}")
    assert "Welcome, Sam Taylor!" in replies[0].text
    assert "with Wren" in replies[0].text
    assert "Reminders are off" in replies[0].text
    assert "not watched around the clock" in replies[0].text

    async with bot.uow() as uow:
        people = (await uow.session.scalars(select(Person).order_by(Person.id))).all()
        assert [(p.role, p.telegram_id) for p in people] == [
            ("coordinator", coordinator.user_id),
            ("worker", worker.user_id),
            ("peer", peer.user_id),
        ]
        programme = await uow.session.scalar(select(Programme))
        assert programme is not None
        assert (programme.peer_id, programme.worker_id) == (people[2].id, people[1].id)
        assert programme.planned_sessions == 10 and programme.state == "active"
        invitations = (await uow.session.scalars(select(Invitation))).all()
        assert len(invitations) == 3 and all(i.used_at is not None for i in invitations)


async def test_tokens_are_stored_only_as_hashes(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()
    replies = await coordinator.send("/invite")
    token = token_in(replies[0].text)
    assert len(token) >= 22  # 128 bits in URL-safe base64
    async with bot.uow() as uow:
        hashes = list(await uow.session.scalars(select(Invitation.token_hash)))
    assert len(hashes) == 2 and token not in hashes
    assert all(token not in h for h in hashes)


async def test_a_used_invitation_gets_one_clear_sentence_and_creates_nothing(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()
    token = token_in((await coordinator.send("/invite"))[0].text)
    await bot.api.person("Wren").send(f"/start {token}")
    before = await count(bot, Person)

    replies = await bot.api.person("Mallory").send(f"/start {token}")
    assert [m.text for m in replies] == [
        "That invitation has already been used. Please ask for a new link."
    ]
    assert await count(bot, Person) == before


async def test_an_expired_invitation_is_refused(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()
    token = token_in((await coordinator.send("/invite"))[0].text)
    bot.clock.advance(days=14, seconds=1)

    replies = await bot.api.person("Wren").send(f"/start {token}")
    assert replies[0].text == "That invitation has expired. Please ask for a new link."
    async with bot.uow() as uow:
        assert await uow.people.count_by_role("worker") == 0


async def test_garbage_and_unknown_tokens_are_refused(bot: Harness) -> None:
    stranger = bot.api.person("Robin")
    replies = await stranger.send("/start not-a-token!")
    assert replies[0].text.startswith("That invitation link looks incomplete")
    replies = await stranger.send("/start " + "A" * 32)
    assert replies[0].text == "I don't recognise that invitation. Please ask for a new link."
    replies = await stranger.send("/start " + "x" * 4000)
    assert replies[0].text.startswith("That invitation link looks incomplete")
    assert await count(bot, Person) == 0


async def test_a_stranger_gets_a_polite_explanation_and_nothing_is_stored(bot: Harness) -> None:
    stranger = bot.api.person("Robin")
    for text in ("hello", "/next", "/invite", "/addpeer Sam", "/log"):
        replies = await stranger.send(text)
        assert len(replies) == 1
        assert "only chat with people who have joined by invitation" in replies[0].text
    replies = await stranger.send("/start")
    assert "open the invitation link" in replies[0].text
    assert "116 123" in replies[0].text
    assert await count(bot, Person) == 0
    assert await count(bot, Invitation) == 0


async def test_help_shows_each_roles_commands_and_the_crisis_contacts(bot: Harness) -> None:
    coordinator, worker, peer = await bot.team()
    stranger = bot.api.person("Robin")
    helps = {
        who: (await person.send("/help"))[0].text
        for who, person in [
            ("coordinator", coordinator),
            ("worker", worker),
            ("peer", peer),
            ("stranger", stranger),
        ]
    }
    for text in helps.values():
        assert "Samaritans: call 116 123" in text
        assert "NHS 111, option 2" in text
        assert "999 in an emergency" in text
        assert "not watched around the clock" in text
    assert "/invite" in helps["coordinator"] and "/addpeer" not in helps["coordinator"]
    assert "/addpeer" in helps["worker"] and "/invite" not in helps["worker"]
    assert "/invite" not in helps["peer"] and "/addpeer" not in helps["peer"]
    assert "peer worker" in helps["worker"]


async def test_each_role_gets_its_own_command_menu(bot: Harness) -> None:
    coordinator, worker, peer = await bot.team()

    def menu(person: object) -> list[str]:
        scope = {"type": "chat", "chat_id": person.chat_id}  # type: ignore[attr-defined]
        return [c["command"] for c in bot.api.commands(scope)]

    assert "invite" in menu(coordinator)
    assert "addpeer" in menu(worker) and "invite" not in menu(worker)
    assert "help" in menu(peer) and "addpeer" not in menu(peer)
    assert [c["command"] for c in bot.api.commands()] == ["start", "help"]


async def test_staff_commands_are_refused_to_other_roles(bot: Harness) -> None:
    coordinator, worker, peer = await bot.team()
    for person, command in [
        (peer, "/invite"),
        (worker, "/invite"),
        (peer, "/addpeer Jo"),
        (coordinator, "/addpeer Jo"),
    ]:
        replies = await person.send(command)
        assert replies[0].text.startswith("That's not something I can do for you")
    async with bot.uow() as uow:
        assert await uow.people.count_by_role("peer") == 1


async def test_addpeer_needs_a_usable_name(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()
    worker = await bot.join_worker(coordinator)
    replies = await worker.send("/addpeer")
    assert (
        replies[0].text == "Please add the peer's name after the command, like this: /addpeer Sam"
    )
    replies = await worker.send("/addpeer " + "x" * 65)
    assert "keep it to 64 characters" in replies[0].text
    await worker.send("/addpeer Sam")
    replies = await worker.send("/addpeer  sam ")
    assert "You already have a peer called sam" in replies[0].text
    assert await count(bot, Programme) == 1


async def test_an_account_that_joined_cannot_take_a_second_role(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()
    token = token_in((await coordinator.send("/invite"))[0].text)
    replies = await coordinator.send(f"/start {token}")
    assert "already joined as a coordinator" in replies[0].text
    worker = bot.api.person("Wren")
    replies = await worker.send(f"/start {token}")
    assert "joined as a peer worker" in replies[0].text


async def test_a_peer_is_asked_once_about_reminders_and_no_thanks_is_an_answer(
    bot: Harness,
) -> None:
    from storage.models import ReminderPrefs

    coordinator = await bot.join_coordinator()
    worker = await bot.join_worker(coordinator)
    token = token_in((await worker.send("/addpeer Sam"))[0].text)
    peer = bot.api.person("Sam")
    replies = await peer.send(f"/start {token}")
    assert replies[-1].text.startswith("Would you like reminders before your sessions?")
    assert [b.text for row in replies[-1].buttons for b in row] == [
        "The day before",
        "On the morning",
        "An hour before",
        "No thanks",
    ]
    await peer.press("No thanks")
    assert peer.last.text.startswith("Okay, no reminders.")
    async with bot.uow() as uow:
        prefs = (await uow.session.scalars(select(ReminderPrefs))).all()
    assert all(not (p.day_before or p.morning or p.hour_before) for p in prefs)

    replies = await peer.send("/start")
    assert not any("Would you like reminders" in (m.text or "") for m in replies)
    assert not any("Would you like reminders" in (m.text or "") for m in worker.messages)


async def test_an_edited_message_is_not_a_new_request(bot: Harness) -> None:
    coordinator = await bot.join_coordinator()
    worker = await bot.join_worker(coordinator)
    await worker.send("/addpeer Sam")
    edited = {
        "message_id": 1,
        "date": 0,
        "edit_date": 1,
        "chat": bot.api.chat_json(worker.chat_id),
        "from": dict(worker.user),
        "text": "/addpeer Jo",
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
    }
    bot.api.enqueue_update("edited_message", edited)
    await worker.expect_silence(1.0)
    assert await count(bot, Programme) == 1
