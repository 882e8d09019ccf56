"""outbox.erase_after_send; audit_log: an index on (action, subject)

An erasure (retention, /forget) that reaches a message while it is being sent marks it, and
the transaction that ends the send empties it: one flag read with the send's own update,
instead of a lookup at every send. The audit log is looked up by action (and subject) at
each erasure and on every page that asks whether a case was anonymised.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("erase_after_send", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_index("ix_audit_log_action_subject", "audit_log", ["action", "subject"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_subject", table_name="audit_log")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("erase_after_send")
