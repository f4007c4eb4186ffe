"""Update required: which material bank edition a pass still owes an update quiz for, and how big that quiz is.

A pass owes an update for every material edition of a bank its course draws on that was imported after the pass
and before `now`, until the person passes that edition's update quiz. A new full pass after the edition settles
it too, because the edition is then older than the pass.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

# An update quiz asks about what changed, not the whole course: at most this many questions.
UPDATE_QUESTIONS_MAX = 10


@dataclass(frozen=True)
class EditionFact:
    """What the decision needs about a material edition."""

    edition_id: int
    imported_at: datetime
    update_required_by: date


def owed_update(passed_at: datetime | None, editions: Iterable[EditionFact], updated: Collection[int],
                now: datetime) -> EditionFact | None:
    """The outstanding edition with the earliest deadline (the one to take first), or None when nothing is owed."""
    if passed_at is None:
        return None
    owed = [e for e in editions if passed_at < e.imported_at < now and e.edition_id not in updated]
    return min(owed, key=lambda e: (e.update_required_by, e.imported_at, e.edition_id), default=None)


def update_question_count(available: int) -> int:
    """How many of the changed and added questions an update quiz draws."""
    return max(0, min(available, UPDATE_QUESTIONS_MAX))


def update_minutes(course_minutes: int, course_questions: int, drawn: int) -> int:
    """The update quiz's time limit: the course's time per question, rounded up, never under one minute."""
    if course_questions <= 0:
        return course_minutes
    return max(1, math.ceil(course_minutes * drawn / course_questions))
