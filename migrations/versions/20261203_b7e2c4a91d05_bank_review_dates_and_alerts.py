"""bank review dates (reviewed_on, review_by, as_of_notes) and the bank review alert log

Revision ID: b7e2c4a91d05
Revises: 5e0c1a7d9b21
Create Date: 2026-12-03 07:10:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import quizapp.db

revision = 'b7e2c4a91d05'
down_revision = '5e0c1a7d9b21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('question_bank', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('as_of_notes', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('question_bank', schema=None) as batch_op:
        batch_op.alter_column('as_of_notes', server_default=None)
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


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('bank_review_alert')
    with op.batch_alter_table('question_bank', schema=None) as batch_op:
        batch_op.drop_column('as_of_notes')
        batch_op.drop_column('review_by')
        batch_op.drop_column('reviewed_on')
