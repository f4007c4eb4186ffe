"""question.status (imported questions lacking an explanation or a source wait as drafts, never drawn), the
matching and ordering question types, and images imported with questions (question_image)

Revision ID: c4d8e2f6a913
Revises: e5b2c7d90a14
Create Date: 2026-12-03 09:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import quizapp.db

revision = 'c4d8e2f6a913'
down_revision = 'e5b2c7d90a14'
branch_labels = None
depends_on = None

READY_RULE = "status = 'draft' OR (explanation <> '' AND source_id <> 'imported')"
OLD_TYPES = "type IN ('single', 'multiple', 'true_false')"
NEW_TYPES = "type IN ('single', 'multiple', 'true_false', 'matching', 'ordering')"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'question_image',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("media_type = 'image/png'", name=op.f('ck_question_image_media_type_png')),
        sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_question_image_sha256_length')),
        sa.CheckConstraint('size_bytes BETWEEN 1 AND 8388608', name=op.f('ck_question_image_size_range')),
        sa.CheckConstraint('width BETWEEN 1 AND 1600 AND height BETWEEN 1 AND 1600',
                           name=op.f('ck_question_image_side_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_image')),
        sa.UniqueConstraint('sha256', name=op.f('uq_question_image_sha256')),
    )
    op.add_column('question', sa.Column('images', sa.JSON(), server_default='[]', nullable=False))
    op.add_column('attempt_question', sa.Column('images', sa.JSON(), server_default='[]', nullable=False))
    op.add_column('question', sa.Column('status', sa.String(length=8), server_default='ready', nullable=False))
    # Questions imported before drafts existed with only the placeholder source become drafts, as new ones do.
    op.execute("UPDATE question SET status = 'draft' WHERE explanation = '' OR source_id = 'imported'")
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_check_constraint('status_valid', "status IN ('ready', 'draft')")
        batch_op.create_check_constraint('ready_complete', READY_RULE)
        batch_op.drop_constraint('type_valid', type_='check')
        batch_op.create_check_constraint('type_valid', NEW_TYPES)


def downgrade() -> None:
    """Revert this revision (drafts with an explanation become live again, as every import was before).

    What cannot exist before it is retired first, kept only for the attempts that drew it (attempt snapshots hold
    their own copy): matching and ordering questions, and drafts without an explanation.
    """
    op.execute("UPDATE question SET retired_at = COALESCE(retired_at, CURRENT_TIMESTAMP) "
               "WHERE type IN ('matching', 'ordering') OR (status = 'draft' AND explanation = '')")
    op.execute("UPDATE question SET type = 'single' WHERE type IN ('matching', 'ordering')")
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint('type_valid', type_='check')
        batch_op.create_check_constraint('type_valid', OLD_TYPES)
        batch_op.drop_constraint('ready_complete', type_='check')
        batch_op.drop_constraint('status_valid', type_='check')
        batch_op.drop_column('status')
        batch_op.drop_column('images')
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.drop_column('images')
    op.drop_table('question_image')
