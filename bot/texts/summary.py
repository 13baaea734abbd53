"""The pre-session summary as a peer worker reads it on a phone: short lines, no tables."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.texts.strategies import OUTCOME_LABELS, day, short

if TYPE_CHECKING:
    from datetime import datetime

    from bot.services.summary import SessionSummary, SummaryEntry

# Telegram allows 4096 characters, but a summary is read at a glance before a session.
LIMIT = 1500
ENTRIES_SHOWN = 5

PROBLEMS = {
    "summary_name_missing": "Please add the peer's name, like this: /summary Sam",
    "summary_no_session": "{name} has no session coming up, so there's no summary yet.",
    "summary_peer_gone": "That peer isn't on your list any more. /summary lists your peers.",
}

CHOOSE_PEER = "Whose next session? Pick a peer, or type /summary and their name."
NO_PEERS = "You have no peers yet. /addpeer adds one."


def _when(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{day(moment, timezone)}, {local:%H:%M}"


def _state_line(summary: SessionSummary, name: str) -> str:
    if summary.state == "confirmed":
        return f"✓ {name} confirmed."
    if summary.state == "scheduled":
        return f"{name} hasn't confirmed yet."
    if summary.state == "cancelled":
        return "This session is cancelled."
    return f"This session is marked {summary.state}."


def _rearrange_line(summary: SessionSummary, name: str) -> str | None:
    ask = summary.rearrange
    if ask is None:
        return None
    who = f"{name} asked to rearrange" if ask.by_peer else "You suggested another time"
    if ask.proposed_at is not None:
        return f"{who}: {_when(ask.proposed_at, summary.timezone)}."
    if ask.wish:
        return f"{who}: “{short(ask.wish, 200)}”"
    return f"{who}."


def _entry_lines(entry: SummaryEntry, timezone: str) -> list[str]:
    lines = [
        f"• {short(entry.name, 60)}: {OUTCOME_LABELS[entry.outcome]} ({day(entry.logged_at, timezone)})"
    ]
    if entry.note:
        lines.append(f"  “{short(entry.note, 120)}”")
    return lines


def _rest(entries: tuple[SummaryEntry, ...]) -> str:
    counts = Counter(entry.outcome for entry in entries)
    parts = [f"{counts[o]} {OUTCOME_LABELS[o].lower()}" for o in OUTCOME_LABELS if counts[o]]
    return f"…and {len(entries)} more: {', '.join(parts)}."


def _compose(summary: SessionSummary, shown: int) -> str:
    tz = summary.timezone
    name = short(summary.peer_name, 64) or "Your peer"
    place = f" · {short(summary.place, 120)}" if summary.place else ""
    lines = [
        f"Before your session with {name}",
        f"Session {summary.number} of {summary.planned}",
        f"{_when(summary.starts_at, tz)} ({summary.duration_minutes} min){place}",
        _state_line(summary, name),
    ]
    rearrange = _rearrange_line(summary, name)
    if rearrange:
        lines.append(rearrange)
    lines.append("")
    since = f"since {day(summary.since, tz)}" if summary.since else "so far"
    entries = summary.entries
    if entries:
        lines.append(f"Tried {since} ({len(entries)}):")
        # The most recent entries matter most; older ones are summed up as counts.
        recent = entries[-shown:] if shown else ()
        for entry in reversed(recent):
            lines += _entry_lines(entry, tz)
        if len(entries) > len(recent):
            lines.append(_rest(entries[: len(entries) - len(recent)]))
    else:
        lines.append(f"Nothing logged {since}.")
    lines.append("")
    if summary.last_note:
        lines.append(f"Your note from last time: “{short(summary.last_note, 300)}”")
    lines.append(f"So far: {summary.held} held, {summary.missed} missed.")
    return "\n".join(lines)


def render_summary(summary: SessionSummary) -> str:
    """The summary text, under LIMIT characters however much was logged."""
    shown = min(ENTRIES_SHOWN, len(summary.entries))
    text = _compose(summary, shown)
    while len(text) > LIMIT and shown > 0:
        shown -= 1
        text = _compose(summary, shown)
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"
