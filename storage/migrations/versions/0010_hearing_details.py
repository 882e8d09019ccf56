"""a hearing's typed explanation is 'details': its grounds are now picked from a list

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

applications = sa.table("applications", sa.column("id", sa.Integer),
                        sa.column("decision", sa.JSON))


def _rename(old: str, new: str) -> None:
    """Before, staff typed the grounds as text into hearing.grounds; that text is now the
    hearing's details, and the decision's `grounds` holds the codes picked from the list."""
    bind = op.get_bind()
    for row in bind.execute(sa.select(applications.c.id, applications.c.decision)):
        decision = dict(row.decision or {})
        hearing = decision.get("hearing")
        if isinstance(hearing, dict) and old in hearing:
            hearing = {**hearing, new: hearing[old]}
            del hearing[old]
            bind.execute(applications.update().where(applications.c.id == row.id)
                         .values(decision={**decision, "hearing": hearing}))


def upgrade() -> None:
    _rename("grounds", "details")


def downgrade() -> None:
    _rename("details", "grounds")
