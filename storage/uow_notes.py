"""What a unit of work changed that the delivery ledger is planned from.

Repositories note the sessions and people whose deliveries may change (`touched`, kept in
the AsyncSession's `info`); changes made through the ORM are noted at flush. The unit of
work hands the note to its planner when it commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import CoordinatorPrefs, PeerSession, Person, ReminderPrefs, WorkerPrefs

TOUCHED = "peerbot_touched"


@dataclass
class Touched:
    """What a unit of work changed that the delivery ledger is planned from."""

    sessions: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.people)


def touched(session: AsyncSession | Session) -> Touched:
    """The unit's note of what it changed (repositories add to it: `session.info`)."""
    found = session.info.get(TOUCHED)
    if found is None:
        found = session.info[TOUCHED] = Touched()
    assert isinstance(found, Touched)
    return found


# Changes of these through the ORM (an attribute set, an object added) are noted at
# flush; conditional UPDATE statements are noted by the repository that runs them.
_PERSON_PREFS = (ReminderPrefs, WorkerPrefs, CoordinatorPrefs)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    note = touched(session)
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, PeerSession) and obj.id is not None:
            note.sessions.add(obj.id)
        elif isinstance(obj, _PERSON_PREFS) and obj.person_id is not None:
            note.people.add(obj.person_id)
        elif isinstance(obj, Person) and obj.id is not None:
            note.people.add(obj.id)
