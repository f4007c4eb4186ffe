"""Attempt lifecycle over the database: start or resume, save, submit, finalise when time runs out."""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..engine import rules, timing
from ..engine.choices import choice_mask
from ..engine.draw import Candidate, Drawn, draw
from ..engine.questions import kind_of, score
from ..engine.refusal import Refused
from ..models import Attempt, AttemptPurpose, AttemptQuestion, AttemptState, Course, FinishReason, Question, User
from ..models.banks import QuestionStatus

# Called with (session, attempt, now) when an attempt passes; certificates hook in here.
OnPass = Callable[[Session, Attempt, datetime], object]


def start_context(session: Session, user: User, course: Course) -> rules.StartContext:
    """Gather what the access rules need about this person and course."""
    rows = session.execute(select(Attempt.started_at, Attempt.finished_at, Attempt.passed)
                           .where(Attempt.user_id == user.id, Attempt.course_id == course.id)).all()
    return rules.StartContext(course.active, user.active, course.max_attempts_per_day, course.cooldown_minutes,
                              tuple(rules.PastAttempt(*row) for row in rows))


def in_progress(session: Session, user: User, course: Course) -> Attempt | None:
    """The person's attempt in progress on this course, if any."""
    return session.scalar(select(Attempt).where(Attempt.user_id == user.id, Attempt.course_id == course.id,
                                                Attempt.state == AttemptState.IN_PROGRESS.value))


def _candidates(session: Session, course: Course) -> list[tuple[str, list[Candidate], int]]:
    pools = []
    for link in course.banks:
        live = session.scalars(select(Question).where(Question.bank_id == link.bank_id,
                                                      Question.superseded_at.is_(None),
                                                      Question.retired_at.is_(None))).all()
        pools.append((link.bank.title, [Candidate(q.id, q.type, q.prompt, q.options, q.explanation,
                                                  q.source_title, q.source_url, q.status == QuestionStatus.READY,
                                                  q.images or [])
                                        for q in live], link.question_count))
    return pools


def snapshot(user: User, course: Course, drawn: Sequence[Drawn], now: datetime, minutes: int,
             edition_id: int | None = None) -> Attempt:
    """An attempt in progress holding the drawn questions; an `edition_id` makes it that edition's update quiz."""
    attempt = Attempt(user_id=user.id, course_id=course.id, state=AttemptState.IN_PROGRESS.value, started_at=now,
                      deadline_at=timing.deadline(now, minutes, user.extra_time_pct),
                      time_limit_seconds=minutes * 60, extra_time_pct=user.extra_time_pct,
                      pass_mark_pct=course.pass_mark_pct, edition_id=edition_id,
                      purpose=(AttemptPurpose.COURSE if edition_id is None else AttemptPurpose.UPDATE).value)
    attempt.questions = [AttemptQuestion(position=i, question_id=d.question_id, type=d.type, prompt=d.prompt,
                                         options=d.options,
                                         correct_option_ids=d.correct_option_ids,
                                         explanation=d.explanation, source_title=d.source_title,
                                         source_url=d.source_url, images=d.images)
                          for i, d in enumerate(drawn, start=1)]
    return attempt


def new_attempt(session: Session, user: User, course: Course, now: datetime, rng: random.Random) -> Attempt:
    """Draw and snapshot a new attempt (flush only); the caller has checked the access rules."""
    attempt = snapshot(user, course, draw(_candidates(session, course), rng), now, course.time_limit_minutes)
    session.add(attempt)
    return attempt


def created_once(session: Session, user: User, course: Course, make: Callable[[], Attempt]) -> Attempt:
    """Run `make` in a savepoint; if a second tab started a quiz on the course at the same moment, return that one."""
    try:
        with session.begin_nested():
            attempt = make()
    except IntegrityError:
        # The one-in-progress index let the other tab win.
        existing = in_progress(session, user, course)
        if existing is None:
            raise
        return existing
    return attempt


def start_or_resume(session: Session, user: User, course: Course, now: datetime, on_pass: OnPass,
                    rng: random.Random | None = None) -> Attempt:
    """Return the attempt in progress or a new one; Refused, with every reason, when a new one may not start."""
    current = in_progress(session, user, course)
    if current is not None and not finalise_if_overdue(session, current, now, on_pass):
        return current
    reasons = rules.reasons_not_to_start(start_context(session, user, course), now)
    if reasons:
        raise Refused(reasons)
    return created_once(session, user, course,
                        lambda: new_attempt(session, user, course, now, rng or random.SystemRandom()))


def finalise(session: Session, attempt: Attempt, now: datetime, reason: FinishReason, on_pass: OnPass) -> bool:
    """Grade and finish the attempt exactly once (a conditional update decides the winner); True if this call did."""
    claimed = cast(CursorResult[Any], session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS.value)
        .values(state=AttemptState.FINISHED.value, finished_at=now, finish_reason=reason.value)
        .execution_options(synchronize_session=False)
    )).rowcount
    session.refresh(attempt)
    if claimed != 1:
        return False
    results = []
    for item in attempt.questions:
        kind = kind_of(item.type)
        item.correct = kind.grade(item.correct_option_ids, item.answer)
        # Which options were chosen, as bits item analysis can count: a graded fact, so it is set here, once.
        item.chosen_mask = choice_mask(item.options, item.answer or []) if kind.analysed else None
        results.append(item.correct)
    attempt.correct_count, attempt.score_pct, attempt.passed = score(results, attempt.pass_mark_pct)
    full_quiz = attempt.purpose == AttemptPurpose.COURSE.value
    # The graded facts item analysis reads without joining attempt. An update quiz's few questions give a score
    # that cannot be compared with the course's, so analysis (facility, discrimination) reads full quizzes only.
    for item in attempt.questions if full_quiz else ():
        item.course_id, item.user_id, item.finished_at = attempt.course_id, attempt.user_id, now
        item.attempt_score = attempt.correct_count
    session.flush()
    if attempt.passed and full_quiz:  # passing an update records the pass; the certificate stays as issued
        on_pass(session, attempt, now)
    return True


def finalise_if_overdue(session: Session, attempt: Attempt, now: datetime, on_pass: OnPass) -> bool:
    """Finish an attempt left past its deadline with what was saved; True if it is (now) finished."""
    if attempt.state == AttemptState.IN_PROGRESS.value and timing.is_overdue(attempt.deadline_at, now):
        finalise(session, attempt, now, FinishReason.TIME_EXPIRED, on_pass)
    return attempt.state != AttemptState.IN_PROGRESS.value


def close_expired(session: Session, now: datetime, on_pass: OnPass) -> int:
    """Finalise every overdue attempt (idempotent; the worker runs it every minute); return how many."""
    cutoff = now - timing.GRACE
    overdue = session.scalars(
        select(Attempt)
        .options(selectinload(Attempt.questions))
        .where(Attempt.state == AttemptState.IN_PROGRESS.value, Attempt.deadline_at < cutoff)
        .order_by(Attempt.id)
    ).all()
    return sum(1 for attempt in overdue if finalise(session, attempt, now, FinishReason.TIME_EXPIRED, on_pass))
