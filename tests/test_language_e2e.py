"""Each person in their own language, through the real bot (issue 16): a Telegram language
we ship is theirs from the first word, /language switches both ways, and what the bot
sends on its own (reminders, summaries, the digest) goes in the recipient's language."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import select

from bot.localapi import BotMessage, Person as Actor
from storage.models import Person
from tests.harness import Harness, token_in

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 09:00 in London


def labels(message: BotMessage) -> list[str]:
    return [button.text for row in message.buttons for button in row]


def menu(bot: Harness, actor: Actor) -> dict[str, str]:
    scope = {"type": "chat", "chat_id": actor.chat_id}
    return {c["command"]: c["description"] for c in bot.api.commands(scope)}


async def language_of(bot: Harness, actor: Actor) -> str | None:
    async with bot.uow() as uow:
        person = await uow.session.scalar(select(Person).where(Person.telegram_id == actor.user_id))
        assert person is not None
        return person.language


async def welsh_team(bot: Harness) -> tuple[Actor, Actor, Actor]:
    """A coordinator, a peer worker and a peer whose Telegram speaks Welsh, joined by link."""
    chris = bot.api.person("Chris", language_code="cy")
    await chris.send(f"/start {await bot.coordinator_invitation()}")
    wren = bot.api.person("Wren", language_code="cy")
    invitation = await chris.send("/invite")
    await wren.send(f"/start {token_in(invitation[0].text)}")
    added = await wren.send("/addpeer Sam")
    sam = bot.api.person("Sam", language_code="cy-GB")
    await sam.send(f"/start {token_in(added[0].text)}")
    return chris, wren, sam


async def test_a_welsh_speaker_is_greeted_joined_and_kept_in_welsh(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    stranger = bot.api.person("Sam", language_code="cy")
    (hello,) = await stranger.send("/start")
    assert hello.text is not None
    assert hello.text.startswith("Helo! Bot Riverside Peer Support ydw i.")
    assert "Does neb yn gwylio'r sgwrs hon ddydd a nos." in hello.text
    assert "0808 164 0123" in hello.text  # Samaritans' Welsh line

    chris, wren, sam = await welsh_team(bot)
    assert chris.messages[0].text.startswith("Croeso, Chris! Rydych chi wedi ymuno fel cydlynydd.")
    assert "Dyma wahoddiad untro ar gyfer gweithiwr cymheiriaid newydd." in chris.messages[1].text
    assert wren.messages[1].text.startswith("Rydw i wedi ychwanegu Sam, gyda rhaglen o 10 sesiwn.")
    welcome, offer = (m.text for m in sam.messages[-2:])
    assert welcome.startswith("Croeso, Sam! Rydych chi bellach wedi'ch cysylltu")
    assert "gyda Wren." in welcome
    assert offer.startswith("Hoffech chi gael nodiadau atgoffa cyn eich sesiynau?")
    for actor in (chris, wren, sam):
        assert await language_of(bot, actor) == "cy"
    assert menu(bot, sam)["next"] == "Eich sesiwn nesaf"
    assert menu(bot, wren)["diary"] == "Eich sesiynau i ddod"
    assert menu(bot, chris)["language"] == "Yr iaith rydw i'n ei siarad â chi"

    (helped,) = await sam.send("/help")
    assert helped.text.startswith("Rydych chi yma fel cymar. Beth galla i ei wneud:")
    assert "/language — Yr iaith rydw i'n ei siarad â chi" in helped.text


async def test_the_strangers_menu_is_set_in_each_language_we_ship(bot: Harness) -> None:
    default = {c["command"]: c["description"] for c in bot.api.commands()}
    welsh = {c["command"]: c["description"] for c in bot.api.commands(None, "cy")}
    english = {c["command"]: c["description"] for c in bot.api.commands(None, "en")}
    assert default == english == {"start": "About this bot", "help": "Help and crisis contacts"}
    assert welsh == {"start": "Am y bot hwn", "help": "Help a chysylltiadau mewn argyfwng"}


async def test_language_switches_to_welsh_and_back(bot: Harness) -> None:
    _, _, peer = await bot.team()
    (asked,) = await peer.send("/language")
    assert asked.text == "I'm speaking English with you. Which language would you like?"
    assert labels(asked) == ["✓ English", "Cymraeg"]

    (switched,) = await peer.press("Cymraeg", message=asked)
    assert switched.text == "Dyna ni: fe siarada i Cymraeg â chi o hyn ymlaen."
    assert labels(switched) == ["English", "✓ Cymraeg"]
    assert await language_of(bot, peer) == "cy"
    assert menu(bot, peer)["sessions"] == "Eich sesiynau"
    (nothing,) = await peer.send("/next")
    assert nothing.text == (
        "Does gennych chi ddim sesiwn i ddod ar hyn o bryd. "
        "Bydd eich gweithiwr cymheiriaid yn trefnu'r nesaf."
    )

    (asked,) = await peer.send("/language")
    assert asked.text == "Rydw i'n siarad Cymraeg â chi. Pa iaith hoffech chi?"
    (back,) = await peer.press("English", message=asked)
    assert back.text == "Done: I'll speak English with you from now on."
    assert await language_of(bot, peer) == "en"
    assert menu(bot, peer)["sessions"] == "Your sessions"
    (nothing,) = await peer.send("/next")
    assert nothing.text == (
        "You have no upcoming session at the moment. Your peer worker will arrange the next one."
    )


async def test_a_stored_language_wins_over_telegram_s(bot: Harness) -> None:
    _, _, peer = await bot.team()  # joined with an English Telegram
    asked = await peer.send("/language")
    await peer.press("Cymraeg", message=asked[0])
    (mine,) = await peer.send("/mydata")
    assert (
        mine.text
        == "Dyma bopeth rydw i'n ei gadw amdanoch chi, fel ffeil y gallwch ei hagor a'i chadw."
    )
    assert mine.document is not None and b'"language": "cy"' in mine.document


async def test_a_forged_language_button_changes_nothing(bot: Harness) -> None:
    _, _, peer = await bot.team()
    (asked,) = await peer.send("/language")
    await peer.press_data("lang:set:9", message=asked)
    assert peer.last_answer == "This has changed, so nothing was done."
    assert await language_of(bot, peer) == "en"  # as joined, from Telegram's language


async def test_what_the_bot_sends_on_its_own_is_in_each_recipient_s_language(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    chris, wren, sam = await welsh_team(bot)
    panel = await sam.send("/reminders")
    await sam.press("Awr cyn", message=panel[0])  # an hour before, the button in Welsh
    (booked,) = await wren.send("/schedule Sam 2026-12-01 13:00 60 Ystafell gymunedol")
    assert booked.text.startswith("Wedi'i threfnu: Maw 1 Rhag, 13:00 — Sam, Ystafell gymunedol")
    told = sam.messages[-1].text
    assert told.startswith("Mae sesiwn newydd wedi'i threfnu: sesiwn 1 o 10 gyda Wren\n")
    assert "Maw 1 Rhag, 13:00–14:00 (60 munud)" in told
    assert told.endswith("\nFyddwch chi yno?")

    bot.clock.set(TUESDAY.replace(hour=11))  # the summary, two hours before
    await bot.tick(2)
    summary = wren.messages[-1].text
    assert summary.startswith("Cyn eich sesiwn gyda Sam\nSesiwn 1 o 10\nMaw 1 Rhag, 13:00 (60 mun)")
    assert "Dim byd wedi'i gofnodi hyd yma." in summary

    bot.clock.set(TUESDAY.replace(hour=12))  # the reminder, an hour before
    await bot.tick(2)
    reminder = sam.messages[-1]
    assert reminder.text == (
        "Nodyn atgoffa, fel y gofynnoch chi: mae eich sesiwn yn dechrau ymhen tua awr.\n\n"
        "Dydd Mawrth 1 Rhagfyr am 13:00, Ystafell gymunedol, 60 munud gyda Wren.\n\n"
        "Fyddwch chi yno?"
    )
    assert labels(reminder)[:3] == ["Fe fydda i yno", "Aildrefnu", "Alla i ddim dod"]

    bot.clock.set(TUESDAY.replace(hour=14, minute=5))  # the outcome prompt, after it
    await bot.tick(2)
    prompt = wren.messages[-1]
    assert prompt.text == "Sut aeth y sesiwn gyda Sam ar Dydd Mawrth 1 Rhagfyr am 13:00?"
    assert labels(prompt) == ["Wedi'i chynnal", "Wedi'i cholli", "Wedi'i chanslo"]

    # The digest, its two charts (their titles, as each PNG's metadata says) and its CSV.
    digest = await chris.send("/digest")
    assert [m.text.split("\n")[0] for m in digest[:1]] == ["Crynodeb wythnosol"]
    charts = [m for m in digest if m.file is not None and m.file.data.startswith(b"\x89PNG")]
    titles = [Image.open(io.BytesIO(m.file.data)).text["Title"] for m in charts if m.file]
    welsh = ["Sesiynau", "Atgyfeiriadau ac amseroedd aros"]
    assert [title.split(",")[0] for title in titles] == welsh
    assert menu(bot, chris)["digest"] == "Y crynodeb wythnosol, nawr"
