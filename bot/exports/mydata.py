"""The /mydata file: everything stored about a person, as JSON they can read and keep.

Made from the frozen export bot.services.privacy reads (records in bot.services.export_records):
times shown in the person's own zone (ISO, with the offset), stored values put in words.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, default
from bot.services.export_records import (
    CoordinatorPart,
    DeliveryRecord,
    Export,
    PeerPart,
    ProgrammeRecord,
    ReferralRecord,
    SessionRecord,
    WorkerPart,
)
from bot.services.reminders import ReminderChoice
from bot.texts import privacy as t
from bot.texts.dates import weekday_long
from bot.texts.sessions import ordinal
from storage.models import Role

# Each role as the file names it (the keys stay English: they are the file's structure).
ROLES = {Role.COORDINATOR: N_("coordinator"), Role.WORKER: N_("peer worker"), Role.PEER: N_("peer")}
OUTCOMES = {
    "helped": "helped",
    "a_bit": "a bit",
    "didnt_help": "didn't help",
    "didnt_try": "didn't get to try",
}

# Where a referral came from, and why a programme or a referral ended, in words.
SOURCES = {
    "gp": "GP",
    "community_team": "community team",
    "other_service": "another service",
    "self": "yourself",
}
RECOMMEND = {"yes": "yes", "not_sure": "not sure", "no": "no"}


def _words(code: str | None) -> str | None:
    return None if code is None else code.replace("_", " ")


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


def _side(who: str | None) -> str | None:
    """Who asked or cancelled, in words ("worker" is a peer worker)."""
    return "peer worker" if who == "worker" else who


def _session(row: SessionRecord, when: _Zone) -> dict[str, Any]:
    return {
        # Named as every screen names it; a cancelled session has no number.
        "session": ordinal(row.number, row.planned),
        "starts": when(row.starts_at),
        "ends": when(row.starts_at + timedelta(minutes=row.minutes)),
        "length_minutes": row.minutes,
        "place": row.place,
        "state": "awaiting reply" if row.state == "scheduled" else row.state,
        "times_moved": row.times_moved,
        "confirmed": when(row.confirmed_at),
        "cancelled": when(row.cancelled_at),
        "cancelled_by": _side(row.cancelled_by),
        "cancelled_session_counts_against_programme": row.counts_against,
        "outcome_recorded": when(row.outcome_at),
    }


def _programme(row: ProgrammeRecord, key: str, name: str | None, when: _Zone) -> dict[str, Any]:
    return {
        key: name,
        "planned_sessions": row.planned_sessions,
        "state": row.state,
        "started": when(row.started_at),
        "ended": when(row.ended_at),
        "ended_early_because": _words(row.close_reason),
    }


def _own_programme(row: ProgrammeRecord, when: _Zone) -> dict[str, Any]:
    """One of the peer's programmes, with their own answers at its end."""
    found = _programme(row, "peer_worker", row.other_name, when)
    a = row.answers
    found["your_answers_at_the_end"] = (
        None
        if a is None
        else {
            "how_much_peer_support_helped_1_to_5": a.helped,
            "would_recommend_it": RECOMMEND.get(a.recommend or "", a.recommend),
            "anything_youd_like_to_say": a.comment,
            "asked": when(a.asked_at),
            "answered": when(a.answered_at),
        }
    )
    return found


def _referral(row: ReferralRecord, when: _Zone) -> dict[str, Any]:
    return {
        "first_name": row.first_name,
        "referred_by": SOURCES.get(row.source, row.source),
        "state": row.state,
        "closed_because": _words(row.close_reason),
        "referred": when(row.created_at),
        "matched": when(row.matched_at),
        "closed": when(row.closed_at),
    }


def _reminders(prefs: ReminderChoice) -> dict[str, Any] | str:
    if not prefs.any:
        return _(t.NO_REMINDERS)
    return {
        "the_day_before_at": _clock(prefs.day_before_at) if prefs.day_before else None,
        "on_the_morning_at": _clock(prefs.morning_at) if prefs.morning else None,
        "an_hour_before": prefs.hour_before,
        "quiet_hours": (
            _("{start} to {end}", start=_clock(prefs.quiet_from), end=_clock(prefs.quiet_until))
            if prefs.has_quiet_hours
            else _(t.NO_QUIET_HOURS)
        ),
    }


