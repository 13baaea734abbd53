"""What the bot says when typed text could be one of several buttons, or none of them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import _


def choices(labels: Sequence[str], several: bool = False) -> str:
    """Typed text matched no button (or, `several`, more than one): the choices, numbered
    as they can be typed."""
    first = _("I'm not sure which one you mean.") if several else _("Sorry, I didn't catch that.")
    listed = "\n".join(f"{n}. {label}" for n, label in enumerate(labels, 1))
    return _(
        "{first} Press a button, or type one of these (or its number):\n{choices}",
        first=first,
        choices=listed,
    )
