"""The values each state-like column may hold; CHECK constraints are built from these."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    WORKER = "worker"
    PEER = "peer"


class ProgrammeState(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"  # every planned session held
    ENDED = "ended"  # the peer left (/forget) or the data was retired
    CLOSED = "closed"  # ended early by the peer worker (/close), with a reason


class CloseReason(StrEnum):
    """Why a programme ended early (SPEC §4 `/close`): no blame in any of them."""

    CHOSE_TO_STOP = "chose_to_stop"
    MOVED_ON = "moved_on"
    NO_CONTACT = "no_contact"
    OTHER = "other"


class ReferralState(StrEnum):
    WAITING = "waiting"  # on the list
    OFFERED = "offered"  # a coordinator asked a peer worker to take it
    MATCHED = "matched"  # the worker accepted: a programme exists
    CLOSED = "closed"


class ReferralCloseReason(StrEnum):
    NOT_WANTED = "not_wanted"
    NO_CONTACT = "no_contact"
    ELSEWHERE = "elsewhere"


class Recommend(StrEnum):
    """The second ending question: would you recommend peer support?"""

    YES = "yes"
    NOT_SURE = "not_sure"
    NO = "no"


class CheckinKind(StrEnum):
    """What a lone-working safety check-in (SPEC §8) is for."""

    SESSION = "session"  # a session in the diary
    ADHOC = "adhoc"  # /checkin: a visit not in the diary
    SOS = "sos"  # /sos: an alert at once


class CheckinState(StrEnum):
    OPEN = "open"  # waiting for "I'm safe"
    SAFE = "safe"  # the worker said so (or marked the session after its start)
    ALERTED = "alerted"  # coordinators were alerted and the worker has not said safe yet
    CANCELLED = "cancelled"  # its session was cancelled, or the worker turned check-ins off


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
    # The end of a programme (SPEC §3): the peer's toolbox and the three questions, once;
    # or, closed as "could not be contacted", one kind message that the door is open.
    TOOLBOX = "toolbox"
    DOOR_OPEN = "door_open"
    # Lone-working safety (SPEC §8); these go before everything else.
    SAFETY_START = "safety_start"  # the session has begun: "I'm safe" when you're done
    SAFETY_ASK = "safety_ask"  # "Are you safe?", once, after the end plus the grace
    SAFETY_ALERT = "safety_alert"  # to each coordinator
    SAFETY_HANDLED = "safety_handled"  # to the other coordinators: who is handling it
    SAFETY_OVER = "safety_over"  # to each coordinator alerted: the worker is safe


class DeliveryState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    MAYBE_SENT = "maybe_sent"  # the request went out but no answer came back
    SKIPPED = "skipped"
    FAILED = "failed"