def _peer(part: PeerPart, when: _Zone) -> dict[str, Any]:
    sessions = []
    for item in part.sessions:
        row = _session(item.session, when)
        row["peer_worker_note_for_next_time"] = item.worker_note
        row["rearrange_requests"] = [
            {
                "asked_by": _side(r.requested_by),
                "asked": when(r.created_at),
                "proposed_time": when(r.proposed_at),
                "wish": r.wish,
                "state": r.state,
                "resolved": when(r.resolved_at),
            }
            for r in item.requests
        ]
        sessions.append(row)
    return {
        "referrals": [_referral(r, when) for r in part.referrals],
        "programmes": [_own_programme(p, when) for p in part.programmes],
        "sessions": sessions,
        "strategies": [
            {
                "name": s.name,
                "added": when(s.created_at),
                "last_used": when(s.last_used_at),
                "log": [
                    {
                        "how_it_went": OUTCOMES.get(e.outcome, e.outcome),
                        "note": e.note,
                        "logged": when(e.logged_at),
                    }
                    for e in s.log
                ],
            }
            for s in part.strategies
        ],
        "reminders": _reminders(part.reminders),
        "reminders_asked": when(part.reminders.asked_at),
    }


def _worker(part: WorkerPart, when: _Zone) -> dict[str, Any]:
    diary = []
    for entry in part.diary:
        row = _session(entry.session, when)
        row["peer"] = entry.peer_name or _(t.PEER_WHO_LEFT)
        diary.append(row)
    return {
        "settings": {
            "summary_minutes_before_session": part.summary_lead_minutes,
            "works_from": _clock(part.work_from),
            "works_until": _clock(part.work_until),
            "working_days": [weekday_long(day) for day in part.work_days],
            "last_place": part.last_place,
        },
        "peers": [
            _programme(p, "name", p.other_name or _(t.PEER_WHO_LEFT), when) for p in part.peers
        ],
        "diary": diary,
    }


def _coordinator(part: CoordinatorPart) -> dict[str, Any]:
    return {
        "settings": {
            "digest_day": weekday_long(part.digest_weekday),
            "digest_at": _clock(part.digest_at),
        }
    }


def _deliveries(rows: tuple[DeliveryRecord, ...], when: _Zone) -> list[dict[str, Any]]:
    return [
        {
            "kind": row.kind.replace("_", " "),
            "session": ordinal(row.session.number, row.session.planned) if row.session else None,
            "session_starts": when(row.session.starts_at) if row.session else None,
            "due": when(row.due_at),
            "state": row.state,
            "finished": when(row.finished_at),
            "reason": row.reason,
        }
        for row in rows
    ]


def document(export: Export) -> dict[str, Any]:
    """The export as the JSON document's structure, worded and in the person's zone."""
    profile = export.profile
    when = _Zone(profile.zone)
    document: dict[str, Any] = {
        "about": t.export_about(profile.zone),
        "exported": when(export.read_at),
        "profile": {
            "name": profile.name,
            "role": _(ROLES[profile.role]),
            "language": profile.language or default(),
            "time_zone": profile.zone,
            "added": when(profile.added),
            "joined": when(profile.joined),
            "messages_paused": profile.paused,
            "telegram_blocked_noticed": when(profile.unreachable_at),
        },
    }
    part = export.part
    if isinstance(part, PeerPart):
        document |= _peer(part, when)
    elif isinstance(part, WorkerPart):
        document |= _worker(part, when)
    else:
        document |= _coordinator(part)
    document["messages_sent_to_you"] = _deliveries(export.deliveries, when)
    conversation = export.conversation
    document["unfinished_conversation"] = (
        None
        if conversation is None
        else {
            "flow": conversation.flow,
            "step": conversation.step,
            "data": conversation.data,
            "updated": when(conversation.updated_at),
        }
    )
    return document


def render(export: Export) -> bytes:
    """The /mydata file's bytes (UTF-8 JSON, indented to be read)."""
    return json.dumps(document(export), ensure_ascii=False, indent=2).encode("utf-8")
