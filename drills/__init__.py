"""Drills: an operator's trials of the bot's promises (SPEC §7), each one line of figures."""
