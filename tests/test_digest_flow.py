"""The digest's service flow and safety counts, at service level (SPEC §5, §8).

The referrals, endings and check-ins are seeded straight into their tables: the subject
here is what the digest counts, not how the rows got there.
"""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from bot.chart import flow_chart_png
from bot.exports.digest_csv import digest_csv
from bot.i18n import speaking
from bot.services.digest import Digest, build_digest
from bot.services.digest_flow import Endings
from bot.texts.team import render_digest
from storage.db import Database
from storage.models import (
    EndingAnswers,
    Person,
    Programme,
    ProgrammeState,
    Referral,
    SafetyCheckin,
    SessionState,
)
from storage.uow import UnitOfWork
from tests import factories
from tests.test_digest import csv_sections

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
START = NOW - timedelta(days=7)
IDS = itertools.count(5000)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class Service:
    """Rows straight into the tables the digest counts."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.worker: Person | None = None

    async def start(self) -> Person:
        await factories.person(self.uow, "coordinator", "Chris", telegram_id=1, now=ago(400))
        self.worker = await factories.person(
            self.uow, "worker", "Wren", telegram_id=2, now=ago(400)
        )
        return self.worker

    async def programme(self, started_days_ago: float, name: str = "Peer") -> Programme:
        assert self.worker is not None
        peer = await factories.person(
            self.uow, "peer", name, telegram_id=next(IDS), now=ago(started_days_ago)
        )
        return await factories.programme(self.uow, peer, self.worker, now=ago(started_days_ago))

    def referral(self, days_ago: float, state: str = "waiting", **extra: Any) -> None:
        self.uow.session.add(
            Referral(
                first_name="Robin", source="gp", state=state, created_at=ago(days_ago), **extra
            )
        )

    async def matched(
        self, referred_days_ago: float, *sessions: tuple[float, SessionState]
    ) -> Programme:
        """A referral matched to a programme with these sessions (days ago, state)."""
        programme = await self.programme(referred_days_ago - 1)
        self.referral(referred_days_ago, "matched", programme_id=programme.id)
        for days_ago, state in sessions:
            await factories.session(self.uow, programme, ago(days_ago), now=ago(40), state=state)
        return programme

    async def ended(
        self, days_ago: float, state: ProgrammeState, reason: str | None = None
    ) -> None:
        programme = await self.programme(days_ago + 70)
        programme.state, programme.ended_at = state, ago(days_ago)
        programme.close_reason = reason

    def answers(self, *given: tuple[int | None, str | None]) -> None:
        for helped, recommend in given:
            self.uow.session.add(
                EndingAnswers(
                    helped=helped,
                    recommend=recommend,
                    comment="Private: my sister's illness",
                    asked_at=ago(3),
                    answered_at=ago(3),
                )
            )

    def checkin(self, starts_days_ago: float, kind: str = "session", **extra: Any) -> None:
        assert self.worker is not None
        starts = ago(starts_days_ago)
        self.uow.session.add(
            SafetyCheckin(
                worker_id=self.worker.id,
                kind=kind,
                state=extra.pop("state", "safe"),
                place="14 Private Lane",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                created_at=starts - timedelta(days=1),
                **extra,
            )
        )


async def a_month_of_referrals(uow: UnitOfWork) -> None:
    """Referrals received, waiting, matched with first sessions in and out of the week;
    programmes started, completed and closed early."""
    service = Service(uow)
    await service.start()
    # Received this week: one waiting, one offered to a worker, two matched below.
    service.referral(2)
    service.referral(6, "offered")
    # Waiting the longest: since 20 days ago. Closed ones are not waiting.
    service.referral(20.5)
    service.referral(30, "closed", close_reason="elsewhere", closed_at=ago(25))
    # First sessions this week: after 8, 4 and 24 days (median 8).
    await service.matched(10, (2, SessionState.HELD), (-5, SessionState.SCHEDULED))
    # Its earlier session was cancelled: the first session is the one held after it.
    await service.matched(5, (3, SessionState.CANCELLED), (1, SessionState.HELD))
    # A first session the peer missed still ends the wait for one.
    await service.matched(30, (6, SessionState.MISSED))
    # First sessions in earlier weeks (the chart's), and one still ahead.
    await service.matched(40, (20, SessionState.HELD))
    await service.matched(3.5, (-2, SessionState.SCHEDULED))
    # Programmes started this week: the two matched from 5 and 3.5 days ago (each starts a
    # day after its referral). Ended this week or before it:
    await service.ended(1, ProgrammeState.COMPLETED)
    await service.ended(3, ProgrammeState.CLOSED, "chose_to_stop")
    await service.ended(4, ProgrammeState.CLOSED, "chose_to_stop")
    await service.ended(5, ProgrammeState.CLOSED, "no_contact")
    await service.ended(15, ProgrammeState.CLOSED, "moved_on")
    await service.ended(20, ProgrammeState.COMPLETED)
    await uow.commit()


async def digest_of(db: Database, *, safety: bool = False) -> Digest:
    async with UnitOfWork(db) as uow:
        return await build_digest(uow, start=START, end=NOW, safety=safety)


async def test_the_flow_counts_referrals_waits_first_sessions_and_programmes(
    db: Database,
) -> None:
    async with UnitOfWork(db) as uow:
        await a_month_of_referrals(uow)

    flow = (await digest_of(db)).flow

    assert (flow.referrals, flow.waiting, flow.longest_wait_days) == (4, 3, 20)
    assert (flow.first_sessions, flow.median_wait_days) == (3, 8)
    assert (flow.started, flow.completed, flow.closed_early) == (2, 1, 3)
    assert flow.closed == {"chose_to_stop": 2, "moved_on": 0, "no_contact": 1, "other": 0}


async def test_the_digest_shows_the_flow_figures_after_the_teams(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await a_month_of_referrals(uow)

    text = render_digest(await digest_of(db))

    assert "\n\nService flow\n" in text
    block = text.split("\n\nService flow\n", 1)[1].split("\n\n")[0]
    assert block == (
        "Referrals received 4\n"
        "Waiting now 3, the longest for 20 days\n"
        "First sessions after a referral 3\n"
        "Median wait from referral to first session: 8 days\n"
        "Programmes started 2 · Completed 1\n"
        "Closed early 3\n"
        "· the peer chose to stop 2\n"
        "· could not be contacted 1\n"
        "Ending answers: fewer than five answers so far"
    )
    assert text.index("Team: 1 peer worker") < text.index("Service flow") < text.index("\nWren\n")
    assert "Robin" not in text


async def test_the_chart_weeks_hold_each_weeks_referrals_and_median_wait(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await a_month_of_referrals(uow)

    weeks = (await digest_of(db)).flow.weeks

    assert len(weeks) == 12 and weeks[0].start == NOW - timedelta(weeks=12)
    assert weeks[-1].start == START
    # This week: four received; 8, 4 and 24 days' waits. Three weeks back: one received,
    # and the first session of one referred 40 days ago, after 20 days.
    assert [(w.referrals, w.median_wait_days) for w in weeks[-4:]] == [
        (0, None),
        (1, 20),
        (1, None),
        (4, 8),
    ]
    assert sum(w.referrals for w in weeks) == 9  # those from 30 and 40 days ago too


async def test_the_flow_chart_is_a_phone_sized_png(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await a_month_of_referrals(uow)

    png = flow_chart_png(await digest_of(db))

    with Image.open(io.BytesIO(png)) as picture:
        assert picture.format == "PNG" and picture.width == 1080


def test_an_empty_services_flow_chart_still_draws() -> None:
    with Image.open(io.BytesIO(flow_chart_png(Digest(START, NOW, *_nothing())))) as picture:
        assert picture.format == "PNG"


def _nothing() -> tuple[Any, ...]:
    from bot.services.digest import Figures

    return (Figures(), ())


async def answered(db: Database, *given: tuple[int | None, str | None]) -> None:
    async with UnitOfWork(db) as uow:
        Service(uow).answers(*given)
        await uow.commit()


FOUR = ((5, "yes"), (4, "yes"), (2, "not_sure"), (5, "yes"))


async def test_ending_answers_show_no_figures_until_five_have_answered(db: Database) -> None:
    await answered(db, *FOUR)

    digest = await digest_of(db)

    assert digest.flow.endings == Endings(helped_answers=4, recommend_answers=4)
    text = render_digest(digest)
    assert text.endswith("Ending answers: fewer than five answers so far")
    assert "helped" not in text.split("Service flow")[1]
    rows = {row[2]: row[3] for row in csv_sections(digest_csv(digest))[1][1:]}
    assert rows["ending_helped_average_of_5"] == "fewer than five answers so far"
    assert rows["ending_recommend_answers"] == "fewer than five answers so far"
    assert "ending_helped_answers" not in rows and "ending_recommend_yes" not in rows


async def test_ending_answers_show_the_average_and_counts_from_five(db: Database) -> None:
    await answered(db, *FOUR, (5, "no"), (None, None))

    digest = await digest_of(db)

    assert digest.flow.endings == Endings(
        helped_answers=5,
        helped_average=4.2,
        recommend_answers=5,
        recommend={"yes": 3, "not_sure": 1, "no": 1},
    )
    text = render_digest(digest)
    assert text.endswith(
        "How much it helped: 4.2 of 5 (5 answers)\n"
        "Would recommend: yes 3 · not sure 1 · no 1 (5 answers)"
    )
    rows = {row[2]: row[3] for row in csv_sections(digest_csv(digest))[1][1:]}
    assert (rows["ending_helped_answers"], rows["ending_helped_average_of_5"]) == ("5", "4.2")
    assert [rows[f"ending_recommend_{c}"] for c in ("yes", "not_sure", "no")] == ["3", "1", "1"]
    # Never what anyone wrote.
    assert "sister" not in text and b"sister" not in digest_csv(digest)


async def test_each_ending_question_waits_for_its_own_five_answers(db: Database) -> None:
    await answered(db, *FOUR, (3, None))

    text = render_digest(await digest_of(db))

    assert text.endswith(
        "How much it helped: 3.8 of 5 (5 answers)\nWould recommend: fewer than five answers so far"
    )


async def test_the_csv_has_the_service_figures_and_the_weeks_sections(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await a_month_of_referrals(uow)

    workers, service, weeks = csv_sections(digest_csv(await digest_of(db)))

    assert workers[0][:3] == ["period_start", "period_end", "peer_worker"]
    assert service[0] == ["period_start", "period_end", "service_figure", "value"]
    figures = {row[2]: row[3] for row in service[1:]}
    assert {row[0] for row in service[1:]} == {"2026-11-19"}
    assert figures == {
        "referrals_received": "4",
        "referrals_waiting_now": "3",
        "longest_wait_days": "20",
        "first_sessions_after_referral": "3",
        "median_days_referral_to_first_session": "8.0",
        "programmes_started": "2",
        "programmes_completed": "1",
        "closed_early_chose_to_stop": "2",
        "closed_early_moved_on": "0",
        "closed_early_no_contact": "1",
        "closed_early_other": "0",
        "ending_helped_average_of_5": "fewer than five answers so far",
        "ending_recommend_answers": "fewer than five answers so far",
    }
    assert weeks[0] == ["week_start", "referrals_received", "median_days_referral_to_first_session"]
    assert (
        len(weeks) == 13 and weeks[1][0] == "2026-09-03" and weeks[-1] == ["2026-11-19", "4", "8.0"]
    )


async def test_the_digest_dates_are_in_the_readers_language(db: Database) -> None:
    digest = await digest_of(db)

    with speaking("cy"):
        text = render_digest(digest)

    assert text.split("\n")[1] == "19 Tach – 26 Tach 2026"


@pytest.mark.parametrize("safety", [False, True])
async def test_an_empty_service_counts_zero_everywhere(db: Database, safety: bool) -> None:
    digest = await digest_of(db, safety=safety)

    assert (digest.flow.referrals, digest.flow.waiting, digest.flow.longest_wait_days) == (
        0,
        0,
        None,
    )
    assert digest.flow.median_wait_days is None and digest.flow.closed_early == 0
    assert render_digest(digest).startswith(
        "Weekly digest\n19 Nov – 26 Nov 2026\n\nNo peer workers"
    )
