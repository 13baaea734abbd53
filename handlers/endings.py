"""A programme's end: the peer worker's /close, and the peer's three questions (SPEC §3, §4).

The toolbox itself is sent by the scheduler (scheduler/content_endings.py), once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import callbacks as cb, texts
from bot.i18n import _
from bot.keyboards import endings as keyboards
from bot.services import ending_questions as questions, endings
from bot.services.errors import BadInput
from bot.services.flows import EndingStep, Where
from bot.services.names import SeveralPeers
from bot.texts import endings as t
from handlers import typed
from handlers.common import (
    Context,
    answers_errors,
    call,
    error_text,
    press,
    pressed,
    reply,
    show,
    typed_by,
)

# A service that stores an answer to one of the questions (or a skip): what comes next.
Answer = Callable[..., Awaitable[questions.Next]]
# The next question after an answer or a skip; None: all done.
QUESTIONS = {
    EndingStep.RECOMMEND: (t.QUESTION_RECOMMEND, keyboards.recommend),
    EndingStep.COMMENT: (t.QUESTION_COMMENT, keyboards.comment),
}


@answers_errors
async def close(update: Update, context: Context) -> None:
    """Ask a peer worker why a peer's programme is ending (or whose, when no name is given)."""
    assert update.effective_user
    uid, name = update.effective_user.id, " ".join(context.args or [])
    if name:
        try:
            peer = await call(context, endings.closable_by_name, uid, name, timed=False)
        except SeveralPeers as several:  # which one? A button each
            keys = keyboards.close_peers((p.name, p.programme_id) for p in several.choices)
            return await reply(update, error_text(several, context.bot_data), keys)
        return await reply(
            update, t.close_ask_reason(peer.name), keyboards.close_reasons(peer.programme_id)
        )
    peers = await call(context, endings.closable_peers, uid, timed=False)
    keys = keyboards.close_peers((p.name, p.programme_id) for p in peers)
    await reply(update, _(t.CLOSE_CHOOSE_PEER if keys else t.CLOSE_NO_PEERS), keys)


@answers_errors
async def pick_peer_to_close(update: Update, context: Context) -> None:
    """Ask why the picked peer's programme is ending."""
    query, (programme_id,) = press(update, cb.CLS_PEER, "close_gone")
    peer = await call(context, endings.closable, query.from_user.id, programme_id, timed=False)
    await show(query, t.close_ask_reason(peer.name), keyboards.close_reasons(peer.programme_id))


@answers_errors
async def pick_close_reason(update: Update, context: Context) -> None:
    """Ask the peer worker to confirm closing, with the reason they picked."""
    query, (programme_id, index) = press(update, cb.CLS_REASON, "close_gone")
    peer = await call(context, endings.closable, query.from_user.id, programme_id, timed=False)
    reason = cb.CLOSE_REASONS[index]
    await show(query, t.close_sure(peer.name, reason), keyboards.close_sure(programme_id, reason))


@answers_errors
async def close_programme(update: Update, context: Context) -> None:
    """Close the programme: its upcoming sessions cancelled, the peer's ending planned."""
    query, (programme_id, index) = press(update, cb.CLS_CONFIRM, "close_gone")
    reason = cb.CLOSE_REASONS[index]
    done = await call(context, endings.close_programme, query.from_user.id, programme_id, reason)
    await show(query, t.closed(done.peer_name, done.cancelled, done.reason))


@answers_errors
async def keep_programme(update: Update, context: Context) -> None:
    """Leave the programme as it is."""
    query, (programme_id,) = press(update, cb.CLS_KEEP, "close_gone")
    await call(context, endings.closable, query.from_user.id, programme_id, timed=False)
    await show(query, _(t.CLOSE_KEPT))


@answers_errors
async def refuse_stale_close_button(update: Update, context: Context) -> None:
    """Answer a /close button that is malformed or forged."""
    raise BadInput("close_gone")


async def _then(
    update: Update, context: Context, service: Answer, programme_id: int, value: object
) -> None:
    """Store the answer (or the skip) through `service`; edit the question into the next one
    (or the thanks)."""
    assert update.callback_query
    done = await call(context, service, update.callback_query.from_user.id, programme_id, value)
    if done.step is None:
        return await show(update.callback_query, _(t.THANKS))
    text, keyboard = QUESTIONS[done.step]
    await show(update.callback_query, _(text), keyboard(done.programme_id))


@answers_errors
async def answer_helped(update: Update, context: Context) -> None:
    """Note how much peer support helped (1 to 5); then the next question."""
    programme_id, helped = pressed(update, cb.END_HELPED)
    await _then(update, context, questions.answer_helped, programme_id, helped)


@answers_errors
async def answer_recommend(update: Update, context: Context) -> None:
    """Note whether they would recommend it; then the last question."""
    programme_id, index = pressed(update, cb.END_RECOMMEND)
    await _then(update, context, questions.answer_recommend, programme_id, cb.RECOMMEND[index])


@answers_errors
async def skip_question(update: Update, context: Context) -> None:
    """Skip a question: nothing is stored for it; then the next one."""
    programme_id, question = pressed(update, cb.END_SKIP)
    await _then(update, context, questions.skip, programme_id, question)


async def type_ending_choice(update: Update, context: Context, where: Where) -> None:
    """Press the button the peer typed ("4", "not sure"), else point at the buttons."""
    if not await typed.press_typed_choice(update, context):
        await reply(update, _(t.PICK_BUTTON))


@answers_errors
async def type_ending_comment(update: Update, context: Context, where: Where) -> None:
    """Keep the peer's typed answer to "Anything you'd like to say?"; then the thanks."""
    uid, text = typed_by(update)
    await call(context, questions.type_comment, uid, text)
    await reply(update, _(t.THANKS))


async def refuse_stale_ending_button(update: Update, context: Context) -> None:
    """Answer a question's button that is malformed or forged: out of date."""
    assert update.callback_query
    await update.callback_query.answer(_(texts.BUTTON_GONE))
