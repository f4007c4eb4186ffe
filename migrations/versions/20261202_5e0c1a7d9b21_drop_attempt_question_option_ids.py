"""drop attempt_question.option_ids: answers are checked against the options in Python, in one save path

Revision ID: 5e0c1a7d9b21
Revises: d765e18bedf6
Create Date: 2026-12-02 19:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


# Only the columns this migration reads or writes, as they are at this revision.
attempt = sa.table("attempt", sa.column("id", sa.Integer), sa.column("state", sa.String))
attempt_question = sa.table("attempt_question", sa.column("id", sa.Integer), sa.column("attempt_id", sa.Integer),
                            sa.column("options", sa.JSON), sa.column("option_ids", sa.Text))

revision = '5e0c1a7d9b21'
down_revision = 'd765e18bedf6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.drop_column('option_ids')


def downgrade() -> None:
    """Revert this revision: the column comes back, filled in for quizzes still running (the old code reads it)."""
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('option_ids', sa.Text(), nullable=True))
    bind = op.get_bind()
    running = (sa.select(attempt_question.c.id, attempt_question.c.options)
               .join(attempt, attempt.c.id == attempt_question.c.attempt_id).where(attempt.c.state == "in_progress"))
    for row in bind.execute(running).all():
        bind.execute(attempt_question.update().where(attempt_question.c.id == row.id)
                     .values(option_ids=" " + " ".join(option["id"] for option in row.options) + " "))
