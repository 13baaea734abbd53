"""A person's own data: /mydata, /forget and /calendar."""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts.common import crisis_block

MYDATA_FILENAME = "peerbot-my-data.json"
MYDATA_CAPTION = "Here is everything I keep about you, as a file you can open and keep."


def export_about(zone: str) -> str:
    """The first line of the /mydata file."""
    return (
        "Everything this peer support bot keeps about you. "
        f"Times are shown in your time zone ({zone})."
    )


NO_REMINDERS = "none: you get no reminders"
NO_QUIET_HOURS = "none"
PEER_WHO_LEFT = "a peer who has left"

FORGET_EXPLAINED = (
    "Erasing your data removes, for good:\n"
    "• your name and the link to this Telegram account\n"
    "• your strategies and everything you logged about them\n"
    "• your peer worker's notes about you, and what you wrote when rearranging\n"
    "• your reminder choices and any message still due to you\n\n"
    "Your upcoming sessions are cancelled, and your peer worker is told that a peer "
    "has left, without your name. Only anonymous counts stay (when sessions were and "
    "whether they happened), so the service's figures still add up.\n\n"
    "This can't be undone. If you'd like a copy first, send /mydata."
)
BUTTON_FORGET = "Yes, erase my data"
BUTTON_KEEP = "No, keep it"
KEPT = "Nothing was erased. Your data is as it was."


def forgotten(contacts: Sequence[str]) -> str:
    return (
        "Done: your data is erased and this account is no longer connected. "
        "If you'd like to come back one day, a peer worker can invite you again.\n\n"
        f"{crisis_block(contacts)}"
    )


PEER_LEFT = (
    "A peer has left the programme and asked for their data to be erased. "
    "Their upcoming sessions are cancelled."
)

CALENDAR_FILENAME = "peerbot-sessions.ics"
CALENDAR_CAPTION_PEER = (
    "Your upcoming sessions. Open the file to add them to your calendar. "
    "If a session moves, send /calendar again and it updates."
)
CALENDAR_CAPTION_WORKER = (
    "Your diary of upcoming sessions. Open the file to add it to your calendar. "
    "Send /calendar again after changes and the events update."
)
NO_UPCOMING = "There are no upcoming sessions yet, so there is nothing to add to a calendar."
BUTTON_CALENDAR = "Add to my calendar"

CALENDAR_NAME = "Peer support sessions"


def event_title_peer(worker_name: str | None, counted: str | None = None) -> str:
    """'Peer support session 3 of 10 with Wren' (`counted` is "3 of 10")."""
    title = f"Peer support session {counted}" if counted else "Peer support session"
    return f"{title} with {worker_name}" if worker_name else title


def event_title_worker(peer_name: str | None, counted: str | None = None) -> str:
    title = f"Session {counted}" if counted else "Session"
    return f"{title} with {peer_name or PEER_WHO_LEFT}"


def alarm_text(title: str, at: str) -> str:
    return f"{title} at {at}"
