"""A person's own data: /mydata, /forget and /calendar."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import N_, _
from bot.texts.common import crisis_block

MYDATA_FILENAME = "peerbot-my-data.json"
MYDATA_CAPTION = N_("Here is everything I keep about you, as a file you can open and keep.")


def export_about(zone: str) -> str:
    """The first line of the /mydata file."""
    return _(
        "Everything this peer support bot keeps about you. "
        "Times are shown in your time zone ({zone}).",
        zone=zone,
    )


NO_REMINDERS = N_("none: you get no reminders")
NO_QUIET_HOURS = N_("none")
PEER_WHO_LEFT = N_("a peer who has left")

FORGET_EXPLAINED = N_(
    "Erasing your data removes, for good:\n"
    "• your name and the link to this Telegram account\n"
    "• your strategies and everything you logged about them\n"
    "• your peer worker's notes about you, and what you wrote when rearranging\n"
    "• your reminder choices and any message still due to you\n"
    "• your referral, and what you wrote at the end of a programme\n\n"
    "Your upcoming sessions are cancelled, and your peer worker is told that a peer "
    "has left, without your name. Only anonymous counts stay (when sessions were and "
    "whether they happened), so the service's figures still add up.\n\n"
    "This can't be undone. If you'd like a copy first, send /mydata."
)
BUTTON_FORGET = N_("Yes, erase my data")
BUTTON_KEEP = N_("No, keep it")
KEPT = N_("Nothing was erased. Your data is as it was.")


def forgotten(contacts: Sequence[str]) -> str:
    return _(
        "Done: your data is erased and this account is no longer connected. "
        "If you'd like to come back one day, a peer worker can invite you again.\n\n"
        "{crisis}",
        crisis=crisis_block(contacts),
    )


PEER_LEFT = N_(
    "A peer has left the programme and asked for their data to be erased. "
    "Their upcoming sessions are cancelled."
)

CALENDAR_FILENAME = "peerbot-sessions.ics"
CALENDAR_CAPTION_PEER = N_(
    "Your upcoming sessions. Open the file to add them to your calendar. "
    "If a session moves, send /calendar again and it updates."
)
CALENDAR_CAPTION_WORKER = N_(
    "Your diary of upcoming sessions. Open the file to add it to your calendar. "
    "Send /calendar again after changes and the events update."
)
NO_UPCOMING = N_("There are no upcoming sessions yet, so there is nothing to add to a calendar.")
BUTTON_CALENDAR = N_("Add to my calendar")

CALENDAR_NAME = N_("Peer support sessions")


def event_title_peer(worker_name: str | None, counted: str | None = None) -> str:
    """'Peer support session 3 of 10 with Wren' (`counted` is "3 of 10")."""
    if counted and worker_name:
        return _(
            "Peer support session {counted} with {worker}", counted=counted, worker=worker_name
        )
    if counted:
        return _("Peer support session {counted}", counted=counted)
    if worker_name:
        return _("Peer support session with {worker}", worker=worker_name)
    return _("Peer support session")


def event_title_worker(peer_name: str | None, counted: str | None = None) -> str:
    peer = peer_name or _(PEER_WHO_LEFT)
    if counted:
        return _("Session {counted} with {peer}", counted=counted, peer=peer)
    return _("Session with {peer}", peer=peer)


def alarm_text(title: str, at: str) -> str:
    return _("{title} at {time}", title=title, time=at)
