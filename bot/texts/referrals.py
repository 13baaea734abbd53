"""Referrals, self-referral and matching (SPEC §2), and peer workers' capacity settings.

Every sentence through bot.i18n; no hand-made plurals; dates with bot.texts.sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, _n
from bot.texts.sessions import day_label

if TYPE_CHECKING:
    from bot.services.referral_self import OnList
    from bot.services.referrals import ReferralView, WaitingList, WorkerOption

SOURCE_LABELS = {
    "gp": N_("GP"),
    "community_team": N_("community team"),
    "other_service": N_("another service"),
    "self": N_("self-referral"),
    "unknown": N_("source not given"),
}
CLOSE_LABELS = {
    "not_wanted": N_("No longer wanted"),
    "no_contact": N_("Could not contact"),
    "elsewhere": N_("Referred elsewhere"),
}

BUTTON_MATCH = N_("Match {name}")
BUTTON_CLOSE = N_("Close {name}")
BUTTON_ACCEPT = N_("Accept")
BUTTON_DECLINE = N_("Not this time")
BUTTON_OFFER_ANYWAY = N_("Yes, offer to {name}")
BUTTON_BACK = N_("Back to the list")
BUTTON_YES_PLEASE = N_("Yes, please")
BUTTON_NOT_NOW = N_("Not now")


def source(key: str) -> str:
    """A source as people read it: the fixed list's words, or what was typed."""
    return _(SOURCE_LABELS[key]) if key in SOURCE_LABELS else key


def _waited(days: int) -> str:
    return _n("waiting {n} day", "waiting {n} days", days)


# -- /refer -------------------------------------------------------------------------------

REFER_GUIDE = N_(
    "To record a referral, type /refer, the person's first name and where the referral "
    "came from, like this:\n/refer Sam GP\n/refer Alex community team\n/refer Jo self\n\n"
    "Only a first name and the source are kept."
)


def referred(r: ReferralView) -> str:
    return _(
        "Thank you. {name} is on the list ({source}). A coordinator will match them with a "
        "peer worker: /referrals.",
        name=r.first_name,
        source=source(r.source),
    )


# -- the coordinator's list -------------------------------------------------------------


def waiting_list(found: WaitingList) -> str:
    if not found.referrals:
        return _("Nobody is waiting. New referrals come with /refer or the public link.")
    lines = [
        _n(
            "{n} referral waiting, oldest first:",
            "{n} referrals waiting, oldest first:",
            found.total,
        )
    ]
    for r in found.referrals:
        values = {
            "name": r.first_name,
            "source": source(r.source),
            "waited": _waited(r.days_waiting),
        }
        if r.offered_to:
            line = _(
                "• {name}: {source}, {waited}, offered to {worker}", worker=r.offered_to, **values
            )
        else:
            line = _("• {name}: {source}, {waited}", **values)
        lines.append(line)
    more = found.total - len(found.referrals)
    if more > 0:
        lines.append(_n("…and {n} more after these.", "…and {n} more after these.", more))
    return "\n".join(lines)


def _worker_line(w: WorkerOption) -> str:
    free = (
        _("next free {day}", day=day_label(w.next_free.astimezone(ZoneInfo(w.timezone)).date()))
        if w.next_free
        else _("no free day in the next two weeks")
    )
    return _(
        "{name}: {peers} of {capacity}, {free}",
        name=w.name,
        peers=w.peers,
        capacity=w.capacity,
        free=free,
    )


def match_options(r: ReferralView, workers: Sequence[WorkerOption]) -> str:
    if not workers:
        return _("No peer workers have joined yet. Invite one with /invite.")
    head = _(
        "Who could take {name} ({source}, {waited})? Peers now, of each one's capacity:",
        name=r.first_name,
        source=source(r.source),
        waited=_waited(r.days_waiting),
    )
    return "\n".join([head, *(f"• {_worker_line(w)}" for w in workers)])


def worker_button(w: WorkerOption) -> str:
    return _("{name} ({peers} of {capacity})", name=w.name, peers=w.peers, capacity=w.capacity)


def over_capacity(r: ReferralView, w: WorkerOption) -> str:
    return _(
        "{worker} already has {peers} peers, and their capacity is {capacity}. "
        "Offer {name} to them anyway?",
        worker=w.name,
        peers=w.peers,
        capacity=w.capacity,
        name=r.first_name,
    )


def offered(r: ReferralView, w: WorkerOption) -> str:
    return _(
        "Offered {name} to {worker}. I'll tell you when they answer.",
        name=r.first_name,
        worker=w.name,
    )


