"""service 2: an application records its booked conversation time (decision['booked'])

The morning digest and the once-a-day reminder read whether a time is booked from the
application itself; bookings made before this revision are written onto their applications.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'  # 0008_consents.py, written at the same time
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOOKED = "booked"  # flows.interview.BOOKED, as it was when this revision was written

applications = sa.table("applications", sa.column("id", sa.Integer),
                        sa.column("decision", sa.JSON))
bookings = sa.table("interview_bookings", sa.column("application_id", sa.Integer),
                    sa.column("slot_key", sa.String), sa.column("status", sa.String))


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(applications.c.id, applications.c.decision, bookings.c.slot_key)
        .join(bookings, bookings.c.application_id == applications.c.id)
        .where(bookings.c.status == "booked")).all()
    for application_id, decision, slot_key in rows:
        connection.execute(applications.update().where(applications.c.id == application_id)
                           .values(decision={**(decision or {}), BOOKED: slot_key}))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(applications.c.id, applications.c.decision)).all()
    for application_id, decision in rows:
        if decision and BOOKED in decision:
            kept = {key: value for key, value in decision.items() if key != BOOKED}
            connection.execute(applications.update()
                               .where(applications.c.id == application_id)
                               .values(decision=kept))
