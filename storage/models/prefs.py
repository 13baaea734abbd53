"""Each role's own choices: a row per person, in its own table so erasure is a delete."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, ForeignKey, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime, time_of_day


class ReminderPrefs(Base):
    """A peer's own reminder choice. No row means no reminders (SPEC §1.1)."""

    __tablename__ = "reminder_prefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    day_before: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    day_before_at: Mapped[time] = time_of_day(18, 0)
    morning: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    morning_at: Mapped[time] = time_of_day(8, 30)
    hour_before: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    quiet_from: Mapped[time] = time_of_day(21, 0)
    quiet_until: Mapped[time] = time_of_day(8, 0)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WorkerPrefs(Base):
    __tablename__ = "worker_prefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    summary_lead_minutes: Mapped[int] = mapped_column(
        Integer, default=120, server_default=text("120")
    )
    work_from: Mapped[time] = time_of_day(9, 0)
    work_until: Mapped[time] = time_of_day(17, 0)
    # ISO weekdays the worker works, as digits: "12345" is Monday to Friday.
    work_days: Mapped[str] = mapped_column(String(7), default="12345", server_default="12345")
    last_place: Mapped[str | None] = mapped_column(String(120))
    # How many peers at once; None: the deployment's WORKER_CAPACITY.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Lone-working check-ins (SPEC §8), the worker's own choice when the service uses them.
    safety_checkins: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CoordinatorPrefs(Base):
    __tablename__ = "coordinator_prefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    # ISO: Monday
    digest_weekday: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    digest_at: Mapped[time] = time_of_day(9, 0)
