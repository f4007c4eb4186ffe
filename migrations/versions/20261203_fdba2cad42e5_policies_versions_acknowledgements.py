"""policies to read and acknowledge: policy, its requirements, versions, acknowledgements, review alerts, reminders

Revision ID: fdba2cad42e5
Revises: c4d8e2f6a913
Create Date: 2026-12-03 09:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import quizapp.db

revision = 'fdba2cad42e5'
down_revision = 'c4d8e2f6a913'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'policy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('all_staff', sa.Boolean(), nullable=False),
        sa.Column('days_to_acknowledge', sa.Integer(), nullable=False),
        sa.Column('review_by', sa.Date(), nullable=False),
        sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint('days_to_acknowledge BETWEEN 1 AND 365', name=op.f('ck_policy_days_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy')),
        sa.UniqueConstraint('title', name=op.f('uq_policy_title')),
    )
    op.create_table(
        'policy_requirement',
        sa.Column('policy_id', sa.Integer(), nullable=False),
        sa.Column('staff_group_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_requirement_policy_id_policy'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_group_id'], ['staff_group.id'],
                                name=op.f('fk_policy_requirement_staff_group_id_staff_group'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('policy_id', 'staff_group_id', name=op.f('pk_policy_requirement')),
    )
    op.create_table(
        'policy_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('policy_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('basis_number', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('document', sa.LargeBinary(), nullable=True),
        sa.Column('markdown', sa.Text(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('material', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('published_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('pdf', 'markdown')", name=op.f('ck_policy_version_kind_valid')),
        sa.CheckConstraint("(kind = 'pdf' AND document IS NOT NULL AND markdown IS NULL) OR "
                           "(kind = 'markdown' AND markdown IS NOT NULL AND document IS NULL)",
                           name=op.f('ck_policy_version_one_document')),
        sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_policy_version_sha256_length')),
        sa.CheckConstraint('number >= 1 AND basis_number BETWEEN 1 AND number',
                           name=op.f('ck_policy_version_numbers_valid')),
        sa.CheckConstraint('material OR number > 1', name=op.f('ck_policy_version_first_is_material')),
        sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_version_policy_id_policy')),
        sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'],
                                name=op.f('fk_policy_version_published_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_version')),
        sa.UniqueConstraint('policy_id', 'label', name='policy_label'),
        sa.UniqueConstraint('policy_id', 'number', name='policy_number'),
    )
    op.create_table(
        'policy_acknowledgement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_policy_acknowledgement_sha256_length')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_policy_acknowledgement_user_id_user_account')),
        sa.ForeignKeyConstraint(['version_id'], ['policy_version.id'],
                                name=op.f('fk_policy_acknowledgement_version_id_policy_version')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_acknowledgement')),
        sa.UniqueConstraint('user_id', 'version_id', name='user_version'),
    )
    op.create_index('ix_policy_acknowledgement_user_at', 'policy_acknowledgement', ['user_id', 'at'], unique=False)
    op.create_table(
        'policy_review_alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('policy_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('review_by', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('sent_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('two_months', 'one_month', 'one_week', 'due')",
                           name=op.f('ck_policy_review_alert_kind_valid')),
        sa.CheckConstraint("status IN ('sent', 'failed')", name=op.f('ck_policy_review_alert_status_valid')),
        sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_review_alert_policy_id_policy')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_policy_review_alert_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_review_alert')),
        sa.UniqueConstraint('policy_id', 'user_id', 'kind', 'review_by', name='policy_user_kind_review_by'),
    )
    op.create_table(
        'policy_reminder_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('policy_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('sent_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('sent', 'failed')", name=op.f('ck_policy_reminder_log_status_valid')),
        sa.ForeignKeyConstraint(['policy_id'], ['policy.id'], name=op.f('fk_policy_reminder_log_policy_id_policy')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_policy_reminder_log_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_reminder_log')),
    )
    op.create_index('ix_policy_reminder_log_user_policy_sent', 'policy_reminder_log',
                    ['user_id', 'policy_id', 'sent_at'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_policy_reminder_log_user_policy_sent', table_name='policy_reminder_log')
    op.drop_table('policy_reminder_log')
    op.drop_table('policy_review_alert')
    op.drop_index('ix_policy_acknowledgement_user_at', table_name='policy_acknowledgement')
    op.drop_table('policy_acknowledgement')
    op.drop_table('policy_version')
    op.drop_table('policy_requirement')
    op.drop_table('policy')
