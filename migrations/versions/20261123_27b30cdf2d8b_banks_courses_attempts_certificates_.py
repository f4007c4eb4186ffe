"""banks, courses, attempts, certificates, settings, reminders

Revision ID: 27b30cdf2d8b
Revises: 1cbbbbf2b13c
Create Date: 2026-11-23 01:40:10.970276
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import quizapp.db


revision = '27b30cdf2d8b'
down_revision = '1cbbbbf2b13c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark_pct', sa.Integer(), nullable=False),
    sa.Column('max_attempts_per_day', sa.Integer(), nullable=False),
    sa.Column('cooldown_minutes', sa.Integer(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('cooldown_minutes BETWEEN 0 AND 10080', name=op.f('ck_course_cooldown_range')),
    sa.CheckConstraint('max_attempts_per_day BETWEEN 1 AND 50', name=op.f('ck_course_attempts_range')),
    sa.CheckConstraint('pass_mark_pct BETWEEN 1 AND 100', name=op.f('ck_course_pass_mark_range')),
    sa.CheckConstraint('time_limit_minutes BETWEEN 1 AND 600', name=op.f('ck_course_time_limit_range')),
    sa.CheckConstraint('validity_months BETWEEN 1 AND 120', name=op.f('ck_course_validity_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course')),
    sa.UniqueConstraint('title', name=op.f('uq_course_title'))
    )
    op.create_table('org_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_mime', sa.String(length=20), nullable=True),
    sa.Column('signatory_name', sa.String(length=120), nullable=False),
    sa.Column('signatory_role', sa.String(length=120), nullable=False),
    sa.Column('certificate_prefix', sa.String(length=12), nullable=False),
    sa.Column('due_soon_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('due_soon_days BETWEEN 1 AND 365', name=op.f('ck_org_settings_due_soon_range')),
    sa.CheckConstraint('id = 1', name=op.f('ck_org_settings_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_settings'))
    )
    op.create_table('question_bank',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('edition', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('learning', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('imported_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_bank')),
    sa.UniqueConstraint('slug', name=op.f('uq_question_bank_slug'))
    )
    op.create_table('course_bank',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('question_count BETWEEN 1 AND 200', name=op.f('ck_course_bank_count_range')),
    sa.ForeignKeyConstraint(['bank_id'], ['question_bank.id'], name=op.f('fk_course_bank_bank_id_question_bank')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_bank_course_id_course')),
    sa.PrimaryKeyConstraint('course_id', 'bank_id', name=op.f('pk_course_bank'))
    )
    op.create_table('course_requirement',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('staff_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_requirement_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_group_id'], ['staff_group.id'], name=op.f('fk_course_requirement_staff_group_id_staff_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'staff_group_id', name=op.f('pk_course_requirement'))
    )
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.Column('qid', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=12), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('source_id', sa.String(length=80), nullable=False),
    sa.Column('source_title', sa.Text(), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('superseded_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.Column('retired_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("type IN ('single', 'multiple', 'true_false')", name=op.f('ck_question_type_valid')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_question_version_positive')),
    sa.ForeignKeyConstraint(['bank_id'], ['question_bank.id'], name=op.f('fk_question_bank_id_question_bank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('bank_id', 'qid', 'version', name='bank_qid_version')
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index('ix_question_live', ['bank_id', 'superseded_at', 'retired_at'], unique=False)

    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('started_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('deadline_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.Column('finish_reason', sa.String(length=16), nullable=True),
    sa.Column('time_limit_seconds', sa.Integer(), nullable=False),
    sa.Column('extra_time_pct', sa.Integer(), nullable=False),
    sa.Column('pass_mark_pct', sa.Integer(), nullable=False),
    sa.Column('score_pct', sa.Integer(), nullable=True),
    sa.Column('correct_count', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.CheckConstraint("state IN ('in_progress', 'finished', 'abandoned')", name=op.f('ck_attempt_state_valid')),
    sa.CheckConstraint('deadline_at > started_at', name=op.f('ck_attempt_deadline_after_start')),
    sa.CheckConstraint('score_pct IS NULL OR (score_pct BETWEEN 0 AND 100)', name=op.f('ck_attempt_score_range')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_attempt_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_attempt_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt'))
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_attempt_state_deadline', ['state', 'deadline_at'], unique=False)
        batch_op.create_index('ix_attempt_user_course_started', ['user_id', 'course_id', 'started_at'], unique=False)
        batch_op.create_index('uq_attempt_one_in_progress', ['user_id', 'course_id'], unique=True, sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))

    op.create_table('reminder_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sent_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('learner', 'dsl_digest')", name=op.f('ck_reminder_log_kind_valid')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_reminder_log_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_reminder_log_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_log'))
    )
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_log_user_course_sent', ['user_id', 'course_id', 'sent_at'], unique=False)

    op.create_table('attempt_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=12), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('correct_option_ids', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('source_title', sa.Text(), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('answered_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_attempt_question_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_attempt_question_question_id_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_question'))
    )
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_question_question_id'), ['question_id'], unique=False)
        batch_op.create_index('uq_attempt_question_position', ['attempt_id', 'position'], unique=True)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('reissue_of_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('holder_name', sa.String(length=220), nullable=False),
    sa.Column('course_title', sa.String(length=200), nullable=False),
    sa.Column('edition', sa.String(length=120), nullable=False),
    sa.Column('score_pct', sa.Integer(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_certificate_attempt_id_attempt')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_course_id_course')),
    sa.ForeignKeyConstraint(['reissue_of_id'], ['certificate.id'], name=op.f('fk_certificate_reissue_of_id_certificate')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_certificate_revoked_by_id_user_account')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['certificate.id'], name=op.f('fk_certificate_superseded_by_id_certificate')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_certificate_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code')),
    sa.UniqueConstraint('number', name=op.f('uq_certificate_number'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_pdf_sha256'), ['pdf_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_valid_until'), ['valid_until'], unique=False)
        batch_op.create_index('uq_certificate_original_per_attempt', ['attempt_id'], unique=True, sqlite_where=sa.text('reissue_of_id IS NULL'), postgresql_where=sa.text('reissue_of_id IS NULL'))

    op.create_table('certificate_file',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_file_certificate_id_certificate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_certificate_file'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', quizapp.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('auth_nonce', sa.String(length=32), server_default='', nullable=False))



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('auth_nonce')
        batch_op.drop_column('deactivated_at')

    op.drop_table('certificate_file')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('uq_certificate_original_per_attempt', sqlite_where=sa.text('reissue_of_id IS NULL'), postgresql_where=sa.text('reissue_of_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_certificate_valid_until'))
        batch_op.drop_index(batch_op.f('ix_certificate_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_pdf_sha256'))
        batch_op.drop_index(batch_op.f('ix_certificate_issued_at'))
        batch_op.drop_index(batch_op.f('ix_certificate_course_id'))

    op.drop_table('certificate')
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.drop_index('uq_attempt_question_position')
        batch_op.drop_index(batch_op.f('ix_attempt_question_question_id'))

    op.drop_table('attempt_question')
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_log_user_course_sent')

    op.drop_table('reminder_log')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_attempt_one_in_progress', sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))
        batch_op.drop_index('ix_attempt_user_course_started')
        batch_op.drop_index('ix_attempt_state_deadline')
        batch_op.drop_index(batch_op.f('ix_attempt_course_id'))

    op.drop_table('attempt')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index('ix_question_live')

    op.drop_table('question')
    op.drop_table('course_requirement')
    op.drop_table('course_bank')
    op.drop_table('question_bank')
    op.drop_table('org_settings')
    op.drop_table('course')
