"""issued papers: each legal document's PDF, hash and verification code

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issued_papers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"),
                  nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("registry_number", sa.String(40), nullable=False, unique=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_issued_papers_application_id", "issued_papers", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_issued_papers_application_id", "issued_papers")
    op.drop_table("issued_papers")
