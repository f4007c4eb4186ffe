"""training done elsewhere (external_training) and its evidence files (evidence_file)

Revision ID: db3b950e2725
Revises: fdba2cad42e5
Create Date: 2026-12-03 09:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import quizapp.db

revision = 'db3b950e2725'
down_revision = 'fdba2cad42e5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'evidence_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('uploaded_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')",
                           name=op.f('ck_evidence_file_content_type_valid')),
        sa.CheckConstraint('size > 0', name=op.f('ck_evidence_file_size_positive')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'],
                                name=op.f('fk_evidence_file_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    )
    op.create_index(op.f('ix_evidence_file_sha256'), 'evidence_file', ['sha256'], unique=False)
    op.create_table(
        'external_training',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('provider', sa.String(length=200), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('rejection_reason', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', quizapp.db.UTCDateTime(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('evidence_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'approved', 'rejected')",
                           name=op.f('ck_external_training_state_valid')),
        sa.CheckConstraint('minutes BETWEEN 0 AND 60000', name=op.f('ck_external_training_minutes_range')),
        sa.CheckConstraint('expires_on IS NULL OR expires_on >= completed_on',
                           name=op.f('ck_external_training_expiry_after_completion')),
        sa.CheckConstraint("(state = 'pending') = (decided_at IS NULL)",
                           name=op.f('ck_external_training_decided_unless_pending')),
        sa.CheckConstraint("state <> 'rejected' OR rejection_reason IS NOT NULL",
                           name=op.f('ck_external_training_rejection_has_reason')),
        sa.CheckConstraint("state <> 'approved' OR course_id IS NULL OR valid_until IS NOT NULL",
                           name=op.f('ck_external_training_approved_course_has_cover')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_external_training_user_id_user_account')),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='SET NULL',
                                name=op.f('fk_external_training_course_id_course')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_external_training_decided_by_id_user_account')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                                name=op.f('fk_external_training_recorded_by_id_user_account')),
        sa.ForeignKeyConstraint(['evidence_id'], ['evidence_file.id'],
                                name=op.f('fk_external_training_evidence_id_evidence_file')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_training')),
    )
    op.create_index(op.f('ix_external_training_user_id'), 'external_training', ['user_id'], unique=False)
    op.create_index('ix_external_training_cover', 'external_training', ['user_id', 'course_id', 'state'],
                    unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_external_training_cover', table_name='external_training')
    op.drop_index(op.f('ix_external_training_user_id'), table_name='external_training')
    op.drop_table('external_training')
    op.drop_index(op.f('ix_evidence_file_sha256'), table_name='evidence_file')
    op.drop_table('evidence_file')
