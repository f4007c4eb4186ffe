"""Importing validated banks into the database: versions for changed questions, retirement, never deletion."""
from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast

from PIL import Image
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ..engine.drafts import IMPORTED_SOURCE
from ..models import Course, CourseBank, Question, QuestionBank, QuestionImage
from ..models.banks import QuestionStatus
from .schema import BankSpec, ImageSpec, QuestionKindName, QuestionSpec

DEFAULT_COURSE = {"time_limit_minutes": 15, "pass_mark_pct": 80, "validity_months": 12,
                  "max_attempts_per_day": 3, "cooldown_minutes": 30}
DEFAULT_DRAW = 12


@dataclass
class ImportReport:
    """What an import adds, changes and retires in one bank (a preview before it is applied)."""

    bank_id: str
    title: str
    new_bank: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # questions in the file that are drafts, never drawn
    unchanged: int = 0
    details_changed: bool = False
    course_created: str | None = None

    @property
    def has_changes(self) -> bool:
        """Whether applying would change anything."""
        return bool(self.new_bank or self.added or self.changed or self.retired or self.details_changed)

    def summary(self) -> str:
        """One line for the CLI and the admin screen."""
        line = (f"{self.bank_id}: {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.retired)} retired, {self.unchanged} unchanged")
        if self.drafts:
            line += f"; {len(self.drafts)} imported as draft{'s' if len(self.drafts) != 1 else ''}"
        if self.new_bank:
            line += " (new bank)"
        if self.course_created:
            line += f"; course '{self.course_created}' created"
        return line


def bank_hash(spec: BankSpec) -> str:
    """A hash of the bank's own details (not its questions)."""
    parts = [spec.title, spec.edition, spec.summary, spec.learning, repr([s.model_dump() for s in spec.sources]),
             f"{spec.reviewed_on}|{spec.review_by}|{sorted(spec.as_of_notes.items())}"]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class _Current(NamedTuple):
    id: int
    version: int
    content_hash: str
    retired: bool


def _current(session: Session, bank_id: int | None) -> dict[str, _Current]:
    # Plain rows, not ORM objects: a 10,000-question bank is compared in a fraction of a second.
    if bank_id is None:
        return {}
    rows = session.execute(select(Question.qid, Question.id, Question.version, Question.content_hash,
                                  Question.retired_at.is_not(None))
                           .where(Question.bank_id == bank_id, Question.superseded_at.is_(None)))
    return {qid: _Current(id_, version, content_hash, retired) for qid, id_, version, content_hash, retired in rows}


def _bank(session: Session, slug: str) -> QuestionBank | None:
    return session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))


def _plan(spec: BankSpec, bank: QuestionBank | None, current: dict[str, _Current]) -> ImportReport:
    report = ImportReport(spec.id, spec.title, new_bank=bank is None,
                          details_changed=bank is not None and bank.content_hash != bank_hash(spec))
    report.drafts = [q.id for q in spec.questions if q.draft_reasons]
    for question in spec.questions:
        existing = current.get(question.id)
        if existing is None:
            report.added.append(question.id)
        elif existing.content_hash != question.content_hash() or existing.retired:
            report.changed.append(question.id)
        else:
            report.unchanged += 1
    in_file = {q.id for q in spec.questions}
    report.retired = sorted(qid for qid, q in current.items() if qid not in in_file and not q.retired)
    return report


def plan_import(session: Session, spec: BankSpec) -> ImportReport:
    """Compare a bank file with the database without changing anything."""
    bank = _bank(session, spec.id)
    return _plan(spec, bank, _current(session, bank.id if bank else None))


def _row(bank_id: int, spec: BankSpec, question: QuestionSpec, version: int, now: datetime) -> dict[str, Any]:
    source = spec.source(question.source)
    return {"bank_id": bank_id, "qid": question.id, "version": version, "type": question.type,
            "prompt": question.prompt, "options": [o.stored() for o in question.options],
            "explanation": question.explanation, "source_id": source.id, "source_title": source.title,
            "source_url": source.url, "tags": list(question.tags), "content_hash": question.content_hash(),
            "created_at": now,
            "status": (QuestionStatus.DRAFT if question.draft_reasons else QuestionStatus.READY).value,
            "images": [{"sha256": image.sha256, "alt": image.alt} for image in question.images]}


def _imported_only(spec: BankSpec) -> bool:
    return [s.id for s in spec.sources] == [IMPORTED_SOURCE]


def _upsert_bank(session: Session, bank: QuestionBank | None, spec: BankSpec, now: datetime) -> QuestionBank:
    if bank is None:
        bank = QuestionBank(slug=spec.id, created_at=now, learning="", sources=[])
        session.add(bank)
    bank.title, bank.edition, bank.summary = spec.title, spec.edition, spec.summary
    # A GIFT/XML/Aiken file has no learning page or real sources: keep what the bank already has.
    bank.learning = spec.learning or bank.learning
    incoming = [s.model_dump() for s in spec.sources]
    bank.sources = [*[s for s in bank.sources if s["id"] != IMPORTED_SOURCE], *incoming] if _imported_only(spec) \
        else incoming
    bank.content_hash, bank.imported_at = bank_hash(spec), now
    # Review dates come only from YAML; a GIFT/XML/Aiken file has none, so keep the bank's own.
    if spec.reviewed_on or spec.review_by:
        bank.reviewed_on, bank.review_by, bank.as_of_notes = spec.reviewed_on, spec.review_by, dict(spec.as_of_notes)
    session.flush()
    return bank


