"""attempt question option ids for one-statement saves

Revision ID: d765e18bedf6
Revises: 27b30cdf2d8b
Create Date: 2026-11-23 03:24:49.490963
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import quizapp.db


# Only the columns this migration reads or writes, as they are at this revision.
attempt = sa.table("attempt", sa.column("id", sa.Integer), sa.column("state", sa.String))
attempt_question = sa.table("attempt_question", sa.column("id", sa.Integer), sa.column("attempt_id", sa.Integer),
                            sa.column("options", sa.JSON), sa.column("option_ids", sa.Text))

revision = 'd765e18bedf6'
down_revision = '27b30cdf2d8b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('option_ids', sa.Text(), nullable=True))
    _fill_quizzes_in_progress()


def _fill_quizzes_in_progress() -> None:
    # Finished attempts never take another answer, so only quizzes still running need the new column.
    bind = op.get_bind()
    rows = bind.execute(sa.select(attempt_question.c.id, attempt_question.c.options)
                        .join(attempt, attempt.c.id == attempt_question.c.attempt_id)
                        .where(attempt.c.state == "in_progress")).all()
    if rows:
        bind.execute(attempt_question.update().where(attempt_question.c.id == sa.bindparam("row_id"))
                     .values(option_ids=sa.bindparam("ids")),
                     [{"row_id": row.id, "ids": " " + " ".join(o["id"] for o in row.options) + " "} for row in rows])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.drop_column('option_ids')
