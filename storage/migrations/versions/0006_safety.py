"""Lone-working check-ins: one per session, and the unresolved ones found by state

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 11:00:00

- `ix_safety_checkins_session_id` becomes unique: a session has one check-in, so two
  replicas planning the same session at once write one (INSERT … ON CONFLICT DO NOTHING).
- `ix_safety_checkins_state_ends_at`: each tick reads the unresolved check-ins (open or
  alerted), and the health check those whose alert is due.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_safety_checkins_session_id", table_name="safety_checkins")
    op.create_index("ix_safety_checkins_session_id", "safety_checkins", ["session_id"], unique=True)
    op.create_index("ix_safety_checkins_state_ends_at", "safety_checkins", ["state", "ends_at"])


def downgrade() -> None:
    op.drop_index("ix_safety_checkins_state_ends_at", table_name="safety_checkins")
    op.drop_index("ix_safety_checkins_session_id", table_name="safety_checkins")
    op.create_index("ix_safety_checkins_session_id", "safety_checkins", ["session_id"])
