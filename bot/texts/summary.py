"""The pre-session summary as a peer worker reads it on a phone: short lines, no tables."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, _n
from bot.texts.dates import hhmm
from bot.texts.strategies import OUTCOME_LABELS, day, label, short

if TYPE_CHECKING:
    from datetime import datetime

    from bot.services.summary import SessionSummary, SummaryEntry

# Telegram allows 4096 characters, but a summary is read at a glance before a session.
LIMIT = 1500
ENTRIES_SHOWN = 5

PROBLEMS = {
    "summary_name_missing": N_("Please add the peer's name, like this: /summary Sam"),
    "summary_no_session": N_("{name} has no session coming up, so there's no summary yet."),
    "summary_peer_gone": N_("That peer isn't on your list any more. /summary lists your peers."),
}

CHOOSE_PEER = N_("Whose next session? Pick a peer, or type /summary and their name.")
NO_PEERS = N_("You have no peers yet. /addpeer adds one.")


def _counted(outcome: str, n: int) -> str:
    """How many entries went one way, as the summary counts them: "2 helped"."""
    if outcome == "helped":
        return _n("{n} helped", "{n} helped", n)
    if outcome == "a_bit":
        return _n("{n} a bit", "{n} a bit", n)
    if outcome == "didnt_help":
        return _n("{n} didn't help", "{n} didn't help", n)
    return _n("{n} didn't get to try", "{n} didn't get to try", n)


def _when(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return _("{day}, {time}", day=day(moment, timezone), time=hhmm(local))


def _state_line(summary: SessionSummary, name: str) -> str:
    if summary.state == "confirmed":
        return _("✓ {name} confirmed.", name=name)
    if summary.state == "scheduled":
        return _("{name} hasn't confirmed yet.", name=name)
    if summary.state == "cancelled":
        return _("This session is cancelled.")
    if summary.state == "held":
        return _("This session is marked held.")
    if summary.state == "missed":
        return _("This session is marked missed.")
    return _("This session is marked {state}.", state=summary.state)


def _rearrange_line(summary: SessionSummary, name: str) -> str | None:
    ask = summary.rearrange
    if ask is None:
        return None
    who = (
        _("{name} asked to rearrange", name=name)
        if ask.by_peer
        else _("You suggested another time")
    )
    if ask.proposed_at is not None:
        return _("{who}: {when}.", who=who, when=_when(ask.proposed_at, summary.timezone))
    if ask.wish:
        return _("{who}: “{wish}”", who=who, wish=short(ask.wish, 200))
    return _("{who}.", who=who)


def _entry_lines(entry: SummaryEntry, timezone: str) -> list[str]:
    lines = [
        _(
            "• {name}: {outcome} ({day})",
            name=short(entry.name, 60),
            outcome=label(entry.outcome),
            day=day(entry.logged_at, timezone),
        )
    ]
    if entry.note:
        lines.append(f"  “{short(entry.note, 120)}”")
    return lines


def _rest(entries: tuple[SummaryEntry, ...]) -> str:
    counts = Counter(entry.outcome for entry in entries)
    parts = [_counted(o, counts[o]) for o in OUTCOME_LABELS if counts[o]]
    # A plain list of counts, as people jot them (no "and").
    return _n(
        "…and {n} more: {counts}.",
        "…and {n} more: {counts}.",
        len(entries),
        counts=", ".join(parts),
    )


def _compose(summary: SessionSummary, shown: int) -> str:
    tz = summary.timezone
    name = short(summary.peer_name, 64) or _("Your peer")
    place = f" · {short(summary.place, 120)}" if summary.place else ""
    lines = [
        _("Before your session with {name}", name=name),
        _("Session {number} of {planned}", number=summary.number, planned=summary.planned),
        _(
            "{when} ({minutes} min)",
            when=_when(summary.starts_at, tz),
            minutes=summary.duration_minutes,
        )
        + place,
        _state_line(summary, name),
    ]
    rearrange = _rearrange_line(summary, name)
    if rearrange:
        lines.append(rearrange)
    lines.append("")
    since = day(summary.since, tz) if summary.since else None
    entries = summary.entries
    if entries:
        lines.append(
            _("Tried since {day} ({count}):", day=since, count=len(entries))
            if since
            else _("Tried so far ({count}):", count=len(entries))
        )
        # The most recent entries matter most; older ones are summed up as counts.
        recent = entries[-shown:] if shown else ()
        for entry in reversed(recent):
            lines += _entry_lines(entry, tz)
        if len(entries) > len(recent):
            lines.append(_rest(entries[: len(entries) - len(recent)]))
    else:
        lines.append(
            _("Nothing logged since {day}.", day=since) if since else _("Nothing logged so far.")
        )
    lines.append("")
    if summary.last_note:
        lines.append(_("Your note from last time: “{note}”", note=short(summary.last_note, 300)))
    lines.append(
        _("So far: {held} held, {missed} missed.", held=summary.held, missed=summary.missed)
    )
    return "\n".join(lines)


def render_summary(summary: SessionSummary) -> str:
    """The summary text, under LIMIT characters however much was logged."""
    shown = min(ENTRIES_SHOWN, len(summary.entries))
    text = _compose(summary, shown)
    while len(text) > LIMIT and shown > 0:
        shown -= 1
        text = _compose(summary, shown)
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"
