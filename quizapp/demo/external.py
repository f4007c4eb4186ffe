"""Demo training done elsewhere: one record of each kind a DSL meets (approved, waiting, rejected, a group session).

Every record goes through the same domain operations as the pages (record, approve, reject, record a group), so
the audit trail, the matrix and the CPD ledgers show them as they would show real ones.
"""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Course, CourseBank, EvidenceFile, QuestionBank, School, User
from ..training.evidence import check_evidence
from ..training.group import record_group
from ..training.records import TrainingDetails, approve, record_training, reject, store_evidence
from .history import DSL_COURSE

LEVEL_3 = "Designated Safeguarding Lead training (Level 3)"
INSET = "INSET: child-on-child abuse and sexual harassment"


def attendance_pdf(lines: list[str]) -> bytes:
    """A one-page attendance certificate such as a course provider sends, to upload as evidence."""
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=A4, invariant=1)
    for n, line in enumerate(lines):
        pdf.setFont("Helvetica-Bold" if n == 0 else "Helvetica", 16 if n == 0 else 11)
        pdf.drawString(72, 760 - 24 * n, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _course_of_bank(session: Session, slug: str) -> Course | None:
    return session.scalar(select(Course).join(CourseBank).join(QuestionBank).where(QuestionBank.slug == slug))


def _by_email(session: Session, email: str) -> User:
    return session.scalars(select(User).where(User.email == email)).one()


def _evidence(session: Session, person: User, title: str, provider: str, on: date, now: datetime) -> EvidenceFile:
    data = attendance_pdf([f"Certificate of attendance: {title}", provider, person.full_name, f"{on:%d %B %Y}"])
    return store_evidence(session, check_evidence(data, "attendance.pdf"), person, now)


def _singles(session: Session, now: datetime, admin: User, dsl: User, sam: User) -> None:
    """The DSL's approved Level 3 course, Sam's record waiting for the DSL, and a rejected first-aid record."""
    on = (now - timedelta(days=75)).date()
    provider = "County Safeguarding Children Partnership"
    dsl_course = session.scalar(select(Course).where(Course.title == DSL_COURSE))
    level_3 = TrainingDetails(LEVEL_3, provider, on, 390, on + timedelta(days=730),
                              dsl_course.id if dsl_course else None)
    row = record_training(session, dsl, level_3, _evidence(session, dsl, LEVEL_3, provider, on, now), dsl,
                          now - timedelta(days=70))
    approve(session, row, admin, now - timedelta(days=68))  # a DSL's own training needs someone else's approval
    on = (now - timedelta(days=6)).date()
    reporting = _course_of_bank(session, "mandatory-reporting")
    waiting = TrainingDetails("Mandatory reporting: local authority briefing", "Local authority", on, 90,
                              course_id=reporting.id if reporting else None)
    record_training(session, sam, waiting, _evidence(session, sam, waiting.title, "Local authority", on, now), sam,
                    now - timedelta(days=5))
    other = session.scalars(select(User).where(User.role == "staff", User.school_id == sam.school_id,
                                               User.id != sam.id).order_by(User.id)).first()
    if other is not None:
        first_aid = TrainingDetails("Emergency first aid at work", "St John Ambulance", on, 360)
        turned_down = record_training(session, other, first_aid, None, other, now - timedelta(days=4))
        reject(session, turned_down, dsl, "No certificate was attached: please add the certificate you were "
                                          "given, then record it again.", now - timedelta(days=3))


def seed_external(session: Session, now: datetime) -> None:
    """Add the demo's training done elsewhere (the demo people and courses must exist already)."""
    admin, dsl, sam = (_by_email(session, e) for e in ("admin@demo.school", "dsl@demo.school", "staff@demo.school"))
    _singles(session, now, admin, dsl, sam)
    school = session.get(School, dsl.school_id) if dsl.school_id else None
    if school is None:
        return
    attendees = session.scalars(select(User).where(User.school_id == school.id, User.active.is_(True),
                                                   User.role == "staff").order_by(User.id).limit(8)).all()
    on = (now - timedelta(days=20)).date()
    record_group(session, attendees, TrainingDetails(INSET, f"{school.name} safeguarding team", on, 90), None, dsl,
                 now - timedelta(days=19))
