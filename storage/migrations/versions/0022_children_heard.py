"""children heard: the decision on a child's opinion waits for each child's conversation,
recorded in the application's decision when staff end it; those ended before are recorded
by the app at its next start (the decision is sealed)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "children-heard"  # storage/pending.py


def upgrade() -> None:
    op.execute(f"INSERT INTO job_runs (name, last_run_on) VALUES ('{PENDING}', '2000-01-01')")


def downgrade() -> None:
    op.execute(f"DELETE FROM job_runs WHERE name = '{PENDING}'")
