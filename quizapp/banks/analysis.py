"""Item analysis: per course and question, how often it is answered right and whether it tells the strong from the weak.

Facility and discrimination follow Moodle's quiz statistics report: facility is the mean mark on the question
(here the share answered right), and the discrimination index is 100 x the correlation between the mark on the
question and the mark on the rest of the quiz (the attempt's score less this question). Everything is summed in
the database in one pass over the answers, so the number of queries is fixed whatever the number of attempts;
the correlation comes from the sums n, Sx, Sy, Sxy, Sx2 (= Sx, the marks being 0 or 1) and Sy2.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from ..compliance.exports import Value, neutralise
from ..engine.choices import option_ranks
from ..models import AttemptQuestion, Course, Question, User
from .rules import MAX_OPTIONS

HARD_BELOW, EASY_ABOVE = 30.0, 95.0
FLAG_HARD = "Hard: under 30 % right"
FLAG_EASY = "Easy: over 95 % right"
FLAG_NEGATIVE = "Negative discrimination"


@dataclass(frozen=True)
class Scope:
    """Finished attempts in a period (days inclusive), optionally of one school, group, course or bank."""

    start: date | None = None
    end: date | None = None
    school_id: int | None = None
    group_id: int | None = None
    course_id: int | None = None
    bank_id: int | None = None


@dataclass(frozen=True)
class OptionCount:
    """One option of the question and how many answers chose it."""

    text: str
    correct: bool
    chosen: int


@dataclass
class ItemStats:
    """One question (version) in one course: the figures and the flags."""

    course_id: int
    course_title: str
    question_id: int
    qid: str
    version: int
    prompt: str
    explanation: str
    attempts: int
    right: int
    discrimination: float | None
    confidently_wrong: int
    rated: int
    options: list[OptionCount] = field(default_factory=list)

    @property
    def facility(self) -> float:
        """The percentage of answers that were right."""
        return 100.0 * self.right / self.attempts

    @property
    def most_chosen_wrong(self) -> OptionCount | None:
        """The wrong option chosen most often (None when no wrong option was chosen)."""
        wrong = [o for o in self.options if not o.correct and o.chosen]
        return max(wrong, key=lambda o: o.chosen) if wrong else None

    @property
    def flags(self) -> list[str]:
        """Why an editor should look at this question."""
        found = [FLAG_HARD] if self.facility < HARD_BELOW else [FLAG_EASY] if self.facility > EASY_ABOVE else []
        return found + ([FLAG_NEGATIVE] if self.discrimination is not None and self.discrimination < 0 else [])


def discrimination_index(n: int, sx: int, sy: int, sxy: int, sx2: int, sy2: int) -> float | None:
    """100 x Pearson's r of item mark x and rest-of-quiz mark y from their sums; None when either never varies."""
    spread = (n * sx2 - sx * sx) * (n * sy2 - sy * sy)
    if n < 2 or spread <= 0:
        return None
    return 100.0 * (n * sxy - sx * sy) / math.sqrt(spread)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _conditions(scope: Scope) -> list[ColumnElement[bool]]:
    # Graded answers carry their attempt's course, person, finish time and score (see finalise): no join needed.
    where: list[ColumnElement[bool]] = [AttemptQuestion.finished_at.is_not(None)]
    if scope.course_id is not None:
        where.append(AttemptQuestion.course_id == scope.course_id)
    if scope.start is not None:
        where.append(AttemptQuestion.finished_at >= _day_start(scope.start))
    if scope.end is not None:
        where.append(AttemptQuestion.finished_at < _day_start(scope.end + timedelta(days=1)))
    people = []
    if scope.school_id is not None:
        people.append(User.school_id == scope.school_id)
    if scope.group_id is not None:
        people.append(User.staff_group_id == scope.group_id)
    if people:
        where.append(AttemptQuestion.user_id.in_(select(User.id).where(*people)))
    if scope.bank_id is not None:
        where.append(AttemptQuestion.question_id.in_(select(Question.id).where(Question.bank_id == scope.bank_id)))
    return where


