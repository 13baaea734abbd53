"""Coordinators: /team, the weekly digest and their settings. Counts only, short lines."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.digest import Digest, Figures
    from bot.services.team import CoordinatorSettings, TeamFigures, TeamView

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NO_WORKERS = "No peer workers have joined yet. Invite one with /invite."

CHART_TITLE = "Sessions, {period}"
CHART_NO_WORKERS = "No peer workers yet"
CHART_OTHERS = "{count} others"
# What each bar counts, written next to its number ("3 held").
CHART_LABELS = {"held": "held", "missed": "missed", "cancelled": "cancelled"}
CHART_CAPTION = "Held, missed and cancelled sessions per peer worker, last 7 days."
CSV_CAPTION = "The same figures as a spreadsheet file (CSV), one row per peer worker."

BUTTON_DAY = "Change day"
BUTTON_TIME = "Change time"
BUTTON_ZONE = "Change time zone"
ASK_DAY = "Which day should the weekly digest arrive?"
ASK_TIME = "What time should it arrive? Pick one, or type a time such as 08:30."
SAVED = "Saved."

PROBLEMS = {
    "team_time_unclear": (
        "Sorry, I couldn't read that as a time. Please type it like 09:00 or 17:30."
    ),
    "team_zone_unknown": (
        "I don't know the time zone “{typed}”. "
        "Please type a name such as Europe/London or America/New_York."
    ),
    "team_day_unknown": "Please pick a day with the buttons.",
}


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def clock(at: time) -> str:
    return f"{at:%H:%M}"


def day_button(weekday: int) -> str:
    return DAY_NAMES[weekday - 1][:3]


# --- /team -----------------------------------------------------------------------------


def _team_lines(f: TeamFigures) -> list[str]:
    lines = [
        f"{_plural(f.peers, 'active peer')}",
        f"This week: {_plural(f.this_week, 'session')}, {f.confirmed} confirmed so far",
        f"Programmes completed: {f.completed}",
    ]
    if f.unreachable:
        lines.append(f"Not reachable here: {_plural(f.unreachable, 'peer')}")
    return lines


def render_team(view: TeamView) -> str:
    """The team at a glance: totals, then each peer worker."""
    if not view.workers:
        return NO_WORKERS
    head = [
        f"Your team, week of {view.week_start:%a %-d %b}",
        f"{_plural(len(view.workers), 'peer worker')}",
        *_team_lines(view.totals),
    ]
    blocks = ["\n".join(head)]
    for worker in view.workers:
        blocks.append("\n".join([worker.name, *_team_lines(worker.figures)]))
    return "\n\n".join(blocks)


# --- the weekly digest -------------------------------------------------------------------


def _digest_lines(f: Figures) -> list[str]:
    cancelled = f"Cancelled {f.cancelled}"
    if f.cancelled:
        cancelled += f" (by peer {f.cancelled_by_peer}, by worker {f.cancelled_by_worker})"
    lines = [f"Held {f.held} · Missed {f.missed}", cancelled, f"Rearranged {f.rearranged}"]
    share = f.confirmed_share
    if share is not None:
        lines.append(
            f"Confirmed ahead {f.confirmed_in_advance} of {f.held_or_missed} ({share:.0%})"
        )
    lines.append(f"Programmes finished {f.completed}")
    lines.append(f"Chose reminders {f.reminders} of {_plural(f.peers, 'peer')}")
    if f.missed_in_a_row:
        # A prompt for a conversation in supervision, never a verdict on anyone.
        lines.append(f"Missed the last 2+ sessions: {_plural(f.missed_in_a_row, 'peer')}")
        lines.append("Perhaps one to talk over in supervision.")
    return lines


def render_digest(digest: Digest) -> str:
    """The weekly digest as a message: team totals first, then each peer worker."""
    head = [
        "Weekly digest",
        f"{digest.start:%-d %b} – {digest.end:%-d %b %Y}",
    ]
    if not digest.workers:
        return "\n".join([*head, "", NO_WORKERS])
    team = [f"Team: {_plural(len(digest.workers), 'peer worker')}", *_digest_lines(digest.totals)]
    blocks = ["\n".join(head), "\n".join(team)]
    for worker in digest.workers:
        blocks.append("\n".join([worker.name, *_digest_lines(worker.figures)]))
    return "\n\n".join(blocks)


# --- coordinator settings ----------------------------------------------------------------


def render_settings(current: CoordinatorSettings, *, saved: bool = False) -> str:
    text = (
        f"Your weekly digest arrives on {DAY_NAMES[current.weekday - 1]}s "
        f"at {clock(current.at)}.\nTime zone: {current.timezone}."
    )
    return f"{SAVED} {text}" if saved else text


def ask_zone(current: str) -> str:
    return (
        f"Your time zone is {current}. Pick one, or type its name, "
        "such as Europe/London or America/New_York."
    )
