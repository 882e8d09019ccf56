"""citizen actors: a citizen's step names their row, not their account; the rows written
before are renamed by the app at its next start (finding the row takes the key)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 13:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "citizen-actors"  # storage/pending.py


def upgrade() -> None:
    op.execute(f"INSERT INTO job_runs (name, last_run_on) VALUES ('{PENDING}', '2000-01-01')")


def downgrade() -> None:
    # The renamed actors stay renamed: the accounts are not written out again.
    op.execute(f"DELETE FROM job_runs WHERE name = '{PENDING}'")
