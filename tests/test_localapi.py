"""Tests for the local Bot API server, driven by real PTB clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.request import HTTPXRequest

from bot.localapi import LocalBotApi, Person, watch_application

pytestmark = pytest.mark.asyncio

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x03"
    b"\x08\x02\x00\x00\x00\x00\x00\x00\x00"
)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def test_get_me_and_wrong_token(api: LocalBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (api.bot_id, "peerbot_local_bot", True)
    assert api.port != 0 and api.base_url == f"http://127.0.0.1:{api.port}/bot"
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass


async def test_send_message_with_keyboard_and_edit(api: LocalBotApi, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes please", callback_data="yes")],
            [InlineKeyboardButton("Docs", url="https://example.org")],
        ]
    )
    # Text that looks like JSON must stay text.
    sent = await bot.send_message(42, '{"a": 1}', reply_markup=markup)
    assert sent.text == '{"a": 1}' and sent.chat.id == 42
    assert sent.reply_markup == markup
    assert sent.from_user is not None and sent.from_user.id == api.bot_id

    [msg] = api.chat(42)
    assert msg.text == '{"a": 1}' and msg.kind == "text"
    assert msg.button("Yes").callback_data == "yes"
    assert msg.button("Docs").url == "https://example.org"
    with pytest.raises(AssertionError, match="available buttons: 'Yes please', 'Docs'"):
        msg.button("Nope")

    edited = await bot.edit_message_text("changed", chat_id=42, message_id=sent.message_id)
    assert isinstance(edited, object) and api.chat(42)[0].text == "changed"
    assert api.chat(42)[0].edits == 1 and api.chat(42)[0].reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("changed", chat_id=42, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, "")
    assert await bot.delete_message(42, sent.message_id)
    assert api.chat(42)[0].deleted
    # Message ids are per chat.
    assert (await bot.send_message(7, "hi")).message_id == 1


async def test_photo_and_document_upload_and_download(api: LocalBotApi, bot: Bot) -> None:
    photo = await bot.send_photo(5, InputFile(PNG, filename="pic.png"), caption="look")
    doc = await bot.send_document(5, b"%PDF-1.4 data", filename="guide.pdf", caption="read")
    assert photo.caption == "look" and photo.photo[-1].width == 2 and photo.photo[-1].height == 3
    assert doc.document is not None and doc.document.file_name == "guide.pdf"
    assert doc.document.mime_type == "application/pdf"

    sent_photo, sent_doc = api.chat(5)
    assert (sent_photo.kind, sent_photo.photo, sent_photo.filename) == ("photo", PNG, "pic.png")
    assert (sent_doc.kind, sent_doc.document, sent_doc.filename) == (
        "document",
        b"%PDF-1.4 data",
        "guide.pdf",
    )
    assert sent_doc.text == "read"
    assert api.files[doc.document.file_id].data == b"%PDF-1.4 data"

    file = await bot.get_file(doc.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 data"
    pfile = await bot.get_file(photo.photo[-1].file_id)
    assert bytes(await pfile.download_as_bytearray()) == PNG

    # A known file_id is reused; an unknown one or a URL is only recorded.
    again = await bot.send_document(6, doc.document.file_id)
    assert again.document is not None and again.document.file_id == doc.document.file_id
    await bot.send_photo(6, "https://example.org/cat.jpg")
    by_url = api.chat(6)[1]
    assert by_url.photo is None and by_url.file is not None
    assert by_url.file.source == "https://example.org/cat.jpg"


async def test_commands_are_stored_per_scope(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("admin", "Admin tools")], scope=BotCommandScopeChat(77))
    assert [c["command"] for c in api.commands()] == ["start", "help"]
    assert api.commands({"type": "chat", "chat_id": 77}) == [
        {"command": "admin", "description": "Admin tools"}
    ]
    assert api.commands(language_code="de") == []
    got = await bot.get_my_commands(scope=BotCommandScopeChat(77))
    assert [c.command for c in got] == ["admin"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(77))
    assert api.commands({"type": "chat", "chat_id": 77}) == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Command", "x")])


async def test_unknown_method_is_bad_request(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)method not found"):
        await bot.do_api_request("noSuchMethod")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_failure_injection(api: LocalBotApi, bot: Bot) -> None:
    api.fail("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(1, "a")
    retry_after = excinfo.value.retry_after  # int, or timedelta with PTB_TIMEDELTA=1
    assert getattr(retry_after, "total_seconds", lambda: retry_after)() == 3
    await bot.send_message(1, "b")  # only the next call failed

    api.block(1)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(1, "c")
    await bot.send_message(2, "other chats unaffected")
    api.unblock(1)
    await bot.send_message(1, "d")

    api.fail("sendmessage", status=500, times=2, chat_id=3)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(3, "e")
    await bot.send_message(3, "f")
    assert [c.status for c in api.calls_to("sendMessage")] == [
        429,
        200,
        403,
        200,
        200,
        500,
        500,
        200,
    ]
    assert [m.text for m in api.chat(1)] == ["b", "d"]


async def test_delay_simulates_timeout_after_effect(api: LocalBotApi) -> None:
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(api.token, base_url=api.base_url, request=request) as slow:
        api.delay("sendMessage", 1.0)
        with pytest.raises(TimedOut):
            await slow.send_message(9, "maybe delivered")
    # Like Telegram, the message went out even though the answer never arrived.
    assert [m.text for m in api.chat(9)] == ["maybe delivered"]


async def test_get_updates_long_poll_and_offset(api: LocalBotApi, bot: Bot) -> None:
    alex = api.person("Alex")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()  # waiting for an update
    sent = asyncio.create_task(alex.send("/start@peerbot_local_bot hi", expect_reply=False))
    [update] = await asyncio.wait_for(poll, 2)
    assert update.message is not None and update.message.text == "/start@peerbot_local_bot hi"
    assert update.message.from_user is not None and update.message.from_user.id == alex.user_id
    entity = update.message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 24)
    assert await sent == []

    # Still pending until a later call confirms it with a greater offset.
    [again] = await bot.get_updates(timeout=0)
    assert again.update_id == update.update_id
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()

    # An empty long poll ends after its timeout...
    started = asyncio.get_running_loop().time()
    assert await bot.get_updates(timeout=timedelta(seconds=0.3)) == ()
    assert asyncio.get_running_loop().time() - started >= 0.25
    # ...and stop() releases a poll that is still waiting.
    waiting = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)
    await api.stop()
    assert await asyncio.wait_for(waiting, 3) == ()


async def test_person_waits_time_out_clearly(api: LocalBotApi) -> None:
    sam = api.person("Sam")
    with pytest.raises(AssertionError, match=r"(?i)never fetched update"):
        await sam.send("hello", timeout=0.2)
    with pytest.raises(AssertionError, match=r"(?i)no bot message with an inline keyboard"):
        await sam.press("OK", timeout=0.2)


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("I'm ready", callback_data="ready")]])
    await update.effective_message.reply_text("Welcome!", reply_markup=keyboard)


async def _ready(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Great")
    await query.edit_message_text(f"Ready ({query.data})")


async def test_application_conversation(api: LocalBotApi) -> None:
    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_ready))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        alex: Person = api.person("Alex", username="alex")
        [reply] = await alex.send("/start")
        assert reply.text == "Welcome!" and [b.text for b in reply.buttons[0]] == ["I'm ready"]
        assert alex.last.message_id == reply.message_id

        [edited] = await alex.press("ready")
        assert edited.message_id == reply.message_id and edited.text == "Ready (ready)"
        assert edited.edits == 1 and alex.last_answer == "Great"
        assert reply.text == "Welcome!"  # returned messages are snapshots

        # A forged button press on a message without a keyboard still reaches the bot.
        [forged] = await alex.press_data("forged", message=edited)
        assert forged.text == "Ready (forged)"
        assert await alex.send("no handler for this", expect_reply=False) == []
        await alex.expect_silence(0.2)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert not any(c.status == 409 for c in api.calls_to("getUpdates")[:-1])


@pytest.fixture
async def gated(api: LocalBotApi) -> AsyncIterator[tuple[Application, asyncio.Event]]:  # type: ignore[type-arg]
    """A watched Application whose /work answers, then waits for the gate, then answers
    again: work between requests that only the Application itself can report."""
    gate = asyncio.Event()

    async def work(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("working")
        await gate.wait()
        await update.effective_message.reply_text("done")

    async def late(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await gate.wait()
        assert update.effective_message is not None
        await update.effective_message.reply_text("after all")

    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    )
    app.add_handler(CommandHandler("work", work))
    app.add_handler(CommandHandler("late", late))
    watch = watch_application(api, app)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app, gate
    finally:
        gate.set()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        watch.close()
    assert not api.watched


async def until(api: LocalBotApi, condition: Callable[[], bool]) -> None:
    assert await api.wait_for(condition, asyncio.get_running_loop().time() + 5)


async def test_a_confirmed_update_is_not_a_finished_one(
    api: LocalBotApi,
    gated: tuple[Application, asyncio.Event],  # type: ignore[type-arg]
) -> None:
    _, gate = gated
    alex = api.person("Alex")
    sent = asyncio.create_task(alex.send("/work"))
    await until(api, lambda: [m.text for m in api.chat(alex.chat_id)] == ["working"])
    # PTB's Updater has confirmed the update with its next getUpdates, and no request is
    # open: only the Application knows it is still busy, and the person goes on waiting.
    await until(api, lambda: api.busy() == "the bot is processing 1 update(s)")
    assert not sent.done()
    gate.set()
    assert [m.text for m in await sent] == ["working", "done"]
    assert api.busy() is None


async def test_silence_is_judged_once_the_bot_is_idle(
    api: LocalBotApi,
    gated: tuple[Application, asyncio.Event],  # type: ignore[type-arg]
) -> None:
    _, gate = gated
    alex = api.person("Alex")
    api.enqueue_update(
        "message",
        {
            "message_id": api.next_message_id(alex.chat_id),
            "date": 0,
            "chat": api.chat_json(alex.chat_id),
            "from": dict(alex.user),
            "text": "/late",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    )
    silence = asyncio.create_task(alex.expect_silence())
    await until(api, lambda: api.busy() == "the bot is processing 1 update(s)")
    assert not silence.done()
    gate.set()
    with pytest.raises(AssertionError, match=r"stay silent towards Alex .* sendMessage \(200\)"):
        await silence
    await alex.expect_silence()  # idle now, and nothing more was sent


async def test_a_watched_job_runs_on_demand_and_keeps_the_bot_busy(api: LocalBotApi) -> None:
    gate = asyncio.Event()

    async def job(context: ContextTypes.DEFAULT_TYPE) -> None:
        await gate.wait()
        await context.bot.send_message(7, "from the job")

    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    )
    assert app.job_queue is not None
    app.job_queue.run_repeating(job, interval=3600, first=3600, name="hourly")
    watch = watch_application(api, app)
    async with app:
        await app.start()
        running = asyncio.create_task(watch.run_job("hourly"))
        await until(api, lambda: api.busy() == "the bot's job 'hourly' is running")
        assert watch.runs("hourly") == 0
        gate.set()
        await running
        assert watch.runs("hourly") == 1 and api.busy() is None
        assert [m.text for m in api.chat(7)] == ["from the job"]
        await app.stop()
    watch.close()


async def test_a_watched_bot_that_answers_nothing_fails_at_once_not_after_the_timeout(
    api: LocalBotApi,
    gated: tuple[Application, asyncio.Event],  # type: ignore[type-arg]
) -> None:
    alex = api.person("Alex")
    started = asyncio.get_running_loop().time()
    with pytest.raises(AssertionError, match="by the time it was idle the bot neither sent"):
        await alex.send("no handler for this", timeout=30)
    assert asyncio.get_running_loop().time() - started < 10
    assert await alex.send("still nothing", expect_reply=False) == []
