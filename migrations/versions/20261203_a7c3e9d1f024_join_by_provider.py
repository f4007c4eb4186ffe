"""join_request.oidc_issuer/oidc_subject: a newcomer may join by a link with their school account

Revision ID: a7c3e9d1f024
Revises: db3b950e2725
Create Date: 2026-12-03 13:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a7c3e9d1f024'
down_revision = 'db3b950e2725'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_check_constraint('provider_whole', "(oidc_issuer IS NULL) = (oidc_subject IS NULL)")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.drop_constraint('provider_whole', type_='check')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
