"""A new edition of a course's bank as an import leaves it: changed questions superseded, new ones added, logged."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.banks.editions import record_edition
from quizapp.banks.store import ImportReport
from quizapp.models import BankEdition, Course, Question


def _new_version(old: Question, when: datetime) -> Question:
    old.superseded_at = when
    return Question(bank_id=old.bank_id, qid=old.qid, version=old.version + 1, type=old.type,
                    prompt=f"Changed: {old.prompt}", options=old.options, explanation=old.explanation,
                    source_id=old.source_id, source_title=old.source_title, source_url=old.source_url, tags=[],
                    content_hash=f"{old.content_hash}-v{old.version + 1}", created_at=when)


def new_edition(session: Session, course: Course, when: datetime, *, material: bool = True,
                changed: tuple[str, ...] = ("q-001",), added: tuple[str, ...] = ("q-new",),
                note: str = "Question 1 now reflects KCSIE 2026; a new question on reporting.") -> BankEdition:
    """Supersede `changed`, add `added` (single choice, first option right) and record the edition at `when`."""
    bank = course.banks[0].bank
    for qid in changed:
        old = session.scalar(select(Question).where(Question.bank_id == bank.id, Question.qid == qid,
                                                    Question.superseded_at.is_(None)))
        assert old is not None, qid
        session.add(_new_version(old, when))
    for qid in added:
        session.add(Question(bank_id=bank.id, qid=qid, version=1, type="single", prompt=f"New question {qid}?",
                             options=[{"text": f"Right {qid}", "correct": True},
                                      {"text": f"Wrong {qid}", "correct": False}],
                             explanation="New.", source_id="src", source_title="Test source",
                             source_url="https://example.org/src", tags=[], content_hash=f"new-{qid}-{bank.id}",
                             created_at=when))
    bank.edition = f"{when:%Y-%m-%d}"
    session.flush()
    report = ImportReport(bank.slug, bank.title, changed=list(changed), added=list(added))
    return record_edition(session, report, material=material, what_changed=note if material else "", now=when)
