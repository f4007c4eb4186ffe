"""course.failed_review: what a failed attempt's review shows (default: explanations without the right answers)

Revision ID: d3f1a8c5b702
Revises: b7e2c4a91d05
Create Date: 2026-12-03 09:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'd3f1a8c5b702'
down_revision = 'b7e2c4a91d05'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_review', sa.String(length=20), server_default='explanations',
                                      nullable=False))
        batch_op.create_check_constraint('failed_review_choice',
                                         "failed_review IN ('marks', 'explanations', 'answers')")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint('failed_review_choice', type_='check')
        batch_op.drop_column('failed_review')
