"""Where a referral came from: the short fixed list (GP, community team, another service,
self), recognised forgivingly from what is typed, or the words typed themselves."""

from __future__ import annotations

import re

from bot.services.errors import BadInput
from bot.services.onboarding import clean_name

GP, COMMUNITY_TEAM, OTHER_SERVICE, SELF, UNKNOWN = (
    "gp",
    "community_team",
    "other_service",
    "self",
    "unknown",
)
SOURCES = (GP, COMMUNITY_TEAM, OTHER_SERVICE, SELF)
# What people type for each source, after lowering the case and dropping punctuation.
SOURCE_WORDS = {
    GP: ("gp", "doctor", "gp surgery", "surgery", "family doctor", "the gp", "their gp", "my gp"),
    COMMUNITY_TEAM: (
        "cmht",
        "community team",
        "community mental health team",
        "community",
        "the community team",
        "crisis team",
    ),
    OTHER_SERVICE: ("other service", "another service", "service", "other", "elsewhere"),
    SELF: ("self", "self referral", "selfreferral", "themselves", "myself", "self referred"),
}
SOURCE_MAX = 64


def _clean_words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).replace("_", " ").split())


def recognise_source(typed: str) -> str:
    """The fixed list's key for what was typed ("GP", "CMHT", "self"...), else the words."""
    words = _clean_words(typed)
    if words.startswith(("from ", "by ", "via ")):
        words = words.split(" ", 1)[1]
    if not words:
        return UNKNOWN
    for key, said in SOURCE_WORDS.items():
        if words in said or words.replace(" ", "") in said:
            return key
    return " ".join(typed.split()).removeprefix("from ")[:SOURCE_MAX]


def parse_referral(raw: str) -> tuple[str, str]:
    """(first name, source) of `/refer <first name> [from where]`."""
    parts = raw.split(maxsplit=1)
    if not parts:
        raise BadInput("referral_name_missing")
    name = clean_name(parts[0])
    return name, recognise_source(parts[1]) if len(parts) > 1 else UNKNOWN
