"""the mail outbox (messages and their batches, state CHECKed) and job runs (one per periodic job and period)

Revision ID: 8ccbd58a8dfc
Revises: a9c41e7d2b63
Create Date: 2026-12-03 12:53:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import quizapp.db

revision = '8ccbd58a8dfc'
down_revision = 'a9c41e7d2b63'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('started_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('name', 'period', name='name_period')
    )
    op.create_table('outbox_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_outbox_batch_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_outbox_batch_school_id_school'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_batch'))
    )
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.Column('slot', sa.BigInteger(), nullable=True),
    sa.Column('sent_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("state <> 'sending' OR claim IS NOT NULL", name=op.f('ck_outbox_message_sending_is_claimed')),
    sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_message_state_valid')),
    sa.ForeignKeyConstraint(['batch_id'], ['outbox_batch.id'], name=op.f('fk_outbox_message_batch_id_outbox_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_outbox_message_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('slot', name='slot_once')
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_outbox_message_state_not_before', ['state', 'not_before'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_state_not_before')
        batch_op.drop_index(batch_op.f('ix_outbox_message_batch_id'))

    op.drop_table('outbox_message')
    op.drop_table('outbox_batch')
    op.drop_table('job_run')
