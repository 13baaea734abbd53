"""CHECK constraints on every state-like column; server defaults beside the Python ones

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 09:00:00

The allowed values are written out here as they were when this migration was made, not
read from the enums in storage.models: a migration must mean the same thing forever.
When an enum grows, tests/test_migrations.py fails until a new migration says so.

Batch mode: on SQLite each table is copied once with all its changes (env.py turns
foreign keys off meanwhile); on PostgreSQL the same calls are plain ALTER TABLEs.
A database holding a value outside these lists stops this migration, on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.elements import ColumnElement, TextClause

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("coordinator", "worker", "peer")
PARTIES = ("peer", "worker")

# table -> column -> allowed values; the constraint is ck_<table>_<column>.
CHECKS: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {"role": ROLES},
    "invitations": {"role": ROLES},
    "programmes": {"state": ("active", "completed", "ended")},
    "sessions": {
        "state": ("scheduled", "confirmed", "cancelled", "held", "missed"),
        "cancelled_by": PARTIES,
    },
    "rearrange_requests": {
        "requested_by": PARTIES,
        "state": ("open", "accepted", "replaced", "declined"),
    },
    "strategy_entries": {"outcome": ("helped", "a_bit", "didnt_help", "didnt_try")},
    "deliveries": {
        "kind": (
            "reminder_day_before",
            "reminder_morning",
            "reminder_hour_before",
            "summary",
            "outcome_prompt",
            "digest",
        ),
        "state": ("pending", "claimed", "sent", "maybe_sent", "skipped", "failed"),
    },
}


def _time(sql: str) -> sa.TextClause:
    # SQLAlchemy's SQLite format for a time (with microseconds); PostgreSQL reads it too.
    return sa.text(f"'{sql}.000000'")


# (column, its type, server default); every one of them is NOT NULL.
Default = tuple[str, sa.types.TypeEngine[Any], str | TextClause | ColumnElement[Any]]
DEFAULTS: dict[str, tuple[Default, ...]] = {
    "people": (("paused", sa.Boolean(), sa.false()),),
    "programmes": (("state", sa.String(16), "active"),),
    "sessions": (
        ("state", sa.String(16), "scheduled"),
        ("version", sa.Integer(), sa.text("1")),
        ("times_moved", sa.Integer(), sa.text("0")),
        ("counts_against", sa.Boolean(), sa.false()),
    ),
    "rearrange_requests": (("state", sa.String(16), "open"),),
    "reminder_prefs": (
        ("day_before", sa.Boolean(), sa.false()),
        ("day_before_at", sa.Time(), _time("18:00:00")),
        ("morning", sa.Boolean(), sa.false()),
        ("morning_at", sa.Time(), _time("08:30:00")),
        ("hour_before", sa.Boolean(), sa.false()),
        ("quiet_from", sa.Time(), _time("21:00:00")),
        ("quiet_until", sa.Time(), _time("08:00:00")),
    ),
    "worker_prefs": (
        ("summary_lead_minutes", sa.Integer(), sa.text("120")),
        ("work_from", sa.Time(), _time("09:00:00")),
        ("work_until", sa.Time(), _time("17:00:00")),
        ("work_days", sa.String(7), "12345"),
    ),
    "coordinator_prefs": (
        ("digest_weekday", sa.Integer(), sa.text("1")),
        ("digest_at", sa.Time(), _time("09:00:00")),
    ),
    "deliveries": (
        ("state", sa.String(16), "pending"),
        ("attempts", sa.Integer(), sa.text("0")),
    ),
    "conversations": (("data", sa.JSON(), sa.text("'{}'")),),
}

TABLES = tuple(dict.fromkeys([*CHECKS, *DEFAULTS]))


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            for column, type_, default in DEFAULTS.get(table, ()):
                batch_op.alter_column(
                    column, existing_type=type_, existing_nullable=False, server_default=default
                )
            for column, values in CHECKS.get(table, {}).items():
                batch_op.create_check_constraint(
                    op.f(f"ck_{table}_{column}"), sa.column(column).in_(values)
                )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            for column in reversed(CHECKS.get(table, {})):
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
            for column, type_, _default in DEFAULTS.get(table, ()):
                batch_op.alter_column(
                    column, existing_type=type_, existing_nullable=False, server_default=None
                )
