"""A day in the stored history: who was on the staff, which certificates counted and which quizzes were running.

"As at D" means as things stood at the end of day D (UTC). Everything is read from timestamps already kept
(created, deactivated, issued, revoked, superseded, started, finished); course requirements keep no history,
so they are always taken as currently set.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, or_, select

from ..engine.timing import GRACE
from ..models import Attempt, AttemptState, Certificate, User
from ..models.users import EXTRA_TIME_MAX

UserIds = Collection[int] | Select[int]
# The longest a quiz can run: a 600-minute limit (the course CHECK) with the most extra time (the user CHECK).
LONGEST_QUIZ = timedelta(minutes=600 * (100 + EXTRA_TIME_MAX) // 100)


@dataclass(frozen=True)
class AsAt:
    """The day being looked at, with the moments the SQL compares against."""

    day: date
    cutoff: datetime  # midnight after `day`: anything stamped before it had happened "by" the day
    live_at: datetime  # when a quiz must still have been running: now for today, else the cutoff
    due_soon_days: int

    @property
    def soon(self) -> date:
        """The last day of the "due soon" window."""
        return self.day + timedelta(days=self.due_soon_days)


def as_at(day: date, now: datetime, due_soon_days: int) -> AsAt:
    """The moments for a day; today's quizzes count as running only while they still accept answers."""
    cutoff = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
    return AsAt(day=day, cutoff=cutoff, live_at=min(now, cutoff), due_soon_days=due_soon_days)


def present(when: AsAt) -> ColumnElement[bool]:
    """People on the staff at the end of the day: added by then and not yet deactivated.

    An inactive account without a deactivation time is treated as never active, since we cannot say when it
    stopped.
    """
    still_active = and_(User.active.is_(True), User.deactivated_at.is_(None))
    return and_(User.created_at < when.cutoff, or_(still_active, User.deactivated_at >= when.cutoff))


def _narrowed(column: SQLColumnExpression[int], user_ids: UserIds | None) -> list[ColumnElement[bool]]:
    return [] if user_ids is None else [column.in_(user_ids)]


def held_certificates(when: AsAt, user_ids: UserIds | None = None,
                      course_id: int | None = None) -> Select[int, int, date]:
    """(user_id, course_id, latest valid_until) over certificates that counted at the end of the day.

    A certificate counts once issued and until revoked or superseded by a reissue; the latest expiry wins, so a
    lapsed one still shows as "expired" while nothing newer exists. Without `user_ids` every holder is included
    (cheaper than a filter when most people are in view: the caller's join does the narrowing).
    """
    only_course = [] if course_id is None else [Certificate.course_id == course_id]
    return (select(Certificate.user_id, Certificate.course_id,
                   func.max(Certificate.valid_until).label("valid_until"))
            .where(*_narrowed(Certificate.user_id, user_ids), *only_course, Certificate.counted_at(when.cutoff))
            .group_by(Certificate.user_id, Certificate.course_id))


def running_attempts(when: AsAt, user_ids: UserIds | None = None) -> Select[int, int]:
    """(user_id, course_id) of quizzes started by the end of the day, not finished by then and not yet timed out.

    The deadline window and the list of every state change nothing logically (no quiz outlasts LONGEST_QUIZ) but
    let both databases find the few rows through ix_attempt_state_deadline instead of reading every attempt; the
    GROUP BY (one quiz runs per person and course anyway) keeps SQLite from re-reading them once per cell.
    """
    not_finished = or_(Attempt.finished_at >= when.cutoff,
                       and_(Attempt.finished_at.is_(None), Attempt.state == AttemptState.IN_PROGRESS.value))
    return (select(Attempt.user_id, Attempt.course_id)
            .where(*_narrowed(Attempt.user_id, user_ids), Attempt.state.in_([s.value for s in AttemptState]),
                   Attempt.deadline_at >= when.live_at - GRACE, Attempt.deadline_at < when.cutoff + LONGEST_QUIZ,
                   Attempt.started_at < when.cutoff, not_finished)
            .group_by(Attempt.user_id, Attempt.course_id))
