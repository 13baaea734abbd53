"""Every sentence a person reads. Warm, plain, short; one message, one idea.

Language (SPEC §1.2): the people supported are *peers*; staff are *peer workers* and
*coordinators*. A test scans this module for words we never use.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

ROLE_NAMES = {"coordinator": "coordinator", "worker": "peer worker", "peer": "peer"}

NOT_MONITORED = "This chat is not watched around the clock."


def crisis_block(contacts: Sequence[str]) -> str:
    """The crisis contacts, always with the reminder that nobody watches the chat live."""
    lines = "\n".join(f"• {contact}" for contact in contacts)
    return f"{NOT_MONITORED} If you need help now:\n{lines}"


PRIVACY = (
    "Privacy: I keep only what the programme needs: your sessions, and what you choose to log.\n"
    "You can see it all with /mydata and erase it with /forget."
)


def _i_am(org_name: str) -> str:
    """Who the bot is, reading well whatever ORG_NAME is (or if it is empty)."""
    name = org_name.strip()
    if not name:
        return "Hello! I'm a peer support bot."
    if "peer support" in name.casefold():
        # "the peer support bot of Riverside Peer Support" says it twice.
        return f"Hello! I'm the bot of {name}."
    return f"Hello! I'm the peer support bot of {name}."


def welcome_stranger(org_name: str, contacts: Sequence[str]) -> str:
    return (
        f"{_i_am(org_name)}\n\n"
        "I help peers and their peer workers arrange one-to-one sessions, "
        "and keep track of what peers try between them.\n\n"
        "To join, open the invitation link your peer worker or coordinator gave you.\n\n"
        f"{crisis_block(contacts)}"
    )


def stranger(org_name: str) -> str:
    return (
        f"{_i_am(org_name)} "
        "I can only chat with people who have joined by invitation.\n"
        "If you'd like support, please ask the service for an invitation link."
    )


def welcome_joined(role: str, name: str, worker_name: str | None, contacts: Sequence[str]) -> str:
    if role == "peer":
        who = f" with {worker_name}" if worker_name else ""
        body = (
            f"Welcome, {name}! You're now connected for your peer support sessions{who}.\n\n"
            "Here you can see your next session (/next), confirm or rearrange it, "
            "and log what you try between sessions (/log).\n\n"
            "Reminders are off. Keeping sessions is up to you, and if you'd like "
            "reminders, you choose when (/reminders).\n\n"
            f"{PRIVACY}"
        )
    elif role == "worker":
        body = (
            f"Welcome, {name}! You've joined as a peer worker.\n\n"
            "Add a peer with /addpeer followed by their name; I'll give you an "
            "invitation link and a QR code to show them."
        )
    else:
        body = (
            f"Welcome, {name}! You've joined as a coordinator.\n\n"
            "Invite a peer worker with /invite."
        )
    return f"{body}\n\n{crisis_block(contacts)}"


RESUMED = "Messages I send on my own are on again, as you chose them (/reminders)."


def welcome_back(role: str, name: str, contacts: Sequence[str], *, resumed: bool = False) -> str:
    """/start from a member (after /stop too: one message, saying messages are back on)."""
    again = f" {RESUMED}" if resumed else ""
    return (
        f"Hello again, {name}. You're here as a {ROLE_NAMES[role]}.{again} "
        f"/help lists what I can do.\n\n{crisis_block(contacts)}"
    )


INVITATION_PROBLEMS = {
    "malformed": "That invitation link looks incomplete. Please open the whole link again.",
    "unknown": "I don't recognise that invitation. Please ask for a new link.",
    "used": "That invitation has already been used. Please ask for a new link.",
    "expired": "That invitation has expired. Please ask for a new link.",
}


def already_joined(role: str) -> str:
    return (
        f"You've already joined as a {ROLE_NAMES[role]}, and one account holds one role. "
        "The invitation is still unused, so it can go to the person it was meant for."
    )


def invitation_for_worker(link: str, expires: datetime) -> str:
    return (
        "Here's a one-time invitation for a new peer worker. "
        f"It works once and until {expires:%-d %B %Y}.\n\n{link}"
    )


def invitation_for_peer(name: str, sessions: int, link: str, expires: datetime) -> str:
    return (
        f"{name} is added, with a programme of {sessions} sessions.\n\n"
        "Show them the QR code, or send them this link. "
        f"It works once and until {expires:%-d %B %Y}.\n\n{link}"
    )


QR_CAPTION = "Scan with the phone's camera to join."

PROBLEMS = {
    "name_missing": "Please add the peer's name after the command, like this: /addpeer Sam",
    "name_too_long": "That name is a bit long. Please keep it to {limit} characters.",
    "peer_name_taken": (
        "You already have a peer called {name}. Please use a different name, "
        "for example with an initial."
    ),
}

NOT_FOR_YOUR_ROLE = "That's not something I can do for you, sorry. /help lists what you can do."
DIDNT_CATCH = "Sorry, I didn't catch that. /help lists what I can do."
# The database is out of reach for a moment (down, restarting, refused): nothing was taken.
RECORDS_UNREACHABLE = "I can't reach my records just now — please try again in a minute."
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side and nothing was changed. Please try again in a moment."
)

# Each role's commands in menu order (SPEC §3–5). Menus and /help show the ones the running
# app has a handler for, so a command appears the moment its feature lands.
COMMANDS: dict[str, list[tuple[str, str]]] = {
    "stranger": [("start", "About this bot"), ("help", "Help and crisis contacts")],
    "peer": [
        ("next", "Your next session"),
        ("sessions", "Your sessions"),
        ("rearrange", "Ask to move your next session"),
        ("log", "Log what you tried this week"),
        ("strategies", "Your strategies"),
        ("reminders", "Choose reminders, if you want them"),
        ("calendar", "Your sessions for your calendar"),
        ("mydata", "All your data, as a file"),
        ("forget", "Erase your data"),
        ("stop", "Pause messages I'd send on my own"),
        ("cancel", "Stop what we were in the middle of"),
        ("help", "What I can do, and crisis contacts"),
    ],
    "worker": [
        ("diary", "Your upcoming sessions"),
        ("schedule", "Schedule a session"),
        ("peers", "Your peers"),
        ("summary", "Summary for a peer's next session"),
        ("outcome", "How a past session went"),
        ("addpeer", "Add a peer: /addpeer name"),
        ("close", "End a peer's programme early"),
        ("refer", "Record a referral: /refer name source"),
        ("calendar", "Your diary for your calendar"),
        ("settings", "Summaries, hours and time zone"),
        ("checkin", "Start a safety check-in for a visit"),
        ("safe", "I'm safe: end the check-in"),
        ("sos", "Alert the coordinators now"),
        ("mydata", "Your data, as a file"),
        ("stop", "Pause messages I'd send on my own"),
        ("cancel", "Stop what we were in the middle of"),
        ("help", "What I can do, and crisis contacts"),
    ],
    "coordinator": [
        ("team", "Your team"),
        ("referrals", "Waiting referrals, and matching"),
        ("refer", "Record a referral: /refer name source"),
        ("digest", "The weekly digest, now"),
        ("invite", "Invite a new peer worker"),
        ("settings", "Digest day, time and time zone"),
        ("mydata", "Your data, as a file"),
        ("stop", "Pause messages I'd send on my own"),
        ("cancel", "Stop what we were in the middle of"),
        ("help", "What I can do, and crisis contacts"),
    ],
}


def commands_of(role: str | None, available: Collection[str]) -> list[tuple[str, str]]:
    """The role's commands that the running bot actually has."""
    return [(name, about) for name, about in COMMANDS[role or "stranger"] if name in available]


def help_text(role: str | None, contacts: Sequence[str], available: Collection[str]) -> str:
    lines = "\n".join(f"/{name} — {about}" for name, about in commands_of(role, available))
    intro = (
        "I can only chat with people who have joined by invitation."
        if role is None
        else f"You're here as a {ROLE_NAMES[role]}. What I can do:"
    )
    return f"{intro}\n{lines}\n\n{crisis_block(contacts)}"


BUTTON_GONE = "This button is out of date, so nothing was changed."

FLOW_STOPPED = "Okay, stopped there. Nothing more was changed."
NO_FLOW = "There's nothing to stop right now."

# A group chat, said once per group (SPEC §2: private chats only, nobody's data in a group).
PRIVATE_CHATS_ONLY = (
    "I only work in private chats. Please write to me there: open my profile and press Start."
)
