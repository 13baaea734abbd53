"""Referrals and matching (SPEC §2): /refer, the coordinator's /referrals, the worker's answer.

Every button re-checks the presser's role, and carries the referral's version: a button
of an older state (another coordinator was quicker) is told it has changed.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot import callbacks as cb, texts as common
from bot.i18n import _
from bot.keyboards import referrals as keys
from bot.qr import qr_png
from bot.services import onboarding, referral_answer, referrals
from bot.services.referrals import CLOSE_REASONS, Offer
from bot.texts import referrals as t
from handlers.common import Context, answers_errors, call, notify, press, reply, show

log = logging.getLogger(__name__)


@answers_errors
async def refer(update: Update, context: Context) -> None:
    """Record a referral: a first name and where it came from."""
    assert update.effective_user
    raw = " ".join(context.args or [])
    made = await call(context, referrals.refer, update.effective_user.id, raw)
    await reply(update, t.referred(made))


@answers_errors
async def show_referrals(update: Update, context: Context) -> None:
    """Show a coordinator the waiting referrals, oldest first, with Match and Close."""
    assert update.effective_user
    found = await call(context, referrals.waiting_list, update.effective_user.id)
    await reply(update, t.waiting_list(found), keys.waiting_list(found))


@answers_errors
async def show_referrals_again(update: Update, context: Context) -> None:
    """Go back to the list as it is now (Back)."""
    query, _values = press(update, cb.REF_LIST)
    found = await call(context, referrals.waiting_list, query.from_user.id)
    await show(query, t.waiting_list(found), keys.waiting_list(found))


@answers_errors
async def pick_worker(update: Update, context: Context) -> None:
    """Show the peer workers who could take the referral, those with room first."""
    query, (referral_id, version) = press(update, cb.REF_MATCH)
    capacity = context.bot_data.settings.worker_capacity
    found = await call(
        context,
        referrals.match_options,
        query.from_user.id,
        referral_id,
        version,
        capacity=capacity,
    )
    text = t.match_options(found.referral, found.workers)
    await show(query, text, keys.workers(found.referral, found.workers))


async def _offer(update: Update, context: Context, button: cb.Callback, confirmed: bool) -> None:
    query, (referral_id, version, worker_id) = press(update, button)
    made: Offer = await call(
        context,
        referrals.offer,
        query.from_user.id,
        referral_id,
        version,
        worker_id,
        capacity=context.bot_data.settings.worker_capacity,
        confirmed=confirmed,
    )
    if made.needs_confirming:
        text = t.over_capacity(made.referral, made.worker)
        return await show(query, text, keys.offer_anyway(made.referral, made.worker))
    await show(query, t.offered(made.referral, made.worker))
    text = t.offer_for_worker(made.coordinator_name, made.referral, made.worker)
    await notify(context, made.worker_telegram_id, text, keys.offer_for_worker(made.referral))


@answers_errors
async def offer_to_worker(update: Update, context: Context) -> None:
    """Offer the referral to the picked worker (a warning first if they are full)."""
    await _offer(update, context, cb.REF_OFFER, confirmed=False)


@answers_errors
async def offer_anyway(update: Update, context: Context) -> None:
    """Offer the referral to a worker at or over capacity, as the coordinator confirmed."""
    await _offer(update, context, cb.REF_OFFER_ANYWAY, confirmed=True)


@answers_errors
async def ask_close_reason(update: Update, context: Context) -> None:
    """Ask why the referral is closing."""
    query, (referral_id, version) = press(update, cb.REF_ASK_CLOSE)
    found = await call(context, referrals.closing, query.from_user.id, referral_id, version)
    await show(query, t.ask_close(found), keys.close_reasons(found))


@answers_errors
async def close_referral(update: Update, context: Context) -> None:
    """Close the referral with the reason picked."""
    query, (referral_id, version, i) = press(update, cb.REF_CLOSE)
    reason = CLOSE_REASONS[i]
    done = await call(context, referrals.close, query.from_user.id, referral_id, version, reason)
    await show(query, t.closed(done, reason))


@answers_errors
async def accept_referral(update: Update, context: Context) -> None:
    """Take the referral: the programme begins; the peer is greeted or gets an invitation."""
    query, (referral_id, version) = press(update, cb.REF_ACCEPT)
    settings = context.bot_data.settings
    done = await call(
        context,
        referral_answer.accept,
        query.from_user.id,
        referral_id,
        version,
        days=settings.invitation_days,
        planned_sessions=settings.programme_sessions,
    )
    coordinator_text = t.accepted_for_coordinator(done.first_name, done.worker_name)
    await notify(context, done.coordinator_telegram_id, coordinator_text)
    if done.invitation is None:
        await show(query, t.accepted_self(done.first_name, done.planned_sessions))
        await notify(context, done.peer_telegram_id, t.greeting_for_peer(done.worker_name))
        return
    link = onboarding.deep_link(context.bot.username, done.invitation.token)
    text = common.invitation_for_peer(
        done.first_name, done.planned_sessions, link, done.invitation.expires_at
    )
    await show(query, text)
    await context.bot.send_photo(query.from_user.id, qr_png(link), caption=common.QR_CAPTION)


@answers_errors
async def decline_referral(update: Update, context: Context) -> None:
    """Not this time: the referral goes back on the list and the coordinator is told."""
    query, (referral_id, version) = press(update, cb.REF_DECLINE)
    done = await call(context, referral_answer.decline, query.from_user.id, referral_id, version)
    await show(query, t.declined(done.first_name))
    text = t.declined_for_coordinator(done.first_name, done.worker_name)
    await notify(context, done.coordinator_telegram_id, text)


@answers_errors
async def refuse_stale_referral_button(update: Update, context: Context) -> None:
    """A malformed or forged referral button: nothing changes."""
    assert update.callback_query
    await update.callback_query.answer(_(common.BUTTON_GONE), show_alert=True)
