"""The update quiz after a material bank edition: which edition a person owes, and starting its short quiz.

It goes through the same attempt engine as the full quiz (draw, snapshot, save, finalise, access rules); only
the pool (the edition's changed and added questions) and the time allowed differ. Passing it is the stored
update pass; no certificate is issued or changed.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..engine import rules
from ..engine.draw import Candidate, draw
from ..engine.refusal import Refused
from ..engine.updates import EditionFact, owed_update, update_minutes, update_question_count
from ..models import Attempt, AttemptPurpose, BankEdition, Certificate, Course, CourseBank, Question, User
from ..models.banks import QuestionStatus
from .attempts import OnPass, created_once, finalise_if_overdue, in_progress, snapshot, start_context


def current_passes(session: Session, user_id: int) -> dict[int, tuple[date, datetime | None]]:
    """Per course id, the latest expiry of the person's counting certificates and when the latest pass was made."""
    rows = session.execute(
        select(Certificate.course_id, func.max(Certificate.valid_until), func.max(Attempt.finished_at))
        .join(Attempt, Attempt.id == Certificate.attempt_id)
        .where(Certificate.user_id == user_id, Certificate.counts).group_by(Certificate.course_id))
    return {course_id: (valid_until, passed_at) for course_id, valid_until, passed_at in rows}


def owed_updates(session: Session, user_id: int, now: datetime,
                 passes: dict[int, tuple[date, datetime | None]] | None = None) -> dict[int, BankEdition]:
    """Per course id, the edition whose update quiz the person's current pass owes first: at most three queries."""
    if passes is None:  # My training has read them already
        passes = current_passes(session, user_id)
    # A lapsed certificate needs the full quiz again, not an update.
    passes = {course_id: held for course_id, held in passes.items() if held[0] >= now.date()}
    if not passes:
        return {}
    rows = session.execute(select(CourseBank.course_id, BankEdition).join(
        BankEdition, BankEdition.bank_id == CourseBank.bank_id).where(
        CourseBank.course_id.in_(passes), BankEdition.material.is_(True), BankEdition.imported_at < now)).all()
    passed_updates = select(Attempt.edition_id).where(
        Attempt.user_id == user_id, Attempt.purpose == AttemptPurpose.UPDATE.value, Attempt.passed.is_(True))
    updated = {edition_id for edition_id in session.scalars(passed_updates) if edition_id is not None}
    editions: dict[int, dict[int, BankEdition]] = defaultdict(dict)
    for course_id, edition in rows:
        editions[course_id][edition.id] = edition
    owed = {}
    for course_id, by_id in editions.items():
        facts = [EditionFact(e.id, e.imported_at, e.update_required_by) for e in by_id.values()
                 if e.update_required_by is not None]
        first = owed_update(passes[course_id][1], facts, updated, now)
        if first is not None:
            owed[course_id] = by_id[first.edition_id]
    return owed


def update_pool(session: Session, edition: BankEdition) -> list[Candidate]:
    """The live, ready versions of the questions the edition changed or added."""
    live = session.scalars(select(Question).where(
        Question.bank_id == edition.bank_id, Question.qid.in_(edition.question_ids),
        Question.superseded_at.is_(None), Question.retired_at.is_(None),
        Question.status == QuestionStatus.READY.value).order_by(Question.qid)).all()
    return [Candidate(q.id, q.type, q.prompt, q.options, q.explanation, q.source_title, q.source_url, True,
                      q.images or []) for q in live]


def start_update(session: Session, user: User, course: Course, now: datetime, on_pass: OnPass,
                 rng: random.Random | None = None) -> Attempt:
    """Resume the quiz in progress on the course, or start the update quiz owed; Refused with every reason."""
    current = in_progress(session, user, course)
    if current is not None and not finalise_if_overdue(session, current, now, on_pass):
        return current
    edition = owed_updates(session, user.id, now).get(course.id)
    if edition is None:
        raise Refused("There is no update quiz to take for this course: one is needed only while a certificate "
                      "from before a material change to its questions is still valid.")
    reasons = rules.reasons_not_to_start(start_context(session, user, course), now)
    if reasons:
        raise Refused(reasons)
    pool = update_pool(session, edition)
    count = update_question_count(len(pool))
    if count == 0:
        raise Refused("This edition has no changed questions left to ask, so there is no update quiz: "
                      "take the full quiz to bring your training up to date.")
    drawn = draw([(edition.edition, pool, count)], rng or random.SystemRandom())
    minutes = update_minutes(course.time_limit_minutes, course.question_count, count)

    def make() -> Attempt:
        attempt = snapshot(user, course, drawn, now, minutes, edition_id=edition.id)
        session.add(attempt)
        return attempt

    return created_once(session, user, course, make)
