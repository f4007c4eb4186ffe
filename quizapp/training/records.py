"""Recording training done elsewhere and the DSL's decision on it: record, approve, reject (no Flask; `now` given)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..audit import record as audit
from ..certificates.issue import add_months
from ..models import Course, EvidenceFile, ExternalState, ExternalTraining, User
from ..models.external import MINUTES_MAX
from .evidence import CheckedEvidence

TEXT_MAX = 200
REASON_MAX = 1000


class TrainingRefused(Exception):
    """Input or an action the rules do not allow; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(message)


@dataclass(frozen=True)
class TrainingDetails:
    """What a person says they did: title, provider, when, how long, until when, and which course it stands for."""

    title: str
    provider: str
    completed_on: date
    minutes: int
    expires_on: date | None = None
    course_id: int | None = None


def check_details(session: Session, details: TrainingDetails, today: date) -> Course | None:
    """The course it stands for (if any), or TrainingRefused naming the first field that is wrong."""
    for name, value in (("title", details.title), ("provider", details.provider)):
        if not value.strip():
            raise TrainingRefused(name, f"Enter the {name} of the training.")
        if len(value) > TEXT_MAX:
            raise TrainingRefused(name, f"Use at most {TEXT_MAX} characters.")
    if details.completed_on > today:
        raise TrainingRefused("completed_on", "Enter today's date or an earlier one.")
    if not 0 <= details.minutes <= MINUTES_MAX:
        raise TrainingRefused("hours", f"Enter hours between 0 and {MINUTES_MAX // 60}.")
    if details.expires_on is not None and details.expires_on < details.completed_on:
        raise TrainingRefused("expires_on", "The expiry date must be on or after the date completed.")
    if details.course_id is None:
        return None
    course = session.get(Course, details.course_id)
    if course is None or not course.active:
        raise TrainingRefused("course", "Choose a course from the list.")
    return course


def store_evidence(session: Session, checked: CheckedEvidence, uploader: User, now: datetime) -> EvidenceFile:
    """Keep checked evidence bytes (shared by every record of a group session)."""
    evidence = EvidenceFile(data=checked.data, content_type=checked.content_type, sha256=checked.sha256,
                            size=len(checked.data), original_name=checked.display_name, uploaded_at=now,
                            uploaded_by_id=uploader.id)
    session.add(evidence)
    session.flush()
    return evidence


def record_training(session: Session, person: User, details: TrainingDetails, evidence: EvidenceFile | None,
                    recorded_by: User, now: datetime) -> ExternalTraining:
    """Add a pending record for the person (the caller has checked who may record for whom)."""
    check_details(session, details, now.date())
    row = ExternalTraining(user_id=person.id, title=details.title.strip(), provider=details.provider.strip(),
                           completed_on=details.completed_on, minutes=details.minutes, expires_on=details.expires_on,
                           course_id=details.course_id, state=ExternalState.PENDING.value,
                           recorded_by_id=recorded_by.id, recorded_at=now,
                           evidence_id=evidence.id if evidence else None)
    session.add(row)
    session.flush()
    audit(session, recorded_by, "external.record", f"external:{row.id}", person=person.id, title=row.title,
          evidence=evidence.sha256 if evidence else None)
    return row


def cover_until(session: Session, row: ExternalTraining) -> date | None:
    """The last day the record covers its course: its expiry, else the course's renewal period from completion."""
    if row.course_id is None:
        return None
    if row.expires_on is not None:
        return row.expires_on
    course = session.get(Course, row.course_id)
    return add_months(row.completed_on, course.validity_months) if course else None


def _pending(row: ExternalTraining, decider: User) -> None:
    if row.state != ExternalState.PENDING.value:
        raise TrainingRefused("decision", "This record has already been approved or rejected.")
    if row.user_id == decider.id:
        raise TrainingRefused("decision", "Your own training must be approved by another DSL or an admin.")


def approve(session: Session, row: ExternalTraining, decider: User, now: datetime) -> None:
    """Count the record from now on; audited."""
    _pending(row, decider)
    # The cover first: reading the course may flush, and the row must never be approved without it.
    row.valid_until = cover_until(session, row)
    row.state, row.decided_by_id, row.decided_at = ExternalState.APPROVED.value, decider.id, now
    session.flush()
    audit(session, decider, "external.approve", f"external:{row.id}", person=row.user_id, title=row.title,
          course=row.course_id, valid_until=row.valid_until.isoformat() if row.valid_until else None)


def reject(session: Session, row: ExternalTraining, decider: User, reason: str, now: datetime) -> None:
    """Turn the record down with a reason the person will see; audited."""
    _pending(row, decider)
    reason = reason.strip()
    if not reason:
        raise TrainingRefused("reason", "Enter the reason, so the person knows what to do next.")
    if len(reason) > REASON_MAX:
        raise TrainingRefused("reason", f"Use at most {REASON_MAX} characters.")
    row.state, row.decided_by_id, row.decided_at = ExternalState.REJECTED.value, decider.id, now
    row.rejection_reason = reason
    session.flush()
    audit(session, decider, "external.reject", f"external:{row.id}", person=row.user_id, title=row.title,
          reason=reason)
