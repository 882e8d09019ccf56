"""update log: a received update and its reply are kept until the reply is sent

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before this revision were marked on receipt: they count as done.
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False,
                                      server_default='done'))
        batch_op.add_column(sa.Column('chat', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reply', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('sent_calls', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_index('ix_processed_updates_open', ['channel', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('processed_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_processed_updates_open')
        batch_op.drop_column('sent_calls')
        batch_op.drop_column('reply')
        batch_op.drop_column('payload')
        batch_op.drop_column('chat')
        batch_op.drop_column('status')
