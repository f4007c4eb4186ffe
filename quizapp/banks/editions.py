"""Recording a new edition of an existing bank: material or not, a short "What changed" note, the questions."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BankEdition, OrgSettings, QuestionBank
from .store import ImportReport

NOTE_MAX = 500


def needs_edition(report: ImportReport) -> bool:
    """Whether an import changes an existing bank's questions, so it must say whether the change is material."""
    return not report.new_bank and bool(report.added or report.changed or report.retired)


def edition_problems(material: bool | None, what_changed: str) -> list[tuple[str, str]]:
    """(field, message) for each problem with the material choice and the note; empty when both are fine."""
    problems = []
    if material is None:
        problems.append(("material", "Say whether the change is material."))
    note = what_changed.strip()
    if material and not note:
        problems.append(("what_changed", "Say what changed: staff with a current pass will read it."))
    if len(note) > NOTE_MAX:
        problems.append(("what_changed", f"Keep it to {NOTE_MAX} characters (it has {len(note)})."))
    return problems


def record_edition(session: Session, report: ImportReport, *, material: bool, what_changed: str, now: datetime,
                   user_id: int | None = None) -> BankEdition:
    """Log an applied import as an edition (flush only); a material one gets an "update required by" date."""
    bank = session.scalar(select(QuestionBank).where(QuestionBank.slug == report.bank_id))
    if bank is None:
        raise LookupError(f"No bank with the id '{report.bank_id}'.")
    days = OrgSettings.current(session).update_days
    edition = BankEdition(bank_id=bank.id, edition=bank.edition, material=material,
                          what_changed=what_changed.strip(), question_ids=sorted({*report.changed, *report.added}),
                          update_required_by=(now + timedelta(days=days)).date() if material else None,
                          imported_at=now, imported_by_id=user_id)
    session.add(edition)
    session.flush()
    return edition


def editions_of(session: Session, bank_id: int) -> list[BankEdition]:
    """A bank's recorded editions, newest first."""
    return list(session.scalars(select(BankEdition).where(BankEdition.bank_id == bank_id)
                                .order_by(BankEdition.imported_at.desc(), BankEdition.id.desc())))
