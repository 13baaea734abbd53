"""Referrals, endings and languages: the whole journey, in each person's own language

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 11:00:00

- `referrals`: a first name, where the referral came from, when, and its matching state
  (SPEC §2 "Referrals and matching"); nothing else about the person.
- `ending_answers`: the three optional questions at a programme's end (SPEC §3).
- `programmes.close_reason` (and the state `closed`): a programme ended early by /close.
- `worker_prefs.capacity` and `worker_prefs.safety_checkins`: each worker's own caseload
  capacity and lone-working check-ins (SPEC §4, §8).
- `people.language`: the language the bot speaks to each person.
- `deliveries.programme_id` and the new delivery kinds: a programme's toolbox, and the
  lone-working safety messages, through the ledger like every message sent on its own.
- `safety_checkins` and `deliveries.checkin_id`: lone-working check-ins (SPEC §8).
- `ix_people_role`: the scheduler and the digest read people by role.

As in 0002, the allowed values are written out here as they were when this was made.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROGRAMME_STATES_BEFORE = ("active", "completed", "ended")
PROGRAMME_STATES = (*PROGRAMME_STATES_BEFORE, "closed")
CLOSE_REASONS = ("chose_to_stop", "moved_on", "no_contact", "other")
REFERRAL_STATES = ("waiting", "offered", "matched", "closed")
REFERRAL_CLOSE_REASONS = ("not_wanted", "no_contact", "elsewhere")
RECOMMEND = ("yes", "not_sure", "no")
CHECKIN_KINDS = ("session", "adhoc", "sos")
CHECKIN_STATES = ("open", "safe", "alerted", "cancelled")
KINDS_BEFORE = (
    "reminder_day_before",
    "reminder_morning",
    "reminder_hour_before",
    "summary",
    "outcome_prompt",
    "digest",
)
KINDS = (
    *KINDS_BEFORE,
    "toolbox",
    "door_open",
    "safety_start",
    "safety_ask",
    "safety_alert",
    "safety_handled",
    "safety_over",
)


def _utc(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def _person(name: str, ondelete: str) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("people.id", name=op.f(f"fk_referrals_{name}_people"), ondelete=ondelete),
        nullable=True,
    )


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(64), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="waiting"),
        sa.Column("close_reason", sa.String(16), nullable=True),
        _person("referred_by_id", "SET NULL"),
        _person("person_id", "CASCADE"),
        _person("offered_to_id", "SET NULL"),
        _person("offered_by_id", "SET NULL"),
        sa.Column(
            "programme_id",
            sa.Integer(),
            sa.ForeignKey(
                "programmes.id",
                name=op.f("fk_referrals_programme_id_programmes"),
                ondelete="SET NULL",
            ),
            nullable=True,
        ),
        _utc("created_at", nullable=False),
        _utc("offered_at"),
        _utc("matched_at"),
        _utc("closed_at"),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.CheckConstraint(
            sa.column("state").in_(REFERRAL_STATES), name=op.f("ck_referrals_state")
        ),
        sa.CheckConstraint(
            sa.column("close_reason").in_(REFERRAL_CLOSE_REASONS),
            name=op.f("ck_referrals_close_reason"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index("ix_referrals_state_created_at", "referrals", ["state", "created_at"])
    for column in ("referred_by_id", "person_id", "offered_to_id", "offered_by_id"):
        op.create_index(f"ix_referrals_{column}", "referrals", [column])
    op.create_index("ix_referrals_programme_id", "referrals", ["programme_id"])

    op.create_table(
        "ending_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "programme_id",
            sa.Integer(),
            sa.ForeignKey(
                "programmes.id",
                name=op.f("fk_ending_answers_programme_id_programmes"),
                ondelete="SET NULL",
            ),
            nullable=True,
        ),
        sa.Column("helped", sa.Integer(), nullable=True),
        sa.Column("recommend", sa.String(16), nullable=True),
        sa.Column("comment", sa.String(500), nullable=True),
        _utc("asked_at", nullable=False),
        _utc("answered_at"),
        sa.CheckConstraint(
            sa.column("recommend").in_(RECOMMEND), name=op.f("ck_ending_answers_recommend")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ending_answers")),
        sa.UniqueConstraint("programme_id", name=op.f("uq_ending_answers_programme_id")),
    )

    op.create_table(
        "safety_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "worker_id",
            sa.Integer(),
            sa.ForeignKey(
                "people.id", name=op.f("fk_safety_checkins_worker_id_people"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey(
                "sessions.id",
                name=op.f("fk_safety_checkins_session_id_sessions"),
                ondelete="CASCADE",
            ),
            nullable=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="open"),
        sa.Column("place", sa.String(120), nullable=True),
        _utc("starts_at", nullable=False),
        _utc("ends_at", nullable=False),
        _utc("safe_at"),
        _utc("asked_at"),
        _utc("alerted_at"),
        sa.Column(
            "handled_by_id",
            sa.Integer(),
            sa.ForeignKey(
                "people.id",
                name=op.f("fk_safety_checkins_handled_by_id_people"),
                ondelete="SET NULL",
            ),
            nullable=True,
        ),
        _utc("handled_at"),
        _utc("last_heard_at"),
        _utc("created_at", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.CheckConstraint(
            sa.column("kind").in_(CHECKIN_KINDS), name=op.f("ck_safety_checkins_kind")
        ),
        sa.CheckConstraint(
            sa.column("state").in_(CHECKIN_STATES), name=op.f("ck_safety_checkins_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_checkins")),
    )
    for column in ("worker_id", "session_id", "handled_by_id"):
        op.create_index(f"ix_safety_checkins_{column}", "safety_checkins", [column])

    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch_op.create_index("ix_people_role", ["role"])
    with op.batch_alter_table("programmes") as batch_op:
        batch_op.add_column(sa.Column("close_reason", sa.String(16), nullable=True))
        batch_op.drop_constraint(op.f("ck_programmes_state"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_programmes_state"), sa.column("state").in_(PROGRAMME_STATES)
        )
        batch_op.create_check_constraint(
            op.f("ck_programmes_close_reason"), sa.column("close_reason").in_(CLOSE_REASONS)
        )
    with op.batch_alter_table("worker_prefs") as batch_op:
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("safety_checkins", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(
            sa.Column(
                "programme_id",
                sa.Integer(),
                sa.ForeignKey(
                    "programmes.id",
                    name=op.f("fk_deliveries_programme_id_programmes"),
                    ondelete="CASCADE",
                ),
                nullable=True,
            )
        )
        batch_op.create_index("ix_deliveries_programme_id", ["programme_id"])
        batch_op.add_column(
            sa.Column(
                "checkin_id",
                sa.Integer(),
                sa.ForeignKey(
                    "safety_checkins.id",
                    name=op.f("fk_deliveries_checkin_id_safety_checkins"),
                    ondelete="CASCADE",
                ),
                nullable=True,
            )
        )
        batch_op.create_index("ix_deliveries_checkin_id", ["checkin_id"])
        batch_op.drop_constraint(op.f("ck_deliveries_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_deliveries_kind"), sa.column("kind").in_(KINDS))


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM deliveries WHERE kind NOT IN :kinds").bindparams(
            sa.bindparam("kinds", KINDS_BEFORE, expanding=True)
        )
    )
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_constraint(op.f("ck_deliveries_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_deliveries_kind"), sa.column("kind").in_(KINDS_BEFORE)
        )
        batch_op.drop_index("ix_deliveries_checkin_id")
        batch_op.drop_constraint(
            op.f("fk_deliveries_checkin_id_safety_checkins"), type_="foreignkey"
        )
        batch_op.drop_column("checkin_id")
        batch_op.drop_index("ix_deliveries_programme_id")
        batch_op.drop_constraint(op.f("fk_deliveries_programme_id_programmes"), type_="foreignkey")
        batch_op.drop_column("programme_id")
    with op.batch_alter_table("worker_prefs") as batch_op:
        batch_op.drop_column("safety_checkins")
        batch_op.drop_column("capacity")
    op.execute(sa.text("UPDATE programmes SET state = 'ended' WHERE state = 'closed'"))
    with op.batch_alter_table("programmes") as batch_op:
        batch_op.drop_constraint(op.f("ck_programmes_close_reason"), type_="check")
        batch_op.drop_constraint(op.f("ck_programmes_state"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_programmes_state"), sa.column("state").in_(PROGRAMME_STATES_BEFORE)
        )
        batch_op.drop_column("close_reason")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_index("ix_people_role")
        batch_op.drop_column("language")
    op.drop_table("safety_checkins")
    op.drop_table("ending_answers")
    op.drop_table("referrals")
