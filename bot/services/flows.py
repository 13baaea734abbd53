"""Multi-step conversations, declared once: each flow's steps (an enum) and data (a dataclass).

A person is in at most one flow at a time. Its state lives in the `conversations` table, so
a restart or another replica goes on where they were. `at` is the one question every
step asks ("is this person at this step of this flow?"); expiry is decided here alone.
Each move from one step to the next (and an end, when asked) is conditional on the
version that was read, so two answers racing (a double tap, two replicas) move the flow
once and the other is Stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bot.services.errors import Stale
from bot.services.flow_data import decode, encode
from storage.uow import UnitOfWork

# A flow left alone this long is over: a typed message then means nothing special.
FLOW_LIFETIME = timedelta(hours=24)


class Flow(StrEnum):
    SCHEDULE = "schedule"  # a peer worker's guided /schedule
    REARRANGE = "rearrange"  # a peer picks or types a new time
    SUGGEST = "suggest"  # a peer worker suggests another time
    OUTCOME_NOTE = "outcome_note"  # a peer worker's note after marking a session
    LOG = "log"  # a peer's /log
    STRATEGIES = "str"  # a peer renames a strategy in /strategies
    REMINDERS = "reminders"  # a peer types a reminder time or quiet hours
    WORKER_SETTINGS = "worker_settings"  # a peer worker types hours or a time zone
    TEAM_SETTINGS = "team_settings"  # a coordinator types a digest time or a time zone
    SELF_REFERRAL = "self_referral"  # someone who asked for support types their first name
    CLOSE = "close"  # a peer worker ends a programme early, with a reason
    ENDING = "ending"  # a peer answers (or skips) the three questions at the end
    CHECKIN = "checkin"  # a peer worker types the place of an ad hoc safety check-in


class ScheduleStep(StrEnum):
    PEER = "peer"
    DAY = "day"
    TIME = "time"
    LENGTH = "length"
    PLACE = "place"


@dataclass(frozen=True)
class ScheduleData:
    programme_id: int | None = None
    day: date | None = None
    time: str | None = None  # "HH:MM", in the worker's zone
    minutes: int | None = None


class RearrangeStep(StrEnum):
    CHOOSE = "choose"


@dataclass(frozen=True)
class RearrangeData:
    session_id: int
    version: int


class SuggestStep(StrEnum):
    TIME = "time"


@dataclass(frozen=True)
class SuggestData:
    session_id: int
    version: int
    request_id: int
    # The worker accepted the peer's typed wish: the time they give moves the session.
    accepting: bool = False


class NoteStep(StrEnum):
    NOTE = "note"


@dataclass(frozen=True)
class NoteData:
    session_id: int


class LogStep(StrEnum):
    STRATEGY = "strategy"
    OUTCOME = "outcome"
    NOTE = "note"


@dataclass(frozen=True)
class LogData:
    # Ties buttons to this very /log, so a button of an older one is stale.
    n: int = 0
    strategy_id: int | None = None
    name: str | None = None  # a strategy typed in this /log, not saved until the entry is
    outcome: str | None = None


class StrategiesStep(StrEnum):
    RENAME = "rename"


@dataclass(frozen=True)
class StrategiesData:
    strategy_id: int


class RemindersStep(StrEnum):
    DAY_BEFORE_TIME = "time:1"
    MORNING_TIME = "time:2"
    QUIET = "quiet"


class WorkerSettingsStep(StrEnum):
    HOURS = "hours"
    TIMEZONE = "timezone"


class TeamSettingsStep(StrEnum):
    TIME = "time"
    ZONE = "zone"


class EndingStep(StrEnum):
    HELPED = "helped"  # how much has peer support helped? 1-5
    RECOMMEND = "recommend"  # would you recommend it?
    COMMENT = "comment"  # anything you'd like to say? (typed)


@dataclass(frozen=True)
class EndingData:
    programme_id: int


class SelfReferralStep(StrEnum):
    NAME = "name"  # after "Yes, please": the first name to use


class CheckinStep(StrEnum):
    PLACE = "place"


@dataclass(frozen=True)
class CheckinData:
    minutes: int = 60  # how long the visit is planned to take


@dataclass(frozen=True)
class NoData:
    pass


S = TypeVar("S", bound=StrEnum)
D = TypeVar("D")


@dataclass(frozen=True)
class FlowSpec(Generic[S, D]):
    """One flow: its name, its steps and the shape of its data."""

    flow: Flow
    steps: type[S]
    data: type[D]


SCHEDULE = FlowSpec(Flow.SCHEDULE, ScheduleStep, ScheduleData)
REARRANGE = FlowSpec(Flow.REARRANGE, RearrangeStep, RearrangeData)
SUGGEST = FlowSpec(Flow.SUGGEST, SuggestStep, SuggestData)
OUTCOME_NOTE = FlowSpec(Flow.OUTCOME_NOTE, NoteStep, NoteData)
LOG = FlowSpec(Flow.LOG, LogStep, LogData)
STRATEGIES = FlowSpec(Flow.STRATEGIES, StrategiesStep, StrategiesData)
REMINDERS = FlowSpec(Flow.REMINDERS, RemindersStep, NoData)
WORKER_SETTINGS = FlowSpec(Flow.WORKER_SETTINGS, WorkerSettingsStep, NoData)
TEAM_SETTINGS = FlowSpec(Flow.TEAM_SETTINGS, TeamSettingsStep, NoData)
ENDING = FlowSpec(Flow.ENDING, EndingStep, EndingData)
SELF_REFERRAL = FlowSpec(Flow.SELF_REFERRAL, SelfReferralStep, NoData)
CHECKIN = FlowSpec(Flow.CHECKIN, CheckinStep, CheckinData)

SPECS: dict[Flow, FlowSpec[Any, Any]] = {
    spec.flow: spec
    for spec in (
        SCHEDULE,
        REARRANGE,
        SUGGEST,
        OUTCOME_NOTE,
        LOG,
        STRATEGIES,
        REMINDERS,
        WORKER_SETTINGS,
        TEAM_SETTINGS,
        ENDING,
        SELF_REFERRAL,
        CHECKIN,
    )
}


@dataclass(frozen=True)
class At(Generic[S, D]):
    """Where a person is: the step, its data, and the version read (for a conditional move)."""

    step: S
    data: D
    written_at: datetime
    version: int


@dataclass(frozen=True)
class Where:
    """The flow and step a person is at, for routing a typed answer."""

    flow: Flow
    step: str


async def where(uow: UnitOfWork, person_id: int, *, now: datetime) -> Where | None:
    """The flow and step the person is at, if any and not expired."""
    row = await uow.conversations.get(person_id)
    if row is None or row.updated_at <= now - FLOW_LIFETIME or row.flow not in SPECS:
        return None
    return Where(Flow(row.flow), row.step)


async def at(
    uow: UnitOfWork, person_id: int, spec: FlowSpec[S, D], *steps: S, now: datetime
) -> At[S, D] | None:
    """Where the person is in `spec`'s flow, if at one of `steps` (any step when none given)."""
    row = await uow.conversations.get(person_id)
    if row is None or row.flow != spec.flow or row.updated_at <= now - FLOW_LIFETIME:
        return None
    if row.step not in spec.steps._value2member_map_:
        return None
    step = spec.steps(row.step)
    if steps and step not in steps:
        return None
    data = decode(spec.data, row.data or {})
    return At(step, data, row.updated_at, row.version) if data is not None else None


