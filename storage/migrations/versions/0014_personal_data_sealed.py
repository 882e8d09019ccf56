"""personal data sealed at rest: blind indexes for the account and the IIN; the rows written
before are sealed by the app at its next start (it holds the key, migrations do not)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns that now hold ciphertext (storage/models.py declares them sealed).
SEALED = {
    "people": ("external_id", "display_name"),
    "conversations": ("state",),
    "processed_updates": ("chat", "payload", "reply"),
    "audit_log": ("details",),
    "applications": ("applicant_surname", "applicant_first_name", "applicant_patronymic",
                     "applicant_iin", "applicant_address", "applicant_phone", "answers",
                     "decision"),
    "application_children": ("surname", "first_name", "patronymic", "birth_date"),
    "documents": ("original_name",),
    "status_history": ("note",),
    "staff_threads": ("title",),
    "outbox": ("payload",),
    "application_notes": ("text",),
    "staff_requests": ("data",),
    "interview_sessions": ("transcript",),
}
# What the app does at its next start: seal every row written before (storage/reseal.py).
PENDING = "seal-at-rest"


def _as_text(column: str) -> str:
    """The value as the app reads an unsealed one: a date in ISO form whatever the server's
    DateStyle, anything else as its text (JSON keeps its own text)."""
    return f"to_char({column}, 'YYYY-MM-DD')" if column == "birth_date" else f"{column}::text"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:  # SQLite keeps any value in any column; PostgreSQL needs bytes declared
        op.drop_constraint("people_channel_external_id_key", "people")
        # A JSON default such as decision's '{}' cannot be cast to bytes: the app gives one.
        op.alter_column("applications", "decision", server_default=None)
        for table, columns in SEALED.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.LargeBinary(),
                                postgresql_using=f"convert_to({_as_text(column)}, 'UTF8')")
    # On SQLite the old unique (channel, external_id) stays: sealed values never repeat, and
    # dropping an unnamed constraint would mean rebuilding a table half the schema points to.
    op.add_column("people", sa.Column("external_key", sa.String(64), nullable=True))
    op.create_index("ux_people_channel_external_key", "people", ["channel", "external_key"],
                    unique=True)
    op.add_column("applications",
                  sa.Column("applicant_iin_key", sa.String(64), nullable=True))
    op.create_index("ix_applications_applicant_iin_key", "applications",
                    ["applicant_iin_key"])
    # The day is only a placeholder: the row's presence is the message.
    op.execute(f"INSERT INTO job_runs (name, last_run_on) VALUES ('{PENDING}', '2000-01-01')")


def downgrade() -> None:
    raise NotImplementedError("sealed data cannot be unsealed without the key: restore the "
                              "backup taken before the upgrade")
