"""citizen words: a citizen's own messages to staff, kept when relayed (the console's chat)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The words are sealed (LargeBinary): personal data, like every text a citizen typed.
    op.create_table(
        "citizen_words",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
    )
    op.create_index("ix_citizen_words_person_id", "citizen_words", ["person_id"])
    op.create_index("ix_citizen_words_at", "citizen_words", ["at"])


def downgrade() -> None:
    op.drop_index("ix_citizen_words_at", "citizen_words")
    op.drop_index("ix_citizen_words_person_id", "citizen_words")
    op.drop_table("citizen_words")
