"""bank review dates (reviewed_on, review_by, as_of_notes), the bank review alert log, bank editions, update_days

Revision ID: b7e2c4a91d05
Revises: 8f3a61c2d4e7
Create Date: 2026-12-03 07:10:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import quizapp.db

revision = 'b7e2c4a91d05'
down_revision = '8f3a61c2d4e7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    # Plain ALTER TABLE, not batch mode: rebuilding question_bank on SQLite would break the foreign keys
    # that questions and courses hold to it.
    op.add_column('question_bank', sa.Column('reviewed_on', sa.Date(), nullable=True))
    op.add_column('question_bank', sa.Column('review_by', sa.Date(), nullable=True))
    op.add_column('question_bank', sa.Column('as_of_notes', sa.JSON(), server_default='{}', nullable=False))
    op.create_table(
        'bank_review_alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('review_by', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('sent_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('month_before', 'due')", name=op.f('ck_bank_review_alert_kind_valid')),
        sa.CheckConstraint("status IN ('sent', 'failed')", name=op.f('ck_bank_review_alert_status_valid')),
        sa.ForeignKeyConstraint(['bank_id'], ['question_bank.id'],
                                name=op.f('fk_bank_review_alert_bank_id_question_bank')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_bank_review_alert_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_review_alert')),
        sa.UniqueConstraint('bank_id', 'user_id', 'kind', 'review_by',
                            name='bank_user_kind_review_by'),
    )
    op.create_table(
        'bank_edition',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank_id', sa.Integer(), nullable=False),
        sa.Column('edition', sa.String(length=40), nullable=False),
        sa.Column('material', sa.Boolean(), nullable=False),
        sa.Column('what_changed', sa.Text(), nullable=False),
        sa.Column('question_ids', sa.JSON(), nullable=False),
        sa.Column('update_required_by', sa.Date(), nullable=True),
        sa.Column('imported_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('NOT material OR update_required_by IS NOT NULL',
                           name=op.f('ck_bank_edition_material_has_deadline')),
        sa.ForeignKeyConstraint(['bank_id'], ['question_bank.id'], name=op.f('fk_bank_edition_bank_id_question_bank')),
        sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'],
                                name=op.f('fk_bank_edition_imported_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_edition')),
    )
    op.create_index('ix_bank_edition_bank_imported', 'bank_edition', ['bank_id', 'imported_at'], unique=False)
    with op.batch_alter_table('org_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('update_days', sa.Integer(), server_default='30', nullable=False))
        batch_op.create_check_constraint('update_days_range', 'update_days BETWEEN 1 AND 365')


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('org_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_org_settings_update_days_range'), type_='check')
        batch_op.drop_column('update_days')
    op.drop_index('ix_bank_edition_bank_imported', table_name='bank_edition')
    op.drop_table('bank_edition')
    op.drop_table('bank_review_alert')
    for column in ('as_of_notes', 'review_by', 'reviewed_on'):
        op.execute(f'ALTER TABLE question_bank DROP COLUMN {column}')  # SQLite >= 3.35 and PostgreSQL alike
