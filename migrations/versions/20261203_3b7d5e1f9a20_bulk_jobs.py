"""bulk jobs (the evidence pack, large people imports): who asked, state CHECKed, done of total, the file

Revision ID: 3b7d5e1f9a20
Revises: 8ccbd58a8dfc
Create Date: 2026-12-03 17:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import quizapp.db

revision = '3b7d5e1f9a20'
down_revision = '8ccbd58a8dfc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('bulk_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('file_token', sa.String(length=64), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=True),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('evidence_pack', 'people_import')", name=op.f('ck_bulk_job_kind_valid')),
    sa.CheckConstraint("state IN ('queued', 'running', 'ready', 'failed', 'expired')",
                       name=op.f('ck_bulk_job_state_valid')),
    sa.CheckConstraint('done >= 0 AND total >= 0', name=op.f('ck_bulk_job_counts_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_bulk_job_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_bulk_job_school_id_school'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_job')),
    sa.UniqueConstraint('file_token', name=op.f('uq_bulk_job_file_token'))
    )
    with op.batch_alter_table('bulk_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_job_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('bulk_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_job_created_at'))
    op.drop_table('bulk_job')