def sums_query(scope: Scope) -> Select[*tuple[Any, ...]]:
    """One aggregate row per (course, question): n, Sx, Sy, Sxy, Sy2, confidently wrong, rated, choices per option."""
    x = case((AttemptQuestion.correct.is_(True), 1), else_=0)
    rest = AttemptQuestion.attempt_score - x
    sure_wrong = case((AttemptQuestion.sure.is_(True) & AttemptQuestion.correct.is_not(True), 1), else_=0)
    rated = case((AttemptQuestion.sure.is_not(None), 1), else_=0)
    # One column per option bit: each option's choices are counted in the same pass (engine.choices).
    bits = [func.sum(case((AttemptQuestion.chosen_mask.op("&")(1 << rank) != 0, 1), else_=0))
            for rank in range(MAX_OPTIONS)]
    return (select(AttemptQuestion.course_id, AttemptQuestion.question_id, func.count(), func.sum(x),
                   func.sum(rest), func.sum(x * rest), func.sum(rest * rest), func.sum(sure_wrong), func.sum(rated),
                   *bits)
            .where(*_conditions(scope))
            .group_by(AttemptQuestion.course_id, AttemptQuestion.question_id))


def _sums(session: Session, scope: Scope) -> list[tuple[int, ...]]:
    return [tuple(int(v or 0) for v in row) for row in session.execute(sums_query(scope)).all()]


def _options(question: Question, chosen: Sequence[int]) -> list[OptionCount]:
    ranks = option_ranks([o["text"] for o in question.options])
    return [OptionCount(o["text"], bool(o.get("correct")), chosen[ranks[o["text"]]]) for o in question.options]


def item_analysis(session: Session, scope: Scope) -> list[ItemStats]:
    """Every (course, question) answered in the scope, by course title then question id; three queries in all."""
    sums = _sums(session, scope)
    if not sums:
        return []
    question_ids = {row[1] for row in sums}
    questions = {q.id: q for q in session.scalars(select(Question).where(Question.id.in_(question_ids)))}
    titles = dict(session.execute(select(Course.id, Course.title)
                                  .where(Course.id.in_({row[0] for row in sums}))).all())
    items = []
    for course_id, question_id, n, sx, sy, sxy, sy2, sure_wrong, rated, *chosen in sums:
        question = questions[question_id]
        items.append(ItemStats(course_id, titles[course_id], question_id, question.qid, question.version,
                               question.prompt, question.explanation, n, sx,
                               discrimination_index(n, sx, sy, sxy, sx, sy2), sure_wrong, rated,
                               _options(question, chosen)))
    return sorted(items, key=lambda i: (i.course_title, i.qid, i.version))


def hardest_first(items: Sequence[ItemStats]) -> list[ItemStats]:
    """Lowest share right first; on a tie, the most confident mistakes first."""
    return sorted(items, key=lambda i: (i.facility, -i.confidently_wrong, i.course_title, i.qid))


def got_wrong_most(items: Sequence[ItemStats], limit: int = 10, least_attempts: int = 1) -> list[ItemStats]:
    """The questions with the lowest share right that someone got wrong, for planning training."""
    return hardest_first([i for i in items if i.attempts >= least_attempts and i.right < i.attempts])[:limit]


CSV_HEADER = ["Course", "Question id", "Version", "Question", "Attempts", "Facility (% right)",
              "Discrimination index", "Most chosen wrong option", "Chosen by", "Confidently wrong",
              "Flags", "Explanation"]


def csv_rows(items: Sequence[ItemStats]) -> tuple[list[str], list[list[Value]]]:
    """Header and rows for the CSV export, safe to open in a spreadsheet."""
    body: list[list[Value]] = []
    for item in items:
        wrong = item.most_chosen_wrong
        # Text from bank files is neutralised against formula injection; the figures (which may be negative) are not.
        text = [neutralise(v) for v in (item.course_title, item.qid, item.prompt, wrong.text if wrong else "")]
        body.append([*text[:2], str(item.version), text[2], str(item.attempts), f"{item.facility:.1f}",
                     "" if item.discrimination is None else f"{item.discrimination:.1f}", text[3],
                     str(wrong.chosen) if wrong else "", str(item.confidently_wrong) if item.rated else "",
                     "; ".join(item.flags), neutralise(item.explanation)])
    return CSV_HEADER, body
