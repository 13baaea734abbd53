"""Keyboards of referrals: the coordinator's list and matching, the worker's answer, the
public link's consent, and peer workers' capacity."""

from __future__ import annotations

from bot import callbacks as cb
from bot.i18n import _
from bot.keyboards.keys import Key, Keyboard, column
from bot.services.referrals import ReferralView, WaitingList, WorkerOption
from bot.texts import referrals as t


def waiting_list(found: WaitingList) -> Keyboard:
    return tuple(
        (
            Key(_(t.BUTTON_MATCH, name=r.first_name), cb.REF_MATCH(r.id, r.version)),
            Key(_(t.BUTTON_CLOSE, name=r.first_name), cb.REF_ASK_CLOSE(r.id, r.version)),
        )
        for r in found.referrals
    )


def workers(r: ReferralView, options: tuple[WorkerOption, ...]) -> Keyboard:
    keys = [Key(t.worker_button(w), cb.REF_OFFER(r.id, r.version, w.id)) for w in options]
    return (*column(keys), (Key(_(t.BUTTON_BACK), cb.REF_LIST()),))


def offer_anyway(r: ReferralView, w: WorkerOption) -> Keyboard:
    return (
        (Key(_(t.BUTTON_OFFER_ANYWAY, name=w.name), cb.REF_OFFER_ANYWAY(r.id, r.version, w.id)),),
        (Key(_(t.BUTTON_BACK), cb.REF_LIST()),),
    )


def close_reasons(r: ReferralView) -> Keyboard:
    keys = [
        Key(_(t.CLOSE_LABELS[reason]), cb.REF_CLOSE(r.id, r.version, i))
        for i, reason in enumerate(cb.REFERRAL_CLOSE_REASONS)
    ]
    return (*column(keys), (Key(_(t.BUTTON_BACK), cb.REF_LIST()),))


def offer_for_worker(r: ReferralView) -> Keyboard:
    return (
        (
            Key(_(t.BUTTON_ACCEPT), cb.REF_ACCEPT(r.id, r.version)),
            Key(_(t.BUTTON_DECLINE), cb.REF_DECLINE(r.id, r.version)),
        ),
    )


def consent() -> Keyboard:
    return (
        (Key(_(t.BUTTON_YES_PLEASE), cb.REF_YES()), Key(_(t.BUTTON_NOT_NOW), cb.REF_NOT_NOW())),
    )
