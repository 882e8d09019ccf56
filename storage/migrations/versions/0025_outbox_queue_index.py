"""outbox: the queue is read by (status, id) instead of (status, next_attempt_at)

A claim takes the oldest due messages. Read through (status, next_attempt_at), SQLite looked
at every due message, with its chat's earlier ones, and sorted them all before it took the
first hundred: a claim cost as much as the backlog, and 10,000 notices drained at ~750
messages/s. Read in the order of the ids, it stops at the hundredth (issue 15).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 00:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_queue", "outbox", ["status", "id"])
    op.drop_index("ix_outbox_due", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.drop_index("ix_outbox_queue", table_name="outbox")
