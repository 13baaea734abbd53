"""The digest's lone-working safety counts at service level (SPEC §8, issue 15 point 6):
check-ins and alerts for the week, how quickly alerts were handled, no names, no places;
and only when the service uses check-ins (SAFETY_CHECKINS)."""

from __future__ import annotations

from datetime import timedelta

from bot.exports.digest_csv import digest_csv
from bot.texts.team import render_digest
from storage.db import Database
from storage.models import WorkerPrefs
from storage.uow import UnitOfWork
from tests.test_digest import csv_sections
from tests.test_digest_flow import Service, ago, digest_of


async def a_week_of_checkins(uow: UnitOfWork) -> None:
    service = Service(uow)
    worker = await service.start()
    uow.session.add(WorkerPrefs(person_id=worker.id, safety_checkins=True))
    service.checkin(6)
    service.checkin(5, state="cancelled")  # its session was cancelled: never happened
    service.checkin(4, kind="adhoc")
    service.checkin(12)  # last week
    # Alerts: handled in 6 and in 10 minutes; one the worker ended with "I'm safe".
    for days, minutes in ((3, 6), (2, 10), (1, None)):
        alerted = ago(days) + timedelta(hours=1, minutes=30)
        handled = None if minutes is None else alerted + timedelta(minutes=minutes)
        service.checkin(days, alerted_at=alerted, handled_at=handled)
    service.checkin(0.5, kind="sos", state="alerted", alerted_at=ago(0.5))
    await uow.commit()


async def test_safety_counts_appear_only_when_the_service_uses_check_ins(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await a_week_of_checkins(uow)

    off, on = await digest_of(db), await digest_of(db, safety=True)

    assert off.safety is None
    assert "check-ins" not in render_digest(off).lower()
    assert b"safety" not in digest_csv(off)
    assert on.safety is not None
    assert (on.safety.checkins, on.safety.alerts, on.safety.handled) == (5, 4, 2)
    assert on.safety.median_minutes_to_handle == 8
    text = render_digest(on)
    assert "\n\nLone-working check-ins\nCheck-ins 5 · Alerts raised 4\n" in text
    assert "Alerts handled 2, in a median of 8 minutes" in text
    # No names, no places.
    assert "Private Lane" not in text
    rows = {row[2]: row[3] for row in csv_sections(digest_csv(on))[1][1:]}
    assert [rows[k] for k in ("safety_checkins", "safety_alerts_raised")] == ["5", "4"]
    assert rows["safety_median_minutes_to_handle"] == "8.0"
    assert b"Private Lane" not in digest_csv(on)
