"""The strategy log: what a peer reads while logging and looking after their own list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, _n
from bot.texts.common import crisis_block
from bot.texts.dates import short_day

if TYPE_CHECKING:
    from bot.services.strategies import Overview

OUTCOME_LABELS = {
    "helped": N_("Helped"),
    "a_bit": N_("A bit"),
    "didnt_help": N_("Didn't help"),
    "didnt_try": N_("Didn't get to try"),
}
# Typed answers accepted for each outcome (compared without case, spaces or punctuation).
_TYPED_OUTCOMES = {
    "helped": ("helped", "ithelped", "yes", "good"),
    "a_bit": ("abit", "alittle", "somewhat", "bit"),
    "didnt_help": ("didnthelp", "didnothelp", "nothelped", "no"),
    "didnt_try": ("didntgettotry", "didnttry", "didnotgettotry", "didnottry", "nottried"),
}

BUTTON_SKIP = N_("Skip")
BUTTON_LOG_ANOTHER = N_("Log another")
BUTTON_DONE = N_("Done")
BUTTON_CHANGE = N_("Rename or remove a strategy")
BUTTON_DELETE_ENTRY = N_("Delete an entry")
BUTTON_RENAME = N_("Rename")
BUTTON_REMOVE = N_("Remove")
BUTTON_YES_REMOVE = N_("Yes, remove it")
BUTTON_YES_DELETE = N_("Yes, delete it")
BUTTON_KEEP = N_("Keep it")
BUTTON_BACK = N_("Back")

LOG_FIRST = N_(
    "You have no strategies on your list yet, so please type the first thing you tried "
    "this week, in a few words."
)
LOG_PICK = N_("Which strategy did you try? Pick one, or type a new one.")
LOG_DONE = N_("Thanks, that's all saved.")
OUTCOME_AGAIN = N_("How did it go? Please pick one of the buttons.")
PICK_STRATEGY = N_("Which strategy would you like to rename or remove?")
PICK_ENTRY = N_("Which entry would you like to delete?")
NO_STRATEGIES = N_("Your list is empty. /log adds your first strategy.")
NO_ENTRIES = N_("You have no entries to delete.")
KEPT = N_("Nothing was changed.")

PROBLEMS = {
    "strategy_missing": N_("Please type the strategy in a few words, like: Walk after lunch"),
    "strategy_too_long": N_(
        "That's {length} characters, a bit long for a strategy. "
        "Please keep it to {limit}: a few words is plenty, and the note comes next."
    ),
    "note_missing": N_("Please type a short note, or press Skip."),
    "note_too_long": N_(
        "That note is {length} characters. Please keep it to {limit}; "
        "you can talk it through at your session."
    ),
    "log_stale": N_("This step is over, so nothing was changed. /log starts a new entry."),
    "outcome_unknown": N_("Please pick how it went with one of the buttons."),
    "strategy_gone": N_("That strategy isn't on your list any more. /strategies shows your list."),
    "strategy_name_taken": N_("You already have “{name}” on your list. Please pick another name."),
    "entry_gone": N_("That entry isn't there any more. /strategies shows your entries."),
}


def _letters(raw: str) -> str:
    return re.sub(r"[\W\d_]", "", raw.casefold())


def outcome_from_text(raw: str) -> str | None:
    """The outcome a peer typed instead of pressing a button, if it is clear (English's
    ways of saying it, or the button's words in the reader's language)."""
    key = _letters(raw)
    for outcome, answers in _TYPED_OUTCOMES.items():
        if key in answers or key == _letters(label(outcome)):
            return outcome
    return None


def is_skip(raw: str) -> bool:
    return _letters(raw) in (BUTTON_SKIP.casefold(), _letters(_(BUTTON_SKIP)))


def label(outcome: str) -> str:
    """An outcome's button label in the reader's language: 'Helped'."""
    return _(OUTCOME_LABELS[outcome])


def short(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def day(when: datetime, timezone: str) -> str:
    """'Thu 3 Dec' in the reader's zone and language."""
    return short_day(when.astimezone(ZoneInfo(timezone)).date())


def how_did_it_go(name: str) -> str:
    return _("How did “{name}” go?", name=name)


def note_prompt(name: str, outcome: str, contacts: Sequence[str]) -> str:
    return _(
        "“{name}”: {outcome}.\nAnything to add? Type a short note, or press Skip.\n\n{crisis}",
        name=short(name, 80),
        outcome=label(outcome),
        crisis=crisis_block(contacts),
    )


def logged(name: str, outcome: str, note: str | None) -> str:
    values = {"name": short(name, 80), "outcome": label(outcome)}
    if note:
        return _("Logged: “{name}”, {outcome}, with your note.", **values)
    return _("Logged: “{name}”, {outcome}.", **values)


def entry_line(name: str, outcome: str, logged_at: datetime, timezone: str) -> str:
    return f"{day(logged_at, timezone)}: {short(name, 60)}, {label(outcome)}"


def entry_button(name: str, outcome: str, logged_at: datetime, timezone: str) -> str:
    return f"{day(logged_at, timezone)} · {short(name, 24)} · {label(outcome)}"


def overview(summary: Overview) -> str:
    """/strategies: this week's entries (newest first) and the whole list, phone-sized."""
    shown_entries, shown_names = 10, 20
    entries, names, tz = summary.this_week, summary.strategies, summary.timezone
    if entries:
        lines = [_("Logged in the last 7 days:")]
        for entry in entries[:shown_entries]:
            lines.append(f"• {entry_line(entry.name, entry.outcome, entry.logged_at, tz)}")
            if entry.note:
                lines.append(f"  “{short(entry.note, 100)}”")
        if len(entries) > shown_entries:
            more = len(entries) - shown_entries
            lines.append(_n("…and {n} earlier this week.", "…and {n} earlier this week.", more))
    else:
        lines = [_("Nothing logged in the last 7 days. /log adds an entry.")]
    if names:
        lines += ["", _("Your strategies:")]
        lines += [f"• {short(item.name, 60)}" for item in names[:shown_names]]
        if len(names) > shown_names:
            lines.append(_n("…and {n} more.", "…and {n} more.", len(names) - shown_names))
    else:
        lines += ["", _(NO_STRATEGIES)]
    return "\n".join(lines)


def strategy_details(name: str, entries: int) -> str:
    if entries == 0:
        return _("“{name}”: no entries. Rename it, or remove it from your list?", name=name)
    return _n(
        "“{name}”: {n} entry. Rename it, or remove it from your list?",
        "“{name}”: {n} entries. Rename it, or remove it from your list?",
        entries,
        name=name,
    )


def confirm_remove(name: str, entries: int) -> str:
    if entries == 0:
        return _("Remove “{name}” from your list?", name=short(name, 80))
    return _n(
        "Remove “{name}” from your list? Its {n} entry goes too.",
        "Remove “{name}” from your list? Its {n} entries go too.",
        entries,
        name=short(name, 80),
    )


def removed(name: str) -> str:
    return _("Removed “{name}” from your list.", name=short(name, 80))


def confirm_delete(line: str, note: str | None) -> str:
    noted = f"\n“{short(note, 100)}”" if note else ""
    return _("Delete this entry?\n{entry}", entry=line) + noted


def deleted(line: str) -> str:
    return _("Deleted: {entry}.", entry=line)


def ask_new_name(name: str) -> str:
    return _("What would you like to call “{name}” now? Type the new name.", name=short(name, 80))


def renamed(old: str, new: str) -> str:
    return _("Renamed “{old}” to “{new}”.", old=short(old, 60), new=short(new, 60))