def offer_for_worker(coordinator: str, r: ReferralView, w: WorkerOption) -> str:
    return _(
        "{coordinator} asks whether you could take {name} ({source}, {waited}). "
        "You have {peers} of {capacity} peers now.",
        coordinator=coordinator,
        name=r.first_name,
        source=source(r.source),
        waited=_waited(r.days_waiting),
        peers=w.peers,
        capacity=w.capacity,
    )


def ask_close(r: ReferralView) -> str:
    return _("Why is {name}'s referral closing?", name=r.first_name)


def closed(r: ReferralView, reason: str) -> str:
    return _(
        "{name}'s referral is closed: {reason}.",
        name=r.first_name,
        reason=_(CLOSE_LABELS[reason]).lower(),
    )


# -- the peer worker's answer ------------------------------------------------------------


def accepted_self(name: str, sessions: int) -> str:
    return _(
        "Thank you. {name} is now your peer, with a programme of {sessions} sessions. "
        "They have been told your name. Schedule the first session with /schedule.",
        name=name,
        sessions=sessions,
    )


def greeting_for_peer(worker: str) -> str:
    return _(
        "Good news: {worker} will be your peer worker. They will arrange your first session "
        "with you, and it will show here (/next). You can confirm or rearrange it with a tap.",
        worker=worker,
    )


def accepted_for_coordinator(name: str, worker: str) -> str:
    return _("{worker} accepted {name}. Their programme has begun.", worker=worker, name=name)


def declined(name: str) -> str:
    return _("Okay. {name} goes back on the list.", name=name)


def declined_for_coordinator(name: str, worker: str) -> str:
    return _(
        "{worker} can't take {name} this time. {name} is back on the list: /referrals.",
        worker=worker,
        name=name,
    )


# -- self-referral ----------------------------------------------------------------------


def about_peer_support(org_name: str, sessions: int) -> str:
    who = org_name.strip() or _("our peer support service")
    return _n(
        "Hello! This is {org}.\n\n"
        "Peer support is one-to-one time with a peer worker: someone who has lived through "
        "hard times themselves. You meet for {n} session and try things that might help "
        "between sessions. It is not therapy or medical care, and not an emergency service.",
        "Hello! This is {org}.\n\n"
        "Peer support is one-to-one time with a peer worker: someone who has lived through "
        "hard times themselves. You meet for {n} sessions and try things that might help "
        "between them. It is not therapy or medical care, and not an emergency service.",
        sessions,
        org=who,
    )


def what_we_keep(contacts: Sequence[str]) -> str:
    lines = "\n".join(f"• {c}" for c in contacts)
    return _(
        "If you ask, I keep your first name, your Telegram account and when you asked. "
        "The service's coordinators see your first name to match you with a peer worker; "
        "your peer worker sees it too. You can see it all with /mydata and erase it with "
        "/forget at any time.\n\n"
        "This chat is not watched around the clock. If you need help now:\n{lines}\n\n"
        "Would you like peer support?",
        lines=lines,
    )


ASK_NAME = N_("Thank you. What first name should we call you? Just type it.")
NOT_NOW = N_("That's fine. Nothing has been kept. The link is here whenever you'd like it.")
# A stranger typed "yes please" at the consent: the press is what counts (nothing is kept
# before it, not even that they were asked), so the buttons come again.
PRESS_TO_CONSENT = N_("To go on the list, please press Yes, please. Nothing is kept until you do.")


def on_list(found: OnList) -> str:
    text = _(
        "Thank you, {name}. You're on the list, and a coordinator will match you with a "
        "peer worker.",
        name=found.name,
    )
    if found.weeks is not None:
        text += " " + _n(
            "People usually wait about {n} week.",
            "People usually wait about {n} weeks.",
            found.weeks,
        )
    return (
        text
        + " "
        + _("Until then I won't send you anything. /help, /mydata and /forget work any time.")
    )


ALREADY_ON_LIST = N_(
    "You're on the list already, and a coordinator will match you with a peer worker. "
    "Until then, /help, /mydata and /forget work any time."
)
HAS_PROGRAMME = N_("You already have a peer worker. /next shows your next session.")
STAFF = N_("This link is for people asking for support. You've joined as staff already.")

PROBLEMS = {
    "referral_name_missing": REFER_GUIDE,
    "referral_peer_name_taken": N_(
        "You already have a peer called {name}. Please ask the coordinator to close this "
        "referral and record it with an initial, like /refer {name}B."
    ),
}
