"""Self-referral by the public link `/start refer` (SPEC §2), and peers still on the list.

Nothing is stored before **Yes, please**; a peer waiting for a peer worker can /help,
/mydata and /forget, and the other peer commands answer kindly that they're on the list.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import callbacks as cb, texts as common
from bot.i18n import _
from bot.keyboards import referrals as keys
from bot.services import names, referral_self
from bot.services.flows import Where
from bot.services.referral_self import Opening
from bot.texts import referrals as t
from handlers.common import Context, answers_errors, call, press, reply, settle, typed_by

log = logging.getLogger(__name__)

PUBLIC_LINK = referral_self.PUBLIC_LINK

ANSWERS = {
    Opening.ON_LIST: t.ALREADY_ON_LIST,
    Opening.HAS_PROGRAMME: t.HAS_PROGRAMME,
    Opening.STAFF: t.STAFF,
    Opening.ASK_NAME: t.ASK_NAME,
}


@answers_errors
async def open_public_link(update: Update, context: Context) -> None:
    """Explain peer support, what is kept and the crisis contacts; ask for consent."""
    assert update.effective_user
    settings, uid = context.bot_data.settings, update.effective_user.id
    found = await call(
        context, referral_self.opening, uid, enabled=settings.self_referral, timed=False
    )
    if found is Opening.OFF:
        return await reply(update, common.stranger(settings.org_name))
    if found is Opening.ASK_NAME:
        await call(context, referral_self.ask_name_again, uid)
    if found is not Opening.CONSENT:
        return await reply(update, _(ANSWERS[found]))
    await reply(update, t.about_peer_support(settings.org_name, settings.programme_sessions))
    contacts = settings.contacts()
    await reply(update, t.what_we_keep(contacts), keys.consent())
    await call(context, referral_self.unnote_consent, uid, timed=False)


async def answer_stranger_typing(update: Update, context: Context) -> bool:
    """A stranger who types "yes please" or "not now" at the public link's consent gets the
    buttons again or the "not now" answer: whether this was that. Stateless, as nothing is
    kept before the press."""
    message = update.effective_message
    if not context.bot_data.settings.self_referral or message is None or not message.text:
        return False
    picked = names.choose(message.text, [_(t.BUTTON_YES_PLEASE), _(t.BUTTON_NOT_NOW)])
    if picked == [0]:  # what is kept comes again: a press means they have read it
        await reply(update, _(t.PRESS_TO_CONSENT))
        await reply(update, t.what_we_keep(context.bot_data.settings.contacts()), keys.consent())
        await call(context, referral_self.unnote_consent, message.chat_id, timed=False)
    elif picked == [1]:
        await reply(update, _(t.NOT_NOW))
    return len(picked) == 1


@answers_errors
async def say_yes_please(update: Update, context: Context) -> None:
    """Consent: the person is kept from now on; their first name comes next."""
    query, _values = press(update, cb.REF_YES)
    settings = context.bot_data.settings
    done = await call(
        context,
        referral_self.consent,
        query.from_user.id,
        enabled=settings.self_referral,
        timezone=settings.timezone,
    )
    await settle(query)
    text = _(t.ASK_NAME) if done.ask_name or done.on_list is None else t.on_list(done.on_list)
    await context.bot.send_message(query.from_user.id, text)


@answers_errors
async def say_not_now(update: Update, context: Context) -> None:
    """Not now: nothing is kept, and the link stays there for another day."""
    query, _values = press(update, cb.REF_NOT_NOW)
    await settle(query)
    await context.bot.send_message(query.from_user.id, _(t.NOT_NOW))
    await call(context, referral_self.unnote_consent, query.from_user.id, timed=False)


@answers_errors
async def type_first_name(update: Update, context: Context, where: Where) -> None:
    """Take the typed first name: the person is on the list."""
    uid, text = typed_by(update)
    found = await call(context, referral_self.take_name, uid, text)
    await reply(update, t.on_list(found))


async def answer_waiting_peer(update: Update, context: Context) -> None:
    """A peer still on the list: the peer commands say so kindly, and nothing else runs."""
    assert update.effective_user
    known = context.caller  # read with the language, when it could be
    uid = update.effective_user.id
    if known.waiting if known else await call(context, referral_self.is_waiting, uid, timed=False):
        await reply(update, _(t.ALREADY_ON_LIST))
        raise ApplicationHandlerStop
