"""A person's own data (SPEC §1.4): take it all (/mydata), erase it (/forget, retention)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.errors import DomainError
from bot.services.onboarding import member
from bot.texts import privacy as t
from storage.models import Delivery, PeerSession, Person, ReminderPrefs, Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTCOMES = {
    "helped": "helped",
    "a_bit": "a bit",
    "didnt_help": "didn't help",
    "didnt_try": "didn't get to try",
}


class NotYourButton(DomainError):
    """A confirmation made for another person (forged, or an account reused)."""


@dataclass(frozen=True)
class Forgotten:
    person_id: int
    # The peer workers to tell that a peer has left (Telegram ids of those still joined).
    worker_telegram_ids: tuple[int, ...]


class _Zone:
    """Shows UTC moments as ISO text in the person's own zone."""

    def __init__(self, name: str) -> None:
        self.tz = ZoneInfo(name)

    def __call__(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return moment.astimezone(self.tz).isoformat(timespec="minutes")


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _profile(person: Person, when: _Zone) -> dict[str, Any]:
    return {
        "name": person.display_name,
        "role": "peer worker" if person.role == Role.WORKER else person.role,
        "time_zone": person.timezone,
        "added": when(person.created_at),
        "joined": when(person.joined_at),
        "messages_paused": person.paused,
        "telegram_blocked_noticed": when(person.unreachable_at),
    }


def _deliveries(rows: list[Delivery], when: _Zone) -> list[dict[str, Any]]:
    return [
        {
            "kind": row.kind.replace("_", " "),
            "session": row.session_id,
            "due": when(row.due_at),
            "state": row.state,
            "finished": when(row.finished_at),
            "reason": row.reason,
        }
        for row in rows
    ]


async def _conversation(uow: UnitOfWork, person_id: int, when: _Zone) -> dict[str, Any] | None:
    row = await uow.conversations.get(person_id)
    if row is None:
        return None
    return {"flow": row.flow, "step": row.step, "data": row.data, "updated": when(row.updated_at)}


def _session(row: PeerSession, when: _Zone) -> dict[str, Any]:
    return {
        "session": row.id,
        "starts": when(row.starts_at),
        "ends": when(row.starts_at + timedelta(minutes=row.duration_minutes)),
        "length_minutes": row.duration_minutes,
        "place": row.place,
        "state": "awaiting reply" if row.state == "scheduled" else row.state,
        "times_moved": row.times_moved,
        "confirmed": when(row.confirmed_at),
        "cancelled": when(row.cancelled_at),
        "cancelled_by": "peer worker" if row.cancelled_by == "worker" else row.cancelled_by,
        "cancelled_session_counts_against_programme": row.counts_against,
        "outcome_recorded": when(row.outcome_at),
    }


def _reminders(prefs: ReminderPrefs) -> dict[str, Any] | str:
    if not (prefs.day_before or prefs.morning or prefs.hour_before):
        return t.NO_REMINDERS
    return {
        "the_day_before_at": _clock(prefs.day_before_at) if prefs.day_before else None,
        "on_the_morning_at": _clock(prefs.morning_at) if prefs.morning else None,
        "an_hour_before": prefs.hour_before,
        "quiet_hours": f"{_clock(prefs.quiet_from)} to {_clock(prefs.quiet_until)}",
    }


async def _peer_export(uow: UnitOfWork, peer: Person, when: _Zone) -> dict[str, Any]:
    repo = uow.privacy
    programmes = await repo.programmes_of_peer(peer.id)
    sessions = await repo.sessions_of([p.id for p, _ in programmes])
    requests = await repo.rearrange_requests([s.id for s in sessions])
    entries = await repo.entries_of(peer.id)
    prefs = await uow.prefs.reminders(peer.id)
    session_rows = []
    for row in sessions:
        item = _session(row, when)
        # A peer's own data includes what their peer worker noted about them.
        item["peer_worker_note_for_next_time"] = row.outcome_note
        item["rearrange_requests"] = [
            {
                "asked_by": "peer worker" if r.requested_by == "worker" else r.requested_by,
                "asked": when(r.created_at),
                "proposed_time": when(r.proposed_at),
                "wish": r.wish,
                "state": r.state,
                "resolved": when(r.resolved_at),
            }
            for r in requests
            if r.session_id == row.id
        ]
        session_rows.append(item)
    return {
        "programmes": [
            {
                "peer_worker": worker.display_name,
                "planned_sessions": programme.planned_sessions,
                "state": programme.state,
                "started": when(programme.started_at),
                "ended": when(programme.ended_at),
            }
            for programme, worker in programmes
        ],
        "sessions": session_rows,
        "strategies": [
            {
                "name": strategy.name,
                "added": when(strategy.created_at),
                "last_used": when(strategy.last_used_at),
                "log": [
                    {
                        "how_it_went": OUTCOMES.get(e.outcome, e.outcome),
                        "note": e.note,
                        "logged": when(e.logged_at),
                    }
                    for e in entries
                    if e.strategy_id == strategy.id
                ],
            }
            for strategy in await repo.strategies_of(peer.id)
        ],
        "reminders": _reminders(prefs),
        "reminders_asked": when(prefs.asked_at),
    }


async def _worker_export(uow: UnitOfWork, worker: Person, when: _Zone) -> dict[str, Any]:
    repo = uow.privacy
    prefs = await uow.prefs.worker(worker.id)
    programmes = await repo.programmes_of_worker(worker.id)
    names = {p.id: peer.display_name or t.PEER_WHO_LEFT for p, peer in programmes}
    diary = []
    # The diary is the worker's own: times, places and states, never a peer's strategy
    # texts or notes, so the file is safe to keep outside the bot.
    for row in await repo.sessions_of(list(names)):
        item = _session(row, when)
        item["peer"] = names[row.programme_id]
        diary.append(item)
    return {
        "settings": {
            "summary_minutes_before_session": prefs.summary_lead_minutes,
            "works_from": _clock(prefs.work_from),
            "works_until": _clock(prefs.work_until),
            "working_days": [WEEKDAYS[int(d) - 1] for d in prefs.work_days if d in "1234567"],
            "last_place": prefs.last_place,
        },
        "peers": [
            {
                "name": names[programme.id],
                "planned_sessions": programme.planned_sessions,
                "state": programme.state,
                "started": when(programme.started_at),
                "ended": when(programme.ended_at),
            }
            for programme, _peer in programmes
        ],
        "diary": diary,
    }


async def export_person(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> dict[str, Any]:
    """Everything stored about the person behind this account, readable by them."""
    person = await member(uow, telegram_id)
    when = _Zone(person.timezone)
    document: dict[str, Any] = {
        "about": t.export_about(person.timezone),
        "exported": when(now),
        "profile": _profile(person, when),
    }
    if person.role == Role.PEER:
        document |= await _peer_export(uow, person, when)
    elif person.role == Role.WORKER:
        document |= await _worker_export(uow, person, when)
    else:
        prefs = await uow.prefs.coordinator(person.id)
        document["settings"] = {
            "digest_day": WEEKDAYS[prefs.digest_weekday - 1],
            "digest_at": _clock(prefs.digest_at),
        }
    document["messages_sent_to_you"] = _deliveries(await uow.privacy.deliveries_to(person.id), when)
    document["unfinished_conversation"] = await _conversation(uow, person.id, when)
    log.info("person %s exported their data", person.id)
    return document


async def _erase(uow: UnitOfWork, peer: Person, now: datetime) -> tuple[int, ...]:
    repo = uow.privacy
    workers = [w for _p, w in await repo.programmes_of_peer(peer.id)]
    await repo.erase_peer(peer, now)
    told = {w.telegram_id for w in workers if w.telegram_id is not None and w.left_at is None}
    return tuple(sorted(told))


async def forget(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, person_id: int | None = None
) -> Forgotten:
    """Erase a peer's personal data and unlink the account; their sessions stay as counts.

    `person_id`, when given, must be the account's person (a button made for them).
    """
    peer = await member(uow, telegram_id, Role.PEER)
    if person_id is not None and peer.id != person_id:
        raise NotYourButton()
    workers = await _erase(uow, peer, now)
    await uow.commit()
    log.info("person %s erased on request", peer.id)
    return Forgotten(peer.id, workers)


async def erase_expired(uow: UnitOfWork, *, now: datetime, retention_days: int) -> list[int]:
    """Erase peers whose programme ended more than `retention_days` ago; their ids."""
    cutoff = now - timedelta(days=retention_days)
    peers = await uow.privacy.peers_ended_before(cutoff)
    for peer in peers:
        await _erase(uow, peer, now)
    await uow.commit()
    if peers:
        log.info("retention erased %d peers: %s", len(peers), [p.id for p in peers])
    return [p.id for p in peers]