async def need(
    uow: UnitOfWork, person_id: int, spec: FlowSpec[S, D], *steps: S, now: datetime
) -> At[S, D]:
    """As `at`, but Stale when the person is not there (a button or answer of another time)."""
    found = await at(uow, person_id, spec, *steps, now=now)
    if found is None:
        raise Stale()
    return found


async def begin(
    uow: UnitOfWork, person_id: int, spec: FlowSpec[S, D], step: S, data: D, *, now: datetime
) -> None:
    """Start `spec`'s flow at `step`, leaving whatever flow the person was in."""
    await uow.conversations.start(person_id, spec.flow, step, encode(data), now)


async def advance(
    uow: UnitOfWork,
    person_id: int,
    spec: FlowSpec[S, D],
    read: At[S, D],
    step: S,
    data: D,
    *,
    now: datetime,
) -> None:
    """Move on from the state `read` to `step`; Stale if someone moved it meanwhile."""
    moved = await uow.conversations.advance(
        person_id, spec.flow, read.step, read.version, step, encode(data), now
    )
    if not moved:
        raise Stale()


async def end(
    uow: UnitOfWork,
    person_id: int,
    spec: FlowSpec[Any, Any] | None = None,
    *,
    read: At[Any, Any] | None = None,
) -> bool:
    """Leave the flow (only `spec`'s, when given; only if still as `read`, when given);
    True if the person was in it."""
    if read is not None and spec is None:
        raise ValueError("a conditional end names its flow")
    return await uow.conversations.clear(
        person_id,
        spec.flow if spec else None,
        step=read.step if read else None,
        version=read.version if read else None,
    )
