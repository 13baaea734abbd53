"""What a claimed delivery that is still wanted carries to its renderer and sender."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.models import Delivery, Person


@dataclass(frozen=True)
class SessionFacts:
    session_id: int
    version: int
    starts_at: datetime
    duration_minutes: int
    place: str | None
    state: str
    peer_name: str
    worker_name: str


@dataclass(frozen=True)
class Due:
    """A claimed delivery that is still wanted: everything needed to render and send it."""

    delivery_id: int
    kind: str
    key: str
    due_at: datetime
    recipient_id: int
    telegram_id: int
    timezone: str
    session: SessionFacts | None = None
    digest_day: date | None = None
    attempts: int = 1
    late: bool = False  # later than its due time by more than LATE_GRACE: it says so
    language: str | None = None  # the recipient's own; None: the deployment's default
    programme_id: int | None = None  # a programme's own message (its toolbox)
    checkin_id: int | None = None  # a lone-working check-in's message (SPEC §8)


def due_of(
    row: Delivery,
    person: Person,
    default_timezone: str,
    *,
    session: SessionFacts | None = None,
    digest_day: date | None = None,
    late: bool = False,
    programme_id: int | None = None,
    checkin_id: int | None = None,
) -> Due:
    """The `Due` of a claimed row still wanted by `person` (whom Telegram knows: the check
    skipped anyone without a telegram_id)."""
    assert person.telegram_id is not None
    return Due(
        row.id,
        row.kind,
        row.key,
        row.due_at,
        person.id,
        person.telegram_id,
        person.timezone or default_timezone,
        session,
        digest_day,
        row.attempts,
        late,
        person.language,
        programme_id,
        checkin_id,
    )
