"""Every sentence a person reads. Warm, plain, short; one message, one idea.

Language (SPEC §1.2): the people supported are *peers*; staff are *peer workers* and
*coordinators*. A test scans this module for words we never use.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.i18n import N_, _, _n
from bot.texts.dates import long_date

NOT_MONITORED = N_("This chat is not watched around the clock.")


def crisis_block(contacts: Sequence[str]) -> str:
    """The crisis contacts, always with the reminder that nobody watches the chat live."""
    lines = "\n".join(f"• {contact}" for contact in contacts)
    return _(
        "{not_monitored} If you need help now:\n{contacts}",
        not_monitored=_(NOT_MONITORED),
        contacts=lines,
    )


PRIVACY = N_(
    "Privacy: I keep only what the programme needs: your sessions, and what you choose to log.\n"
    "You can see it all with /mydata and erase it with /forget."
)


def _i_am(org_name: str) -> str:
    """Who the bot is, reading well whatever ORG_NAME is (or if it is empty)."""
    name = org_name.strip()
    if not name:
        return _("Hello! I'm a peer support bot.")
    if "peer support" in name.casefold():
        # "the peer support bot of Riverside Peer Support" says it twice.
        return _("Hello! I'm the bot of {org}.", org=name)
    return _("Hello! I'm the peer support bot of {org}.", org=name)


def welcome_stranger(org_name: str, contacts: Sequence[str]) -> str:
    return _(
        "{i_am}\n\n"
        "I help peers and their peer workers arrange one-to-one sessions, "
        "and keep track of what peers try between them.\n\n"
        "To join, open the invitation link your peer worker or coordinator gave you.\n\n"
        "{crisis}",
        i_am=_i_am(org_name),
        crisis=crisis_block(contacts),
    )


def stranger(org_name: str) -> str:
    return _(
        "{i_am} "
        "I can only chat with people who have joined by invitation.\n"
        "If you'd like support, please ask the service for an invitation link.",
        i_am=_i_am(org_name),
    )


def welcome_joined(role: str, name: str, worker_name: str | None, contacts: Sequence[str]) -> str:
    if role == "peer":
        welcome = (
            _(
                "Welcome, {name}! You're now connected for your peer support sessions with {worker}.",
                name=name,
                worker=worker_name,
            )
            if worker_name
            else _(
                "Welcome, {name}! You're now connected for your peer support sessions.", name=name
            )
        )
        body = _(
            "{welcome}\n\n"
            "Here you can see your next session (/next), confirm or rearrange it, "
            "and log what you try between sessions (/log).\n\n"
            "Reminders are off. Keeping sessions is up to you, and if you'd like "
            "reminders, you choose when (/reminders).\n\n"
            "{privacy}",
            welcome=welcome,
            privacy=_(PRIVACY),
        )
    elif role == "worker":
        body = _(
            "Welcome, {name}! You've joined as a peer worker.\n\n"
            "Add a peer with /addpeer followed by their name; I'll give you an "
            "invitation link and a QR code to show them.",
            name=name,
        )
    else:
        body = _(
            "Welcome, {name}! You've joined as a coordinator.\n\nInvite a peer worker with /invite.",
            name=name,
        )
    return f"{body}\n\n{crisis_block(contacts)}"


RESUMED = N_("Messages I send on my own are on again, as you chose them (/reminders).")


def welcome_back(role: str, name: str, contacts: Sequence[str], *, resumed: bool = False) -> str:
    """/start from a member (after /stop too: one message, saying messages are back on)."""
    hello = _HELLO_AGAIN[role]
    again = f" {_(RESUMED)}" if resumed else ""
    return _(
        "{hello}{again} /help lists what I can do.\n\n{crisis}",
        hello=_(hello, name=name),
        again=again,
        crisis=crisis_block(contacts),
    )


# Whole sentences per role, so a translation can inflect "a peer worker" as it needs.
_HELLO_AGAIN = {
    "coordinator": N_("Hello again, {name}. You're here as a coordinator."),
    "worker": N_("Hello again, {name}. You're here as a peer worker."),
    "peer": N_("Hello again, {name}. You're here as a peer."),
}

INVITATION_PROBLEMS = {
    "malformed": N_("That invitation link looks incomplete. Please open the whole link again."),
    "unknown": N_("I don't recognise that invitation. Please ask for a new link."),
    "used": N_("That invitation has already been used. Please ask for a new link."),
    "expired": N_("That invitation has expired. Please ask for a new link."),
}

_ALREADY_JOINED = {
    "coordinator": N_("You've already joined as a coordinator, and one account holds one role."),
    "worker": N_("You've already joined as a peer worker, and one account holds one role."),
    "peer": N_("You've already joined as a peer, and one account holds one role."),
}


def already_joined(role: str) -> str:
    return _(
        "{joined} The invitation is still unused, so it can go to the person it was meant for.",
        joined=_(_ALREADY_JOINED[role]),
    )


def invitation_for_worker(link: str, expires: datetime) -> str:
    return _(
        "Here's a one-time invitation for a new peer worker. "
        "It works once and until {date}.\n\n{link}",
        date=long_date(expires.date()),
        link=link,
    )


def invitation_for_peer(name: str, sessions: int, link: str, expires: datetime) -> str:
    added = _n(
        "{name} is added, with a programme of {n} session.",
        "{name} is added, with a programme of {n} sessions.",
        sessions,
        name=name,
    )
    return _(
        "{added}\n\nShow them the QR code, or send them this link. "
        "It works once and until {date}.\n\n{link}",
        added=added,
        date=long_date(expires.date()),
        link=link,
    )


QR_CAPTION = N_("Scan with the phone's camera to join.")

PROBLEMS = {
    "name_missing": N_("Please add the peer's name after the command, like this: /addpeer Sam"),
    "name_too_long": N_("That name is a bit long. Please keep it to {limit} characters."),
    "peer_name_taken": N_(
        "You already have a peer called {name}. Please use a different name, "
        "for example with an initial."
    ),
}

NOT_FOR_YOUR_ROLE = N_("That's not something I can do for you, sorry. /help lists what you can do.")
DIDNT_CATCH = N_("Sorry, I didn't catch that. /help lists what I can do.")
# The database is out of reach for a moment (down, restarting, refused): nothing was taken.
RECORDS_UNREACHABLE = N_("I can't reach my records just now — please try again in a minute.")
SOMETHING_WENT_WRONG = N_(
    "Sorry, something went wrong on my side and nothing was changed. Please try again in a moment."
)

# Each role's commands in menu order (SPEC §3–5). Menus and /help show the ones the running
# app has a handler for, so a command appears the moment its feature lands.
# The last of every member's menu, whatever their role.
EVERY_MEMBER = [
    ("stop", N_("Pause messages I'd send on my own")),
    ("language", N_("The language I speak with you")),
    ("cancel", N_("Stop what we were in the middle of")),
    ("help", N_("What I can do, and crisis contacts")),
]
COMMANDS: dict[str, list[tuple[str, str]]] = {
    "stranger": [("start", N_("About this bot")), ("help", N_("Help and crisis contacts"))],
    "peer": [
        ("next", N_("Your next session")),
        ("sessions", N_("Your sessions")),
        ("rearrange", N_("Ask to move your next session")),
        ("log", N_("Log what you tried this week")),
        ("strategies", N_("Your strategies")),
        ("reminders", N_("Choose reminders, if you want them")),
        ("calendar", N_("Your sessions for your calendar")),
        ("mydata", N_("All your data, as a file")),
        ("forget", N_("Erase your data")),
        *EVERY_MEMBER,
    ],
    "worker": [
        ("diary", N_("Your upcoming sessions")),
        ("schedule", N_("Schedule a session")),
        ("peers", N_("Your peers")),
        ("summary", N_("Summary for a peer's next session")),
        ("outcome", N_("How a past session went")),
        ("addpeer", N_("Add a peer: /addpeer name")),
        ("close", N_("End a peer's programme early")),
        ("refer", N_("Record a referral: /refer name source")),
        ("calendar", N_("Your diary for your calendar")),
        ("settings", N_("Summaries, hours and time zone")),
        ("checkin", N_("Start a safety check-in for a visit")),
        ("safe", N_("I'm safe: end the check-in")),
        ("sos", N_("Alert the coordinators now")),
        ("mydata", N_("Your data, as a file")),
        *EVERY_MEMBER,
    ],
    "coordinator": [
        ("team", N_("Your team")),
        ("referrals", N_("Waiting referrals, and matching")),
        ("refer", N_("Record a referral: /refer name source")),
        ("digest", N_("The weekly digest, now")),
        ("invite", N_("Invite a new peer worker")),
        ("settings", N_("Digest day, time and time zone")),
        ("mydata", N_("Your data, as a file")),
        *EVERY_MEMBER,
    ],
}


def commands_of(role: str | None, available: Collection[str]) -> list[tuple[str, str]]:
    """The role's commands that the running bot actually has, described in the reader's
    language."""
    return [(name, _(about)) for name, about in COMMANDS[role or "stranger"] if name in available]


_HERE_AS = {
    "coordinator": N_("You're here as a coordinator. What I can do:"),
    "worker": N_("You're here as a peer worker. What I can do:"),
    "peer": N_("You're here as a peer. What I can do:"),
}


def help_text(role: str | None, contacts: Sequence[str], available: Collection[str]) -> str:
    lines = "\n".join(f"/{name} — {about}" for name, about in commands_of(role, available))
    intro = (
        _("I can only chat with people who have joined by invitation.")
        if role is None
        else _(_HERE_AS[role])
    )
    return f"{intro}\n{lines}\n\n{crisis_block(contacts)}"


BUTTON_GONE = N_("This button is out of date, so nothing was changed.")

FLOW_STOPPED = N_("Okay, stopped there. Nothing more was changed.")
NO_FLOW = N_("There's nothing to stop right now.")

# A group chat, said once per group (SPEC §2: private chats only, nobody's data in a group).
PRIVATE_CHATS_ONLY = N_(
    "I only work in private chats. Please write to me there: open my profile and press Start."
)
