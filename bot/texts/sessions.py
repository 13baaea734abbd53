"""Sessions: what peers and peer workers read about their sessions."""

from __future__ import annotations

BUTTON_CONFIRM = "I'll be there"
BUTTON_REARRANGE = "Rearrange"
BUTTON_CANCEL = "Can't make it"
BUTTON_HELD = "Held"
BUTTON_MISSED = "Missed"
BUTTON_CANCELLED = "Cancelled"
