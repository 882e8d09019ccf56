"""service 2's result is a decision: its 'approved' applications become 'decided'

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INTERVIEWS = "SELECT id FROM applications WHERE service = 'interview'"


def upgrade() -> None:
    op.execute("UPDATE status_history SET status = 'decided' WHERE status = 'approved' "
               f"AND application_id IN ({INTERVIEWS})")
    op.execute("UPDATE applications SET status = 'decided' "
               "WHERE status = 'approved' AND service = 'interview'")


def downgrade() -> None:
    op.execute("UPDATE status_history SET status = 'approved' WHERE status = 'decided'")
    op.execute("UPDATE applications SET status = 'approved' WHERE status = 'decided'")
