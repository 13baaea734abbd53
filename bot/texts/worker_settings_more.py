"""Peer workers' /settings beyond the panel's first lines: capacity (how many peers at
once) and, when the service uses them, lone-working safety check-ins on or off."""

from __future__ import annotations

from bot.i18n import N_, _, _n

BUTTON_CAPACITY = N_("Capacity")
BUTTON_SAFETY = N_("Safety check-ins: {state}")
ON, OFF = N_("on"), N_("off")
ASK_CAPACITY = N_("How many peers can you support at once?")
BUTTON_BACK_SETTINGS = N_("Back")


def capacity_lines(capacity: int, safety: bool | None) -> str:
    lines = [_n("• Capacity: {n} peer at once.", "• Capacity: {n} peers at once.", capacity)]
    if safety is not None:
        lines.append(_("• Safety check-ins: {state}.", state=_(ON if safety else OFF)))
    return "\n".join(lines)


PROBLEMS = {
    "capacity_unknown": N_("Please pick a number of peers with the buttons (at most {limit})."),
}
