"""audit_log: an index on (action, subject)

Each send's end now asks whether its case was anonymised and whether an erasure held it
back: both look the audit log up by action (and subject), which grows with every step.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 20:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_log_action_subject", "audit_log", ["action", "subject"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_subject", table_name="audit_log")
