"""The strategy log: what a peer reads while logging and looking after their own list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.texts.common import crisis_block

if TYPE_CHECKING:
    from bot.services.strategies import Overview

OUTCOME_LABELS = {
    "helped": "Helped",
    "a_bit": "A bit",
    "didnt_help": "Didn't help",
    "didnt_try": "Didn't get to try",
}
# Typed answers accepted for each outcome (compared without case, spaces or punctuation).
_TYPED_OUTCOMES = {
    "helped": ("helped", "ithelped", "yes", "good"),
    "a_bit": ("abit", "alittle", "somewhat", "bit"),
    "didnt_help": ("didnthelp", "didnothelp", "nothelped", "no"),
    "didnt_try": ("didntgettotry", "didnttry", "didnotgettotry", "didnottry", "nottried"),
}

BUTTON_SKIP = "Skip"
BUTTON_LOG_ANOTHER = "Log another"
BUTTON_DONE = "Done"
BUTTON_CHANGE = "Rename or remove a strategy"
BUTTON_DELETE_ENTRY = "Delete an entry"
BUTTON_RENAME = "Rename"
BUTTON_REMOVE = "Remove"
BUTTON_YES_REMOVE = "Yes, remove it"
BUTTON_YES_DELETE = "Yes, delete it"
BUTTON_KEEP = "Keep it"
BUTTON_BACK = "Back"

LOG_FIRST = (
    "You have no strategies on your list yet, so please type the first thing you tried "
    "this week, in a few words."
)
LOG_PICK = "Which strategy did you try? Pick one, or type a new one."
LOG_DONE = "Thanks, that's all saved."
OUTCOME_AGAIN = "How did it go? Please pick one of the buttons."
PICK_STRATEGY = "Which strategy would you like to rename or remove?"
PICK_ENTRY = "Which entry would you like to delete?"
NO_STRATEGIES = "Your list is empty. /log adds your first strategy."
NO_ENTRIES = "You have no entries to delete."
KEPT = "Nothing was changed."

PROBLEMS = {
    "strategy_missing": "Please type the strategy in a few words, like: Walk after lunch",
    "strategy_too_long": (
        "That's {length} characters, a bit long for a strategy. "
        "Please keep it to {limit}: a few words is plenty, and the note comes next."
    ),
    "note_missing": "Please type a short note, or press Skip.",
    "note_too_long": (
        "That note is {length} characters. Please keep it to {limit}; "
        "you can talk it through at your session."
    ),
    "log_stale": "This step is over, so nothing was changed. /log starts a new entry.",
    "outcome_unknown": "Please pick how it went with one of the buttons.",
    "strategy_gone": "That strategy isn't on your list any more. /strategies shows your list.",
    "strategy_name_taken": "You already have “{name}” on your list. Please pick another name.",
    "entry_gone": "That entry isn't there any more. /strategies shows your entries.",
}


def outcome_from_text(raw: str) -> str | None:
    """The outcome a peer typed instead of pressing a button, if it is clear."""
    key = re.sub(r"[^a-z]", "", raw.casefold())
    for outcome, answers in _TYPED_OUTCOMES.items():
        if key in answers:
            return outcome
    return None


def is_skip(raw: str) -> bool:
    return re.sub(r"[^a-z]", "", raw.casefold()) == BUTTON_SKIP.casefold()


def short(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def day(when: datetime, timezone: str) -> str:
    local = when.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b}"


def how_did_it_go(name: str) -> str:
    return f"How did “{name}” go?"


def note_prompt(name: str, outcome: str, contacts: Sequence[str]) -> str:
    return (
        f"“{short(name, 80)}”: {OUTCOME_LABELS[outcome]}.\n"
        "Anything to add? Type a short note, or press Skip.\n\n"
        f"{crisis_block(contacts)}"
    )


def logged(name: str, outcome: str, note: str | None) -> str:
    with_note = ", with your note" if note else ""
    return f"Logged: “{short(name, 80)}”, {OUTCOME_LABELS[outcome]}{with_note}."


def entry_line(name: str, outcome: str, logged_at: datetime, timezone: str) -> str:
    return f"{day(logged_at, timezone)}: {short(name, 60)}, {OUTCOME_LABELS[outcome]}"


def entry_button(name: str, outcome: str, logged_at: datetime, timezone: str) -> str:
    return f"{day(logged_at, timezone)} · {short(name, 24)} · {OUTCOME_LABELS[outcome]}"


def overview(summary: Overview) -> str:
    """/strategies: this week's entries (newest first) and the whole list, phone-sized."""
    shown_entries, shown_names = 10, 20
    entries, names, tz = summary.this_week, summary.strategies, summary.timezone
    if entries:
        lines = ["Logged in the last 7 days:"]
        for entry in entries[:shown_entries]:
            lines.append(f"• {entry_line(entry.name, entry.outcome, entry.logged_at, tz)}")
            if entry.note:
                lines.append(f"  “{short(entry.note, 100)}”")
        if len(entries) > shown_entries:
            lines.append(f"…and {len(entries) - shown_entries} earlier this week.")
    else:
        lines = ["Nothing logged in the last 7 days. /log adds an entry."]
    if names:
        lines += ["", "Your strategies:"]
        lines += [f"• {short(item.name, 60)}" for item in names[:shown_names]]
        if len(names) > shown_names:
            lines.append(f"…and {len(names) - shown_names} more.")
    else:
        lines += ["", NO_STRATEGIES]
    return "\n".join(lines)


def strategy_details(name: str, entries: int) -> str:
    count = "no entries" if entries == 0 else f"{entries} entr{'y' if entries == 1 else 'ies'}"
    return f"“{name}”: {count}. Rename it, or remove it from your list?"


def confirm_remove(name: str, entries: int) -> str:
    goes = (
        "" if entries == 0 else f" Its {entries} entr{'y goes' if entries == 1 else 'ies go'} too."
    )
    return f"Remove “{short(name, 80)}” from your list?{goes}"


def removed(name: str) -> str:
    return f"Removed “{short(name, 80)}” from your list."


def confirm_delete(line: str, note: str | None) -> str:
    noted = f"\n“{short(note, 100)}”" if note else ""
    return f"Delete this entry?\n{line}{noted}"


def deleted(line: str) -> str:
    return f"Deleted: {line}."


def ask_new_name(name: str) -> str:
    return f"What would you like to call “{short(name, 80)}” now? Type the new name."


def renamed(old: str, new: str) -> str:
    return f"Renamed “{short(old, 60)}” to “{short(new, 60)}”."
