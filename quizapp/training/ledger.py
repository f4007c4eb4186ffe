"""A person's CPD ledger: every quiz passed, policy acknowledged and approved training done elsewhere, with hours.

Each kind of activity is one source (a function returning lines). A policy acknowledgement claims no hours: no
reading time is recorded for a policy, so its line counts 0 and the pages show a dash.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Attempt,
    AttemptPurpose,
    AttemptState,
    Course,
    ExternalState,
    ExternalTraining,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)

QUIZ, POLICY, EXTERNAL = "Quiz passed", "Policy acknowledged", "Training done elsewhere"


@dataclass(frozen=True)
class LedgerLine:
    """One activity: when, what kind, what, who ran it or how it went, and how long it took."""

    on: date
    kind: str
    title: str
    detail: str
    minutes: int


@dataclass(frozen=True)
class Ledger:
    """The lines, newest first, with totals overall and by kind."""

    lines: list[LedgerLine]

    @property
    def total_minutes(self) -> int:
        """Every activity's minutes added up."""
        return sum(line.minutes for line in self.lines)

    def by_kind(self) -> list[tuple[str, int, int]]:
        """(kind, how many, minutes) for each kind present, in a fixed order."""
        kinds = dict.fromkeys(line.kind for line in sorted(self.lines, key=lambda line: line.kind))
        return [(kind, sum(1 for line in self.lines if line.kind == kind),
                 sum(line.minutes for line in self.lines if line.kind == kind)) for kind in kinds]


UPDATE_SUFFIX = ": update quiz after a new edition"


def quizzes_passed(session: Session, user_id: int) -> list[LedgerLine]:
    """Each passed quiz, with the time spent in it (whole minutes, at least one)."""
    rows = session.execute(select(Attempt.started_at, Attempt.finished_at, Attempt.score_pct, Course.title,
                                  Attempt.purpose)
                           .join(Course, Course.id == Attempt.course_id)
                           .where(Attempt.user_id == user_id, Attempt.state == AttemptState.FINISHED.value,
                                  Attempt.passed.is_(True)))
    # An update quiz is learning time too, but says so: it certifies nothing on its own.
    return [LedgerLine(finished.date(), QUIZ, title + (UPDATE_SUFFIX if purpose == AttemptPurpose.UPDATE.value else ""),
                       f"{score} %", max(1, round((finished - started).total_seconds() / 60)))
            for started, finished, score, title, purpose in rows if finished is not None]


def external_training(session: Session, user_id: int) -> list[LedgerLine]:
    """Each approved record of training done elsewhere, with its hours as recorded."""
    rows = session.execute(select(ExternalTraining.completed_on, ExternalTraining.title, ExternalTraining.provider,
                                  ExternalTraining.minutes)
                           .where(ExternalTraining.user_id == user_id,
                                  ExternalTraining.state == ExternalState.APPROVED.value))
    return [LedgerLine(on, EXTERNAL, title, provider, minutes) for on, title, provider, minutes in rows]


def policies_acknowledged(session: Session, user_id: int) -> list[LedgerLine]:
    """Each version of a policy the person acknowledged (older versions stay, as in the history)."""
    rows = session.execute(select(PolicyAcknowledgement.at, Policy.title, PolicyVersion.label)
                           .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.version_id)
                           .join(Policy, Policy.id == PolicyVersion.policy_id)
                           .where(PolicyAcknowledgement.user_id == user_id))
    return [LedgerLine(at.date(), POLICY, title, f"Version {label}", 0) for at, title, label in rows]


Source = Callable[[Session, int], list[LedgerLine]]
SOURCES: list[Source] = [quizzes_passed, policies_acknowledged, external_training]


def acknowledgement_lines(acknowledged: Sequence[PolicyAcknowledgement]) -> list[LedgerLine]:
    """The policy lines from acknowledgements already loaded with their versions and policies."""
    return [LedgerLine(a.at.date(), POLICY, a.version.policy.title, f"Version {a.version.label}", 0)
            for a in acknowledged]


def cpd_ledger(session: Session, user_id: int,
               acknowledged: Sequence[PolicyAcknowledgement] | None = None) -> Ledger:
    """The person's ledger: one query per source, whatever their history.

    A page that already holds the person's acknowledgement history passes it as `acknowledged`, saving a query.
    """
    sources = SOURCES if acknowledged is None else [s for s in SOURCES if s is not policies_acknowledged]
    lines = [line for source in sources for line in source(session, user_id)]
    lines += acknowledgement_lines(acknowledged or ())
    return Ledger(sorted(lines, key=lambda line: (line.on, line.kind, line.title), reverse=True))
