"""attempt.state: only in_progress or finished (nothing ever set "abandoned"; a quiz left open is finalised at its deadline)

Revision ID: 8b2f4c6d1e07
Revises: 5e0c1a7d9b21
Create Date: 2026-12-03 07:10:00
"""
from __future__ import annotations

from alembic import op

revision = '8b2f4c6d1e07'
down_revision = '5e0c1a7d9b21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint('state_valid', type_='check')
        batch_op.create_check_constraint('state_valid', "state IN ('in_progress', 'finished')")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint('state_valid', type_='check')
        batch_op.create_check_constraint('state_valid', "state IN ('in_progress', 'finished', 'abandoned')")
