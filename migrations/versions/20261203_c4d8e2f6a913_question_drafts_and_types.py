"""question.status (imported questions lacking an explanation or a source wait as drafts, never drawn), and the
matching and ordering question types

Revision ID: c4d8e2f6a913
Revises: b7e2c4a91d05
Create Date: 2026-12-03 09:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = 'c4d8e2f6a913'
down_revision = 'b7e2c4a91d05'
branch_labels = None
depends_on = None

READY_RULE = "status = 'draft' OR (explanation <> '' AND source_id <> 'imported')"
OLD_TYPES = "type IN ('single', 'multiple', 'true_false')"
NEW_TYPES = "type IN ('single', 'multiple', 'true_false', 'matching', 'ordering')"


def upgrade() -> None:
    """Apply this revision."""
    op.add_column('question', sa.Column('status', sa.String(length=8), server_default='ready', nullable=False))
    # Questions imported before drafts existed with only the placeholder source become drafts, as new ones do.
    op.execute("UPDATE question SET status = 'draft' WHERE explanation = '' OR source_id = 'imported'")
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_check_constraint('status_valid', "status IN ('ready', 'draft')")
        batch_op.create_check_constraint('ready_complete', READY_RULE)
        batch_op.drop_constraint('type_valid', type_='check')
        batch_op.create_check_constraint('type_valid', NEW_TYPES)


def downgrade() -> None:
    """Revert this revision (drafts become live questions again, as every import was before).

    Matching and ordering questions cannot exist before it: they are retired first, and kept only for the
    attempts that drew them (attempt snapshots hold their own copy).
    """
    op.execute("UPDATE question SET type = 'single', retired_at = COALESCE(retired_at, CURRENT_TIMESTAMP) "
               "WHERE type IN ('matching', 'ordering')")
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint('type_valid', type_='check')
        batch_op.create_check_constraint('type_valid', OLD_TYPES)
        batch_op.drop_constraint('ready_complete', type_='check')
        batch_op.drop_constraint('status_valid', type_='check')
        batch_op.drop_column('status')
