"""item analysis: chosen options as a mask, "how sure" per answer, graded facts copied per answer, course setting

Revision ID: a7c3e91f04b2
Revises: 8b2f4c6d1e07
Create Date: 2026-12-03 06:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import quizapp.db

# Only the columns this migration reads or writes, as they are at this revision.
attempt_question = sa.table("attempt_question", sa.column("id", sa.Integer), sa.column("options", sa.JSON),
                            sa.column("answer", sa.JSON), sa.column("chosen_mask", sa.Integer))

revision = 'a7c3e91f04b2'
down_revision = '8b2f4c6d1e07'
branch_labels = None
depends_on = None

BATCH = 5_000


def _mask(options: list[dict[str, str]], chosen_ids: list[str]) -> int:
    # As quizapp.engine.choices.choice_mask at this revision (copied: a migration must not change with the app).
    ranks = {text: rank for rank, text in enumerate(sorted(option["text"] for option in options))}
    return sum(1 << ranks[option["text"]] for option in options if option["id"] in set(chosen_ids))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chosen_mask', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sure', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('course_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', quizapp.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempt_score', sa.Integer(), nullable=True))
        batch_op.create_index('ix_attempt_question_analysis',
                              ['course_id', 'finished_at', 'question_id', 'correct', 'chosen_mask', 'sure',
                               'attempt_score', 'user_id'], unique=False)
    # In place, not batch mode: a copy of `course` could not be dropped while attempts reference it.
    op.add_column('course', sa.Column('ask_confidence', sa.Boolean(), server_default=sa.false(), nullable=False))
    _fill_masks()
    # Graded answers get their attempt's facts, as finalise now writes them (one statement, both backends).
    op.execute("UPDATE attempt_question SET "
               "course_id = (SELECT a.course_id FROM attempt a WHERE a.id = attempt_question.attempt_id), "
               "user_id = (SELECT a.user_id FROM attempt a WHERE a.id = attempt_question.attempt_id), "
               "finished_at = (SELECT a.finished_at FROM attempt a WHERE a.id = attempt_question.attempt_id), "
               "attempt_score = (SELECT a.correct_count FROM attempt a WHERE a.id = attempt_question.attempt_id) "
               "WHERE attempt_id IN (SELECT id FROM attempt WHERE state = 'finished')")


def _fill_masks() -> None:
    # Answers saved before this revision get the mask the save path now writes, in batches by id.
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(attempt_question.c.id, attempt_question.c.options, attempt_question.c.answer)
                            .where(attempt_question.c.id > last).order_by(attempt_question.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1].id
        filled = [{"row_id": row.id, "mask": _mask(row.options, row.answer)} for row in rows if row.answer]
        if filled:
            bind.execute(attempt_question.update().where(attempt_question.c.id == sa.bindparam("row_id"))
                         .values(chosen_mask=sa.bindparam("mask")), filled)


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        # Batch mode would copy and drop `course`, which attempts still reference; SQLite >= 3.35 drops in place.
        op.execute("ALTER TABLE course DROP COLUMN ask_confidence")
    else:
        op.drop_column('course', 'ask_confidence')
    with op.batch_alter_table('attempt_question', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_question_analysis')
        for column in ('attempt_score', 'finished_at', 'user_id', 'course_id', 'sure', 'chosen_mask'):
            batch_op.drop_column(column)
