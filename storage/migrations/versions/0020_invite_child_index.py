"""invite child index: a typed message asks whether its sender is a child in a conversation

Each typed message looks up the invites its sender joined as a child (storage/sessions.py,
and the turn's load in storage/conversations.py); without an index that was a scan of every
invite ever made.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_interview_invites_child_person_id", "interview_invites",
                    ["child_person_id"])


def downgrade() -> None:
    op.drop_index("ix_interview_invites_child_person_id", table_name="interview_invites")
