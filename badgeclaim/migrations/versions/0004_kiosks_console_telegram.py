"""kiosks, console accounts and sessions, telegram state, erasure

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
import claims.models


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('telegram_chats',
    sa.Column('telegram_user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('state', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('telegram_user_id', name=op.f('pk_telegram_chats'))
    )
    op.create_table('telegram_updates',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('received_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_telegram_updates'))
    )
    with op.batch_alter_table('telegram_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_telegram_updates_received_at'), ['received_at'], unique=False)

    op.create_table('accounts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('issuer_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_accounts_issuer_id_issuers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_accounts_email'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('event_organisers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=False),
    sa.Column('added_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_organisers_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_organisers')),
    sa.UniqueConstraint('event_id', 'telegram_user_id', name=op.f('uq_event_organisers_event_id_telegram_user_id'))
    )
    with op.batch_alter_table('event_organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_organisers_event_id'), ['event_id'], unique=False)

    op.create_table('one_time_tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=True),
    sa.Column('event_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_one_time_tokens_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_one_time_tokens_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_one_time_tokens_token_hash'))
    )
    op.create_table('web_sessions',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_web_sessions_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_web_sessions'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_account_id'), ['account_id'], unique=False)

    op.create_table('kiosks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('display_code_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=100), nullable=True),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['display_code_id'], ['claim_codes.id'], name=op.f('fk_kiosks_display_code_id_claim_codes')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_kiosks_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosks')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_kiosks_token_hash'))
    )
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosks_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_issuer_id'), ['issuer_id'], unique=False)

    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_email_hash', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('erased_at', claims.models.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('claim_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_claim_codes_batch_id'), ['batch_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('claim_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_codes_batch_id'))
        batch_op.drop_column('batch_id')

    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('recipient_email_hash')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_issuer_id'))
        batch_op.drop_column('issuer_id')

    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosks_event_id'))

    op.drop_table('kiosks')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_account_id'))

    op.drop_table('web_sessions')
    op.drop_table('one_time_tokens')
    with op.batch_alter_table('event_organisers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_organisers_event_id'))

    op.drop_table('event_organisers')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_issuer_id'))

    op.drop_table('accounts')
    with op.batch_alter_table('telegram_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_telegram_updates_received_at'))

    op.drop_table('telegram_updates')
    op.drop_table('telegram_chats')
