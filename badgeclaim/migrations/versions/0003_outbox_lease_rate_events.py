"""delivery leases, rate-limit events

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import claims.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries') as batch:
        batch.add_column(sa.Column('lease_owner', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('leased_until', claims.models.UTCDateTime(timezone=True), nullable=True))
    op.create_table('rate_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_events'))
    )
    op.create_index('ix_rate_events_scope_key_at', 'rate_events', ['scope', 'key', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rate_events_scope_key_at', table_name='rate_events')
    op.drop_table('rate_events')
    with op.batch_alter_table('deliveries') as batch:
        batch.drop_column('leased_until')
        batch.drop_column('lease_owner')
