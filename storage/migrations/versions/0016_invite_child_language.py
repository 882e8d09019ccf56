"""invite child language: the language the parent chose for the child, kept with the invite

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for the invites made before: the child then reads the parent's own language.
    op.add_column("interview_invites", sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interview_invites") as batch:
        batch.drop_column("language")
