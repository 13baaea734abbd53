"""The values each state-like column may hold; CHECK constraints are built from these."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    WORKER = "worker"
    PEER = "peer"


class ProgrammeState(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED = "ended"


class SessionState(StrEnum):
    SCHEDULED = "scheduled"  # awaiting the peer's reply
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    HELD = "held"
    MISSED = "missed"


class Party(StrEnum):
    """Which of a session's two people did something (the same words as their roles)."""

    PEER = "peer"
    WORKER = "worker"


class RearrangeState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REPLACED = "replaced"  # a newer request (or the session's outcome) took its place
    # Nothing in the bot writes this yet; the digest and summary tests use it for a
    # request that was turned down, so the database accepts it.
    DECLINED = "declined"


class StrategyOutcome(StrEnum):
    HELPED = "helped"
    A_BIT = "a_bit"
    DIDNT_HELP = "didnt_help"
    DIDNT_TRY = "didnt_try"


class DeliveryKind(StrEnum):
    REMINDER_DAY_BEFORE = "reminder_day_before"
    REMINDER_MORNING = "reminder_morning"
    REMINDER_HOUR_BEFORE = "reminder_hour_before"
    SUMMARY = "summary"
    OUTCOME_PROMPT = "outcome_prompt"
    DIGEST = "digest"


class DeliveryState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    MAYBE_SENT = "maybe_sent"  # the request went out but no answer came back
    SKIPPED = "skipped"
    FAILED = "failed"
