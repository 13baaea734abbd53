"""The public link's consent as people really answer it: typed words, a double tap."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from storage.models import Referral
from tests.conftest import Clock
from tests.harness import Harness, running_bot
from tests.test_referrals_e2e import table_counts


@pytest.fixture
async def service(database_url: str, clock: Clock) -> AsyncIterator[Harness]:
    async with running_bot(database_url, clock, self_referral=True) as harness:
        yield harness


async def referrals(bot: Harness) -> list[tuple[str, str]]:
    async with bot.uow() as uow:
        return [(r.first_name, r.state) for r in await uow.session.scalars(select(Referral))]


async def test_typing_yes_please_at_the_consent_works_like_the_button(service: Harness) -> None:
    jo = service.api.person("Joanna")
    before = await table_counts(service)
    await jo.send("/start refer")
    replies = await jo.send("yes please")
    # Nothing is kept before the press, not even that they were asked: what is kept, and
    # the buttons, again.
    assert replies[0].text == (
        "To go on the list, please press Yes, please. Nothing is kept until you do."
    )
    assert replies[1].text.startswith("If you ask, I keep your first name")
    assert [b.text for b in replies[1].buttons[0]] == ["Yes, please", "Not now"]
    assert await table_counts(service) == before
    await jo.press("Yes, please")
    assert "What first name should we call you?" in jo.last.text
    await jo.send("Jo")
    assert await referrals(service) == [("Jo", "waiting")]


async def test_typing_not_now_at_the_consent_keeps_nothing(service: Harness) -> None:
    robin = service.api.person("Robin")
    before = await table_counts(service)
    await robin.send("/start refer")
    replies = await robin.send("not now, thanks")
    assert "Nothing has been kept" in replies[0].text
    assert await table_counts(service) == before


async def test_a_double_tap_on_yes_please_keeps_one_referral(service: Harness) -> None:
    jo = service.api.person("Joanna")
    await jo.send("/start refer")
    consent = next(m for m in reversed(jo.messages) if m.buttons)
    yes = consent.buttons[0][0].callback_data or ""
    await jo.press_data(yes, message=consent)
    await jo.press_data(yes, message=consent)
    await jo.send("Jo")
    assert await referrals(service) == [("Jo", "waiting")]
    assert "Thank you, Jo. You're on the list" in jo.last.text