def _mark(session: Session, ids: list[int], **values: Any) -> None:
    for start in range(0, len(ids), 500):
        session.execute(update(Question).where(Question.id.in_(ids[start:start + 500])).values(**values)
                        .execution_options(synchronize_session=False))


def apply_import(session: Session, spec: BankSpec, now: datetime, *, create_course: bool = True) -> ImportReport:
    """Apply a bank file (flush only): new versions for changed questions, retire missing ones."""
    bank = _bank(session, spec.id)
    current = _current(session, bank.id if bank else None)
    report = _plan(spec, bank, current)
    bank = _upsert_bank(session, bank, spec, now)
    changed, added = set(report.changed), set(report.added)
    rows = [_row(bank.id, spec, q, current[q.id].version + 1 if q.id in changed else 1, now)
            for q in spec.questions if q.id in added or q.id in changed]
    _mark(session, [current[qid].id for qid in report.changed], superseded_at=now)
    _mark(session, [current[qid].id for qid in report.retired], retired_at=now)
    if rows:
        store_images(session, [i for q in spec.questions if q.id in added or q.id in changed for i in q.images], now)
        session.execute(insert(Question), rows)
    if create_course:
        report.course_created = ensure_course(session, bank, sum(1 for q in spec.questions if not q.draft_reasons))
    return report


def store_images(session: Session, images: list[ImageSpec], now: datetime) -> None:
    """Keep each image once, named by its digest (the same picture in two questions or banks is one row)."""
    wanted = {image.sha256: image for image in images}
    if not wanted:
        return
    have = set(session.scalars(select(QuestionImage.sha256).where(QuestionImage.sha256.in_(list(wanted)))))
    for digest, image in wanted.items():
        if digest not in have:
            data = base64.b64decode(image.data)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
            session.add(QuestionImage(sha256=digest, media_type="image/png", data=data, size_bytes=len(data),
                                      width=width, height=height, created_at=now))
    session.flush()


def ensure_course(session: Session, bank: QuestionBank, live_count: int) -> str | None:
    """Create the bank's default course when no course draws from it yet; return its title if created.

    A bank of drafts only gets none: a course must draw at least one question, and drafts are never drawn.
    """
    used = session.scalar(select(func.count()).select_from(CourseBank).where(CourseBank.bank_id == bank.id))
    if live_count < 1 or used:
        return None
    title = bank.title
    if session.scalar(select(func.count()).select_from(Course).where(Course.title == title)):
        title = f"{bank.title} ({bank.slug})"
    course = Course(title=title, summary=bank.summary, **DEFAULT_COURSE)
    course.banks = [CourseBank(bank=bank, question_count=min(DEFAULT_DRAW, live_count), position=0)]
    session.add(course)
    session.flush()
    return course.title


def spec_from_db(session: Session, bank: QuestionBank) -> BankSpec:
    """The bank as it stands (live questions only), ready to export in any format."""
    from .schema import OptionSpec, SourceSpec

    live = session.scalars(select(Question).where(Question.bank_id == bank.id, Question.superseded_at.is_(None),
                                                  Question.retired_at.is_(None)).order_by(Question.qid)).all()
    digests = {image["sha256"] for q in live for image in q.images or []}
    data = dict(session.execute(select(QuestionImage.sha256, QuestionImage.data)
                                .where(QuestionImage.sha256.in_(digests))).all()) if digests else {}
    # Drafts are exported too, so they can be completed in the file and imported again.
    questions = [
        QuestionSpec.model_validate({"id": q.qid, "type": cast(QuestionKindName, q.type), "prompt": q.prompt,
                                     "explanation": q.explanation, "source": q.source_id, "tags": list(q.tags),
                                     "options": [OptionSpec(**o) for o in q.options],
                                     "images": [{"name": f"{i['sha256'][:12]}.png", "alt": i["alt"],
                                                 "data": base64.b64encode(data[i["sha256"]]).decode("ascii")}
                                                for i in q.images or [] if i["sha256"] in data]},
                                    context={"drafts": True})
        for q in live
    ]
    return BankSpec.model_construct(
        id=bank.slug,
        title=bank.title,
        edition=bank.edition,
        summary=bank.summary,
        learning=bank.learning,
        sources=[SourceSpec(**s) for s in bank.sources],
        reviewed_on=bank.reviewed_on,
        review_by=bank.review_by,
        as_of_notes=dict(bank.as_of_notes or {}),
        questions=questions,
    )
