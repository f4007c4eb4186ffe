"""Saving answers while a quiz runs: one conditional write in the request's session, checked as it returns.

The statement is built once, at import: an answer save is the commonest request the app answers, and building a
statement costs more than SQLAlchemy's compiled cache saves. It writes plain columns and loads no ORM object.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..engine import rules, timing
from ..engine.questions import kind_of
from ..engine.refusal import Refused
from ..models import Attempt, AttemptQuestion, AttemptState

SUBMITTED = "This quiz has already been submitted, so the answer was not saved."
NOT_IN_QUIZ = "That question is not part of this quiz."

# The tables, not the mapped classes: a Core statement skips the ORM's per-execution work.
_attempts, _items = cast(Table, Attempt.__table__), cast(Table, AttemptQuestion.__table__)

# The person's own attempt, still open as the row is written: an answer racing the finalisation (another tab's
# submit, the worker closing expired attempts) can never change a graded attempt.
_STILL_OPEN = select(_attempts.c.id).where(
    _attempts.c.id == bindparam("attempt"), _attempts.c.user_id == bindparam("person"),
    _attempts.c.state == AttemptState.IN_PROGRESS.value,
    _attempts.c.deadline_at >= bindparam("cutoff", type_=_attempts.c.deadline_at.type))
_DEADLINE = select(_attempts.c.deadline_at).where(_attempts.c.id == _items.c.attempt_id).scalar_subquery()
_WRITE = (update(_items)
          .where(_items.c.id == bindparam("item"), _items.c.attempt_id.in_(_STILL_OPEN))
          .values(answer=bindparam("chosen", type_=_items.c.answer.type),
                  answered_at=bindparam("at", type_=_items.c.answered_at.type),
                  sure=bindparam("how_sure", type_=_items.c.sure.type))
          .returning(_items.c.type, _items.c.options, _DEADLINE))


class NotWritten(Refused):
    """Nothing was written: not the person's attempt, not one of its questions, or no longer open."""

    def __init__(self) -> None:
        super().__init__(SUBMITTED)


@dataclass(frozen=True)
class Saved:
    """An answer as stored (in option order) and the deadline it was saved against."""

    options: list[str]
    deadline_at: datetime


def _written(session: Session, person_id: int, attempt_id: int, item_id: int, chosen: Sequence[str], now: datetime,
             sure: bool | None) -> tuple[str, list[dict[str, Any]], datetime] | None:
    """Write the answer if the attempt is the person's and still open: (type, options, deadline), else None."""
    row = session.execute(_WRITE, {"item": item_id, "attempt": attempt_id, "person": person_id,
                                   "cutoff": now - timing.GRACE, "chosen": list(chosen), "at": now,
                                   "how_sure": sure}).first()
    return None if row is None else (row[0], row[1], row[2])


def _cleaned(item_type: str, options: list[dict[str, Any]], deadline_at: datetime, option_ids: Sequence[str],
             now: datetime) -> list[str]:
    """The answer in option order, or Refused (a rule of the deadline, or options this question does not have)."""
    reason = rules.reason_not_to_save(deadline_at, now)
    if reason:
        raise Refused(reason)
    return kind_of(item_type).clean([o["id"] for o in options], option_ids, options)


def save_answer(session: Session, person_id: int, attempt_id: int, item_id: int, option_ids: Sequence[str],
                now: datetime, sure: bool | None = None) -> Saved:
    """Save one answer of the person's own attempt as it is chosen, in option order; Refused says why not.

    The answer is written as posted and checked against the question the write returns, so a save is one
    statement (two when the posted order is not the options' order). Refused after the write leaves it in the
    request's transaction, which the caller must roll back; NotWritten means nothing was written, and
    `why_not_saved` names the reason. `sure` ("how sure are you", when the course asks) is saved with the answer.
    """
    written = _written(session, person_id, attempt_id, item_id, option_ids, now, sure)
    if written is None:
        raise NotWritten()
    item_type, options, deadline_at = written
    cleaned = _cleaned(item_type, options, deadline_at, option_ids, now)
    if cleaned != list(option_ids):
        _written(session, person_id, attempt_id, item_id, cleaned, now, sure)
    return Saved(cleaned, deadline_at)


def why_not_saved(attempt: Attempt, item_id: int, now: datetime) -> str:
    """The plain reason an answer to this (own) attempt could not be written."""
    if attempt.state != AttemptState.IN_PROGRESS.value:
        return SUBMITTED
    if not any(item.id == item_id for item in attempt.questions):
        return NOT_IN_QUIZ
    return rules.reason_not_to_save(attempt.deadline_at, now) or SUBMITTED


def save_all(session: Session, attempt: Attempt, answers: Mapping[int, Sequence[str]], now: datetime,
             sure: Mapping[int, bool] | None = None) -> list[str]:
    """Save every answer given, with how sure (the no-JavaScript submit); return the problems, one per refusal.

    The attempt's questions are loaded already, so each answer is checked before its write (nothing refused is
    ever written), and the loaded rows are kept in step, as grading reads them next.
    """
    problems = []
    items = {item.id: item for item in attempt.questions}
    for item_id, option_ids in answers.items():
        item, said = items.get(item_id), (sure or {}).get(item_id)
        try:
            if item is None:
                raise Refused(NOT_IN_QUIZ)
            cleaned = _cleaned(item.type, item.options, attempt.deadline_at, option_ids, now)
            if _written(session, attempt.user_id, attempt.id, item.id, cleaned, now, said) is None:
                raise Refused(SUBMITTED)
        except Refused as exc:
            problems.append(str(exc))
            continue
        for key, value in (("answer", cleaned), ("answered_at", now), ("sure", said)):
            set_committed_value(item, key, value)
    return problems
