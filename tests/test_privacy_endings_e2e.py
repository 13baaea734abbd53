"""Privacy follows the journey (#14.7): /mydata shows the referral, the ending and the
answers; /forget erases them but leaves the anonymous figures; a self-referred person who
is still waiting can take and erase their data too."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import EndingAnswers, Person, Programme, Referral
from tests import factories
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def refer(bot: Harness, person_id: int | None, **values: object) -> None:
    async with bot.uow() as uow:
        row = Referral(
            first_name=str(values.get("first_name", "Sam")),
            source=str(values.get("source", "gp")),
            state=str(values.get("state", "matched")),
            person_id=person_id,
            created_at=TUESDAY - timedelta(days=20),
            matched_at=TUESDAY - timedelta(days=6) if values.get("state") is None else None,
        )
        uow.session.add(row)
        await uow.commit()


async def person_id(bot: Harness, telegram_id: int) -> int:
    async with bot.uow() as uow:
        me = await uow.people.by_telegram_id(telegram_id)
        assert me is not None
        me.language = "en"
        await uow.commit()
        return me.id


async def test_mydata_shows_the_referral_the_ending_and_the_answers_and_forget_erases_them(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    me = await person_id(bot, peer.user_id)
    await refer(bot, me)
    await worker.send("/close Sam")
    await worker.press("They've moved on")
    await worker.press("Yes, close it")
    await bot.tick()
    await peer.press("5")
    await peer.press("Yes")
    await peer.send("Thank you, Wren.")

    [reply] = await peer.send("/mydata")
    data = json.loads(reply.document or b"")
    assert data["profile"]["language"] == "en"
    [referral] = data["referrals"]
    assert (referral["first_name"], referral["referred_by"], referral["state"]) == (
        "Sam",
        "GP",
        "matched",
    )
    [programme] = data["programmes"]
    assert (programme["state"], programme["ended_early_because"]) == ("closed", "moved on")
    answers = programme["your_answers_at_the_end"]
    assert answers["how_much_peer_support_helped_1_to_5"] == 5
    assert answers["would_recommend_it"] == "yes"
    assert answers["anything_youd_like_to_say"] == "Thank you, Wren."
    # The peer worker's own file shows the ending, never the peer's answers.
    [theirs] = await worker.send("/mydata")
    text = (theirs.document or b"").decode()
    assert "moved on" in text and "Thank you, Wren" not in text and "answers" not in text

    [ask] = await peer.send("/forget")
    assert "• your referral, and what you wrote at the end of a programme" in ask.text
    await peer.press("Yes, erase my data")
    async with bot.uow() as uow:
        [row] = list(await uow.session.scalars(select(EndingAnswers)))
        [kept] = list(await uow.session.scalars(select(Referral)))
        programme_row = await uow.session.scalar(select(Programme))
    # The two figures stay, anonymous: no comment, no programme to tie them to anyone.
    assert (row.helped, row.recommend, row.comment, row.programme_id) == (5, "yes", None, None)
    assert (kept.first_name, kept.person_id, kept.source, kept.state) == ("", None, "gp", "matched")
    assert programme_row is not None and programme_row.close_reason == "moved_on"


async def test_a_self_referred_person_still_waiting_can_take_and_erase_their_data(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    alex = bot.api.person("Alex")
    async with bot.uow() as uow:
        row = await factories.person(uow, "peer", "Alex", telegram_id=alex.user_id, now=TUESDAY)
        uow.session.add(
            Referral(
                first_name="Alex",
                source="self",
                state="waiting",
                person_id=row.id,
                created_at=TUESDAY,
            )
        )
        await uow.commit()
        me = row.id

    [reply] = await alex.send("/mydata")
    data = json.loads(reply.document or b"")
    assert data["programmes"] == []
    [referral] = data["referrals"]
    assert (referral["first_name"], referral["referred_by"], referral["state"]) == (
        "Alex",
        "yourself",
        "waiting",
    )

    [ask] = await alex.send("/forget")
    assert "can't be undone" in ask.text
    [done] = await alex.press("Yes, erase my data")
    assert done.text.startswith("Done: your data is erased")
    async with bot.uow() as uow:
        [kept] = list(await uow.session.scalars(select(Referral)))
        person = await uow.session.get(Person, me)
    # Off the list (closed as no longer wanted), still counted, nothing to say who it was.
    assert (kept.first_name, kept.person_id, kept.state, kept.close_reason) == (
        "",
        None,
        "closed",
        "not_wanted",
    )
    assert person is not None and person.left_at is not None and person.display_name is None
    [again] = await alex.send("/mydata")
    assert "only chat with people who have joined" in again.text
