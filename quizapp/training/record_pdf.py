"""One person's training record as a PDF: required courses, policies and their acknowledgements, certificates,
training done elsewhere, CPD and history."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ..certificates.status import LABELS as CERTIFICATE_LABELS
from ..certificates.status import certificate_status
from ..compliance.asat import AsAt
from ..compliance.person import PersonRecord
from ..models import ExternalTraining, Policy, PolicyAcknowledgement
from ..policies.standing import PolicyCell
from .ledger import Ledger
from .pack_pdf import Document, Section, render

STATES = {"pending": "Waiting for approval", "approved": "Approved", "rejected": "Rejected"}


def _day(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def _external(rows: Sequence[ExternalTraining]) -> Section:
    return Section("Training done elsewhere", (), ["Training", "Provider", "Completed", "Hours", "Expires",
                                                   "Course it satisfies", "State"],
                   [[r.title, r.provider, _day(r.completed_on), _hours(r.minutes),
                     _day(r.expires_on) or "No expiry", r.course.title if r.course else "–", STATES[r.state]]
                    for r in rows])


def _policies(standing: Sequence[tuple[Policy, PolicyCell]],
              acknowledged: Sequence[PolicyAcknowledgement]) -> list[Section]:
    required = Section("Policies to read", (), ["Policy", "Status", "Acknowledged on or due by"],
                       [[policy.title, cell.label, _day(cell.date_shown)] for policy, cell in standing],
                       "No policy must be read by this person.")
    receipts = Section("Policy acknowledgements", ["Each version read and acknowledged, with the SHA-256 of the "
                                                   "document as it was read."],
                       ["Policy", "Version", "Acknowledged", "SHA-256 of the document"],
                       [[a.version.policy.title, a.version.label, f"{_day(a.at.date())}, {a.at:%H:%M} UTC",
                         f"{a.sha256[:32]}\n{a.sha256[32:]}"] for a in acknowledged])  # two lines fit the page
    return [required, receipts]


def record_document(data: PersonRecord, external: Sequence[ExternalTraining], ledger: Ledger, when: AsAt,
                    made_by: str, stamp: datetime, policies: Sequence[tuple[Policy, PolicyCell]] = (),
                    acknowledged: Sequence[PolicyAcknowledgement] = ()) -> Document:
    """The person page as a document an inspector can keep."""
    person = data.person
    facts = [("Email", person.email), ("School", person.school.name if person.school else "No school"),
             ("Staff group", person.staff_group.name if person.staff_group else "No staff group"),
             ("As at", f"the end of {_day(when.day)} (requirements as currently set)"),
             ("Prepared", f"{_day(stamp.date())}, {stamp:%H:%M} UTC by {made_by}")]
    required = Section("Required courses", (), ["Course", "Status", "Valid until"],
                       [[course.title, cell.described, _day(cell.valid_until)] for course, cell in data.standings],
                       "No course is required of this person.")
    certificates = Section("Certificates", (), ["Number", "Course", "Issued", "Valid until", "Status"],
                           [[c.number, c.course_title, _day(c.issued_at.date()), _day(c.valid_until),
                             CERTIFICATE_LABELS[certificate_status(c, when.day)]] for c in data.certificates])
    cpd = Section("CPD record", [f"{_hours(ledger.total_minutes)} hours in all."],
                  ["Date", "Activity", "Kind", "Provider or result", "Hours"],
                  [[_day(line.on), line.title, line.kind, line.detail, _hours(line.minutes) if line.minutes else "–"]
                   for line in ledger.lines])
    history = Section("History", (), ["When", "What"],
                      [[f"{_day(e.at.date())}, {e.at:%H:%M}", e.text] for e in data.history])
    return Document(f"Training record: {person.full_name}", facts,
                    [required, *_policies(policies, acknowledged), certificates, _external(external), cpd, history])


def record_pdf(data: PersonRecord, external: Sequence[ExternalTraining], ledger: Ledger, when: AsAt,
               made_by: str, stamp: datetime, policies: Sequence[tuple[Policy, PolicyCell]] = (),
               acknowledged: Sequence[PolicyAcknowledgement] = ()) -> bytes:
    """The PDF bytes of `record_document`."""
    return render(record_document(data, external, ledger, when, made_by, stamp, policies, acknowledged))
