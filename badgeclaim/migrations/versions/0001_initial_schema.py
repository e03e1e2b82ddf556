"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-30 03:31:05.082649
"""

from alembic import op
import sqlalchemy as sa
import claims.models


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_table('issuers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=True),
    sa.Column('image_mime', sa.String(length=40), nullable=True),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuers'))
    )
    op.create_table('badge_classes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('issuer_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('image_mime', sa.String(length=40), nullable=False),
    sa.Column('validity_days', sa.Integer(), nullable=True),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_badge_classes_issuer_id_issuers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_classes'))
    )
    with op.batch_alter_table('badge_classes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_classes_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('issuer_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('starts_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_events_issuer_id_issuers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('signing_keys',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('issuer_id', sa.Uuid(), nullable=False),
    sa.Column('algorithm', sa.String(length=20), nullable=False),
    sa.Column('public_pem', sa.Text(), nullable=False),
    sa.Column('private_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_signing_keys_issuer_id_issuers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys'))
    )
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_keys_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('claim_codes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('badge_class_id', sa.Uuid(), nullable=False),
    sa.Column('multi_use', sa.Boolean(), nullable=False),
    sa.Column('max_claims', sa.Integer(), nullable=False),
    sa.Column('claims_count', sa.Integer(), nullable=False),
    sa.Column('valid_from', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_until', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('claims_count >= 0 AND claims_count <= max_claims', name=op.f('ck_claim_codes_claims_within_max')),
    sa.CheckConstraint('max_claims >= 1', name=op.f('ck_claim_codes_max_claims_positive')),
    sa.ForeignKeyConstraint(['badge_class_id'], ['badge_classes.id'], name=op.f('fk_claim_codes_badge_class_id_badge_classes')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_claim_codes_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_claim_codes_code'))
    )
    with op.batch_alter_table('claim_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_codes_event_id'), ['event_id'], unique=False)

    op.create_table('awards',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('badge_class_id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('claim_code_id', sa.Integer(), nullable=True),
    sa.Column('recipient_email', sa.String(length=320), nullable=True),
    sa.Column('recipient_salt', sa.String(length=64), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=True),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('issued_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revocation_reason', sa.String(length=500), nullable=True),
    sa.Column('ob2_signed', sa.Text(), nullable=True),
    sa.Column('ob3_credential', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['badge_class_id'], ['badge_classes.id'], name=op.f('fk_awards_badge_class_id_badge_classes')),
    sa.ForeignKeyConstraint(['claim_code_id'], ['claim_codes.id'], name=op.f('fk_awards_claim_code_id_claim_codes')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_awards_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('event_id', 'badge_class_id', 'recipient_email', name=op.f('uq_awards_event_id_badge_class_id_recipient_email')),
    sa.UniqueConstraint('event_id', 'badge_class_id', 'telegram_user_id', name=op.f('uq_awards_event_id_badge_class_id_telegram_user_id')),
    sa.UniqueConstraint('status_index', name=op.f('uq_awards_status_index'))
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_claim_code_id'), ['claim_code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_event_id'), ['event_id'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('award_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=320), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', claims.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', claims.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_deliveries_award_id_awards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_award_id'), ['award_id'], unique=False)
        batch_op.create_index('ix_deliveries_due', ['status', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_due')
        batch_op.drop_index(batch_op.f('ix_deliveries_award_id'))

    op.drop_table('deliveries')
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_event_id'))
        batch_op.drop_index(batch_op.f('ix_awards_claim_code_id'))

    op.drop_table('awards')
    with op.batch_alter_table('claim_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_codes_event_id'))

    op.drop_table('claim_codes')
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_keys_issuer_id'))

    op.drop_table('signing_keys')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_issuer_id'))

    op.drop_table('events')
    with op.batch_alter_table('badge_classes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_classes_issuer_id'))

    op.drop_table('badge_classes')
    op.drop_table('issuers')
    op.drop_table('audit_log')
