"""attempt.purpose and attempt.edition_id: the short update quiz after a material bank edition

Revision ID: e91b6d20c4f3
Revises: a7c3e9d1f024
Create Date: 2026-12-03 13:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'e91b6d20c4f3'
down_revision = 'a7c3e9d1f024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=8), server_default='course', nullable=False))
        batch_op.add_column(sa.Column('edition_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attempt_edition_id_bank_edition'), 'bank_edition',
                                    ['edition_id'], ['id'])
        batch_op.create_check_constraint(
            'purpose_valid',
            "(purpose = 'course' AND edition_id IS NULL) OR (purpose = 'update' AND edition_id IS NOT NULL)")
        batch_op.create_index('ix_attempt_edition_user', ['edition_id', 'user_id'], unique=False)


def downgrade() -> None:
    """Revert this revision (update attempts go with it: without their edition they would pass for full quizzes)."""
    op.execute("DELETE FROM attempt_question WHERE attempt_id IN (SELECT id FROM attempt WHERE purpose = 'update')")
    op.execute("DELETE FROM attempt WHERE purpose = 'update'")
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_edition_user')
        batch_op.drop_constraint('purpose_valid', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_attempt_edition_id_bank_edition'), type_='foreignkey')
        batch_op.drop_column('edition_id')
        batch_op.drop_column('purpose')
