"""A version on each conversation, so a flow moves on only from the state that was read

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

Two answers to the same step (a double tap, two replicas) read the same version; the
first move bumps it and the second matches nothing. A timestamp could not tell them
apart when both come in the same instant.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("version")
