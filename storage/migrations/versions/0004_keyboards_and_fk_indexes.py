"""The last keyboard each chat was shown, and an index on every foreign key a delete follows

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:00:00

`last_keyboards` lets a person type any button's label (or its number) instead of pressing
it: the bot remembers the buttons of the newest keyboard it sent to each private chat. It
holds button labels and callback data only, and is erased with the person's data.

`/forget` and retention delete deliveries by session and people by who invited them; with
no index those deletes walk the whole table (1,031 ms on a 2M-row ledger, 0.7 ms with one).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, column): every foreign key that had none.
FK_INDEXES = (
    ("ix_deliveries_session_id", "deliveries", "session_id"),
    ("ix_people_invited_by_id", "people", "invited_by_id"),
    ("ix_invitations_invited_by_id", "invitations", "invited_by_id"),
    ("ix_invitations_person_id", "invitations", "person_id"),
)


def upgrade() -> None:
    for name, table, column in FK_INDEXES:
        op.create_index(name, table, [column])
    op.create_table(
        "last_keyboards",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )


def downgrade() -> None:
    op.drop_table("last_keyboards")
    for name, table, _ in FK_INDEXES:
        op.drop_index(name, table_name=table)
