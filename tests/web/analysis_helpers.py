"""Sittings for the item-analysis tests: a three-question course answered as a test says, by the real operations."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from quizapp.models import Attempt, Course, FinishReason, User
from quizapp.quiz.answers import save_all
from quizapp.quiz.attempts import finalise, start_or_resume

from ..factories import make_course

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
# make_course(questions=3): q-000 single, q-001 multiple, q-002 true/false.
RIGHT = {"q-000": ["Right 0"], "q-001": ["Right A1", "Right B1"], "q-002": ["True"]}


def analysis_course(session: Session, title: str = "Annual safeguarding", ask: bool = True) -> Course:
    """A three-question course (every question drawn) that asks how sure people are."""
    course = make_course(session, questions=3, title=title, max_per_day=50, cooldown=0)
    course.ask_confidence = ask
    session.flush()
    return course


def sit(session: Session, user: User, course: Course, answers: Mapping[str, list[str]], when: datetime = T0,
        sure: Mapping[str, bool] | None = None) -> Attempt:
    """Start, answer (each qid with these option texts; missing qids right) and submit one attempt."""
    attempt = start_or_resume(session, user, course, when, lambda *_: None)
    chosen, how_sure = {}, {}
    for item in attempt.questions:
        qid = item.question.qid
        texts = answers.get(qid, RIGHT[qid])
        chosen[item.id] = [o["id"] for o in item.options if o["text"] in texts]
        if (sure or {}).get(qid) is not None:
            how_sure[item.id] = (sure or {})[qid]
    assert save_all(session, attempt, chosen, when, how_sure) == []
    assert finalise(session, attempt, when + timedelta(minutes=3), FinishReason.SUBMITTED, lambda *_: None)
    return attempt


def hand_worked(session: Session, course: Course, people: list[User], when: datetime = T0) -> None:
    """Four sittings whose figures are worked by hand in test_item_analysis (rows: q-000, q-001, q-002 right?).

    A1 1 1 1 (3)   A2 1 0 1 (2)   A3 0 0 1 (1)   A4 0 1 0 (1)
    """
    sit(session, people[0], course, {}, when)
    sit(session, people[1], course, {"q-001": ["Right A1", "Wrong C1"]}, when)
    sit(session, people[2], course, {"q-000": ["Wrong 0"], "q-001": ["Right A1"]}, when,
        sure={"q-000": True, "q-001": False})
    sit(session, people[3], course, {"q-000": ["Wrong 0"], "q-002": ["False"]}, when, sure={"q-000": False})
