"""Button payloads, declared once: "<prefix>:<action>[:<number>…]", typed and range-checked.

A payload is an opaque reference, never content. Every button the bot makes is one of the
`Callback`s below; the same declaration encodes it, gives its handler an anchored pattern
and parses a press. Parsing checks every number against its bounds (ids 1..2**31-1, times
of day, days, indexes into a known list) and turns it into what it stands for, so a forged
payload is None here and never reaches the database or a date constructor. The handler
still re-checks that the presser may act on every id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from bot.i18n import shipped

# Telegram's limit for callback_data, in bytes.
MAX_BYTES = 64
BIGGEST = 2**31 - 1


@dataclass(frozen=True)
class Number:
    """One number in a payload, between `low` and `high`; parsed as itself."""

    low: int
    high: int

    @property
    def digits(self) -> int:
        return len(str(self.high))

    def valid(self, value: int) -> bool:
        return self.low <= value <= self.high

    def decode(self, value: int) -> Any:
        return value

    def encode(self, value: Any) -> int:
        return int(value)


class ClockTime(Number):
    """A time of day as HHMM (1930 is 19:30); parsed as a `time`."""

    def valid(self, value: int) -> bool:
        hour, minute = divmod(value, 100)
        return 0 <= hour <= 23 and 0 <= minute <= 59

    def decode(self, value: int) -> time:
        return time(*divmod(value, 100))

    def encode(self, value: Any) -> int:
        return int(value.hour * 100 + value.minute)


class Day(Number):
    """A calendar day as its ordinal; parsed as a `date`."""

    def decode(self, value: int) -> date:
        return date.fromordinal(value)

    def encode(self, value: Any) -> int:
        return int(value.toordinal())


class Moment(Number):
    """A moment to the minute, as minutes since 1970 UTC; parsed as an aware `datetime`."""

    def decode(self, value: int) -> datetime:
        return datetime.fromtimestamp(value * 60, tz=UTC)

    def encode(self, value: Any) -> int:
        return int(value.timestamp() // 60)


ID = Number(1, BIGGEST)
VERSION = Number(1, BIGGEST)
NONCE = Number(0, BIGGEST)  # a flow's random number (secrets.randbelow(2**31))
HHMM = ClockTime(0, 2359)
DAY = Day(1, date.max.toordinal())
MOMENT = Moment(1, BIGGEST)


def index(choices: tuple[object, ...]) -> Number:
    """A position in `choices`."""
    return Number(0, len(choices) - 1)


def small(low: int, high: int) -> Number:
    return Number(low, high)


@dataclass(frozen=True)
class Callback:
    """One kind of button: its prefix (the feature), its action and its numbers."""

    prefix: str
    action: str
    fields: tuple[Number, ...] = ()

    def __call__(self, *values: Any) -> str:
        """The payload for these values; ValueError if one is out of bounds or it is too long."""
        if len(values) != len(self.fields):
            raise ValueError(f"{self.prefix}:{self.action} takes {len(self.fields)} values")
        numbers = [field.encode(v) for field, v in zip(self.fields, values, strict=True)]
        for field, number in zip(self.fields, numbers, strict=True):
            if not field.valid(number):
                raise ValueError(f"{self.prefix}:{self.action}: {number} out of bounds")
        return checked_length(":".join([self.prefix, self.action, *map(str, numbers)]))

    @property
    def pattern(self) -> str:
        """The anchored regex a handler of this button listens on."""
        numbers = "".join(rf":([0-9]{{1,{f.digits}}})" for f in self.fields)
        return rf"^{re.escape(self.prefix)}:{re.escape(self.action)}{numbers}$"

    def parse(self, data: str | None) -> tuple[Any, ...] | None:
        """The values of a payload of this button; None if it is malformed or out of bounds."""
        found = re.fullmatch(self.pattern[1:-1], data or "")
        if found is None:
            return None
        numbers = [int(n) for n in found.groups()]
        if not all(f.valid(n) for f, n in zip(self.fields, numbers, strict=True)):
            return None
        return tuple(f.decode(n) for f, n in zip(self.fields, numbers, strict=True))


def checked_length(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("button payload over 64 bytes")
    return data


def feature_pattern(prefix: str) -> str:
    """Any payload of a feature: for the handler that answers its out-of-date buttons."""
    return rf"^{re.escape(prefix)}:"


# What some buttons stand for: the payload carries a position or code, never the value.
REMINDER_KINDS = ("day_before", "morning", "hour_before")  # codes 1, 2, 3
DIGEST_TIMES = (time(8), time(9), time(12), time(17))
DIGEST_ZONES = ("Europe/London", "Europe/Dublin", "Europe/Paris", "UTC")
WORKER_ZONES = ("Europe/London", "Europe/Dublin", "Europe/Paris")
SESSION_OUTCOMES = ("held", "missed", "cancelled")
CLOSE_REASONS = ("chose_to_stop", "moved_on", "no_contact", "other")  # storage.enums.CloseReason
RECOMMEND = ("yes", "not_sure", "no")  # storage.enums.Recommend
REFERRAL_CLOSE_REASONS = ("not_wanted", "no_contact", "elsewhere")
CAPACITY_CHOICES = (2, 3, 4, 5, 6, 8, 10, 12)

# The peer's answers under a session (the version makes buttons of an old time stale).
SES_CONFIRM = Callback("ses", "ok", (ID, VERSION))
SES_REARRANGE = Callback("ses", "re", (ID, VERSION))
SES_ASK_CANCEL = Callback("ses", "no", (ID, VERSION))
SES_CANCEL = Callback("ses", "yes", (ID, VERSION))
SES_KEEP = Callback("ses", "keep", (ID, VERSION))
# The peer worker's outcomes of a past session, and what follows.
OUT_HELD = Callback("out", "held", (ID,))
OUT_MISSED = Callback("out", "missed", (ID,))
OUT_CANCELLED = Callback("out", "cancelled", (ID,))
OUT_SKIP_NOTE = Callback("out", "skip", (ID,))
OUT_COUNT = Callback("out", "count", (ID,))
# Rearranging: a time for (session, version), accepting or suggesting for a request.
REA_PICK = Callback("rea", "pick", (ID, VERSION, MOMENT))
REA_ACCEPT = Callback("rea", "acc", (ID,))
REA_SUGGEST = Callback("rea", "sug", (ID,))
REA_SUGGESTED = Callback("rea", "sgt", (MOMENT,))
# Guided /schedule.
SCH_PEER = Callback("sch", "peer", (ID,))
SCH_DAY = Callback("sch", "day", (DAY,))
SCH_TIME = Callback("sch", "time", (HHMM,))
SCH_LENGTH = Callback("sch", "len", (small(1, 1440),))
SCH_PLACE = Callback("sch", "place", (small(0, 4),))  # k: the k-th place used before
# Reminders: the panel, its pickers and the one-time offer.
REM_TOGGLE = Callback("rem", "t", (small(1, 3),))
REM_TURN_ON = Callback("rem", "on", (small(1, 3),))
REM_ASK_TIME = Callback("rem", "tm", (small(1, 2),))
REM_SET_TIME = Callback("rem", "st", (small(1, 2), HHMM))
REM_ASK_QUIET = Callback("rem", "q")
REM_SET_QUIET = Callback("rem", "qs", (HHMM, HHMM))  # 00:00–00:00: no quiet hours
REM_NONE = Callback("rem", "n")
REM_NO_THANKS = Callback("rem", "no")
REM_BACK = Callback("rem", "b")
# Peer workers' settings.
WSET_ASK_LEAD = Callback("wset", "l")
WSET_ASK_HOURS = Callback("wset", "h")
WSET_ASK_DAYS = Callback("wset", "d")
WSET_ASK_ZONE = Callback("wset", "z")
WSET_SET_LEAD = Callback("wset", "ls", (small(1, 1440),))
WSET_SET_HOURS = Callback("wset", "hs", (HHMM, HHMM))
WSET_TOGGLE_DAY = Callback("wset", "dt", (small(1, 7),))
WSET_SET_ZONE = Callback("wset", "zs", (index(WORKER_ZONES),))
WSET_BACK = Callback("wset", "b")
WSET_ASK_CAPACITY = Callback("wset", "c")
WSET_SET_CAPACITY = Callback("wset", "cs", (small(1, 100),))
WSET_SAFETY = Callback("wset", "s", (small(0, 1),))  # 1: turn on, 0: turn off
# /log (the nonce ties a button to one /log, so an older one's buttons are stale).
LOG_PICK = Callback("log", "pick", (NONCE, ID))
LOG_OUTCOME = Callback("log", "out", (NONCE, small(0, 9)))
LOG_SKIP = Callback("log", "skip", (NONCE,))
LOG_AGAIN = Callback("log", "again")
LOG_DONE = Callback("log", "done")
# /summary's peers and /strategies.
STR_SUMMARY = Callback("str", "sum", (ID,))
STR_MENU = Callback("str", "menu")
STR_KEEP = Callback("str", "keep")
STR_PICK = Callback("str", "pick")
STR_SHOW = Callback("str", "s", (ID,))
STR_RENAME = Callback("str", "ren", (ID,))
STR_ASK_REMOVE = Callback("str", "rm", (ID,))
STR_REMOVE = Callback("str", "rmy", (ID,))
STR_ENTRIES = Callback("str", "entries")
STR_ENTRY = Callback("str", "e", (ID,))
STR_DELETE = Callback("str", "dely", (ID,))
# Coordinators' digest settings.
TEAM_ASK_DAY = Callback("team", "day")
TEAM_ASK_TIME = Callback("team", "time")
TEAM_ASK_ZONE = Callback("team", "zone")
TEAM_SET_DAY = Callback("team", "setday", (small(1, 7),))
TEAM_SET_TIME = Callback("team", "settime", (small(0, 23), small(0, 59)))
TEAM_SET_ZONE = Callback("team", "setzone", (index(DIGEST_ZONES),))
# Referrals (SPEC §2): the coordinator's list and matching, the worker's answer, the
# public link's consent. The version makes a button of an older state stale.
REF_LIST = Callback("ref", "l")
REF_MATCH = Callback("ref", "m", (ID, VERSION))
REF_OFFER = Callback("ref", "o", (ID, VERSION, ID))
REF_OFFER_ANYWAY = Callback("ref", "f", (ID, VERSION, ID))
REF_ASK_CLOSE = Callback("ref", "c", (ID, VERSION))
REF_CLOSE = Callback("ref", "cr", (ID, VERSION, index(REFERRAL_CLOSE_REASONS)))
REF_ACCEPT = Callback("ref", "a", (ID, VERSION))
REF_DECLINE = Callback("ref", "d", (ID, VERSION))
REF_YES = Callback("ref", "yes")
REF_NOT_NOW = Callback("ref", "no")
# A person's own data.
PRV_CALENDAR = Callback("prv", "cal")
PRV_FORGET = Callback("prv", "go", (ID,))
PRV_KEEP = Callback("prv", "keep", (ID,))
# /close: the peer, the reason, the confirmation (each re-checked: still active, theirs).
CLS_PEER = Callback("cls", "peer", (ID,))
CLS_REASON = Callback("cls", "why", (ID, index(CLOSE_REASONS)))
CLS_CONFIRM = Callback("cls", "yes", (ID, index(CLOSE_REASONS)))
CLS_KEEP = Callback("cls", "keep", (ID,))
# The three questions at a programme's end (question 1 to 3 skipped).
END_HELPED = Callback("end", "h", (ID, small(1, 5)))
END_RECOMMEND = Callback("end", "r", (ID, index(RECOMMEND)))
END_SKIP = Callback("end", "skip", (ID, small(1, 3)))
# Lone-working safety (SPEC §8): "I'm safe" under a check-in, "I'm handling it" under an
# alert, and Skip for an ad hoc check-in's place.
SFY_SAFE = Callback("sfy", "safe", (ID,))
SFY_HANDLE = Callback("sfy", "handle", (ID,))
SFY_SKIP_PLACE = Callback("sfy", "skip")
# /language: a shipped language, by its place in bot.i18n.shipped().
LANG_SET = Callback("lang", "set", (index(shipped()),))

EVERY = tuple(v for v in list(globals().values()) if isinstance(v, Callback))
