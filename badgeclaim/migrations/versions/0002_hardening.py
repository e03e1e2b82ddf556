"""event time zones, display-only codes, claim idempotency keys, cache revisions

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('timezone', sa.String(length=64), nullable=False, server_default='Europe/Paris'))
    with op.batch_alter_table('claim_codes') as batch:
        batch.add_column(sa.Column('display_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('issuers') as batch:
        batch.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('badge_classes') as batch:
        batch.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('awards') as batch:
        batch.add_column(sa.Column('client_nonce', sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f('uq_awards_claim_code_id_client_nonce'), ['claim_code_id', 'client_nonce'])


def downgrade() -> None:
    with op.batch_alter_table('awards') as batch:
        batch.drop_constraint(op.f('uq_awards_claim_code_id_client_nonce'), type_='unique')
        batch.drop_column('client_nonce')
    with op.batch_alter_table('badge_classes') as batch:
        batch.drop_column('revision')
    with op.batch_alter_table('issuers') as batch:
        batch.drop_column('revision')
    with op.batch_alter_table('claim_codes') as batch:
        batch.drop_column('display_only')
    with op.batch_alter_table('events') as batch:
        batch.drop_column('timezone')
