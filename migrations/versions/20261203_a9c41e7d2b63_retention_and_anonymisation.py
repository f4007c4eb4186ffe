"""retention settings (retention_years, keep_verifiable) and user_account.anonymised_at

Revision ID: a9c41e7d2b63
Revises: 5e7a1c9d3b20
Create Date: 2026-12-03 13:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import quizapp.db

revision = 'a9c41e7d2b63'
down_revision = '5e7a1c9d3b20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('org_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), server_default='6', nullable=False))
        batch_op.add_column(sa.Column('keep_verifiable', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_check_constraint('retention_years_range', 'retention_years BETWEEN 1 AND 50')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', quizapp.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('org_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_org_settings_retention_years_range'), type_='check')
        batch_op.drop_column('keep_verifiable')
        batch_op.drop_column('retention_years')
