"""service 2: siblings in one application, each child with their own conversation

Bookings, invites and conversations name the child they are for: `child_position`, the
child's place in the application's list of children (0 for the first, and for every row
written before siblings were taken). An application's record of its booked times
(decision['booked']) becomes one slot key per child ({"0": "202611251000"}).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('interview_bookings', 'interview_invites', 'interview_sessions')
BOOKED = "booked"  # flows.interview.BOOKED, as it was when this revision was written

applications = sa.table("applications", sa.column("id", sa.Integer),
                        sa.column("decision", sa.JSON))


def _booked(convert: Callable[[Any], Any]) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(applications.c.id, applications.c.decision)):
        decision = dict(row.decision or {})
        if BOOKED not in decision:
            continue
        booked = convert(decision[BOOKED])
        if booked:
            decision[BOOKED] = booked
        else:
            del decision[BOOKED]
        bind.execute(applications.update().where(applications.c.id == row.id)
                     .values(decision=decision))


def _per_child(booked: Any) -> Any:
    """The one booked time of before is the first child's."""
    return {"0": booked} if isinstance(booked, str) else booked


def _first_childs(booked: Any) -> Any:
    """Back to one time per application: the first child's, the only one there was."""
    return booked.get("0") if isinstance(booked, dict) else booked


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('child_position', sa.Integer(), nullable=False,
                                          server_default='0'))
    _booked(_per_child)


def downgrade() -> None:
    _booked(_first_childs)
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('child_position')
