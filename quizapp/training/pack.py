"""The inspector's evidence pack: one ZIP, streamed a few hundred KB at a time, memory flat however many staff.

It holds summary.pdf (school, day, covered %, the matrix with its policy columns as tables), the CSV and XLSX
exports, and under people/<name>/ each person's certificates that counted on the day, the evidence behind their
approved training done elsewhere and their policy acknowledgement receipts (one PDF). Files are read from the
database in batches; nothing uploaded names a path.
"""
from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..certificates.bulk import BATCH, FLUSH_AT, ZipSink, zip_entry
from ..compliance.asat import AsAt
from ..compliance.exports import slug
from ..compliance.matrix import MatrixRow
from ..compliance.status import LABELS, Status
from ..compliance.summary import COUNTED, Summary
from ..models import (
    Certificate,
    CertificateFile,
    Course,
    EvidenceFile,
    ExternalTraining,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from ..policies.receipts import Receipt, receipts_pdf
from ..policies.standing import PolicyCell, PolicyStatus
from .pack_pdf import Document, Section, render

PEOPLE_PER_QUERY = 500  # ids per IN (...) list: well inside every database's limit on bound parameters


@dataclass(frozen=True)
class PackInput:
    """What the pack shows: whose figures, which day, the rows and courses, and the two exports' bytes."""

    scope: str
    when: AsAt
    filters: str
    made_by: str
    stamp: datetime
    rows: Sequence[MatrixRow]
    courses: Sequence[Course]
    summary: Summary
    csv: bytes
    xlsx: bytes
    export_name: str  # the exports' file name without its extension
    policies: Sequence[Policy] = ()  # the policy columns, whose cells each row carries


def _day(value: date | None) -> str:
    """A day as "23 November 2026" (empty for none), as the pages print it."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def _cell_text(cell: PolicyCell) -> str:
    """"Acknowledged 21 November 2026", "Overdue (due by 17 November 2026)", "Not required"."""
    if cell.status is PolicyStatus.ACKNOWLEDGED:
        return f"{cell.label} {_day(cell.date_shown)}".strip()
    return f"{cell.label} (due by {_day(cell.due_by)})" if cell.due_by else cell.label


def _tallies(pack: PackInput) -> list[Section]:
    """Each course's tally, then (if any) each required policy's, in the course buckets."""
    courses = Section("Required courses", ["Covered means Compliant or Due soon on the day. Requirements as "
                                           "currently set; 'external' marks approved training done elsewhere."],
                      ["Course", "Covered", "Required", *[LABELS[s] for s in COUNTED]],
                      [[course.title, str(t.covered), str(t.total), *[str(t.count(s)) for s in COUNTED]]
                       for course, t in pack.summary.courses])
    if not pack.summary.policies:
        return [courses]
    policies = Section("Required policies", ["A required place is one person who must read the policy. They "
                                             "count in the figures above as courses do: Acknowledged as Compliant, "
                                             "Due as Not started, Overdue as Expired."],
                       ["Policy", "Acknowledged", "Must read", "Due", "Overdue"],
                       [[policy.title, str(t.covered), str(t.total), str(t.count(Status.NOT_STARTED)),
                         str(t.count(Status.EXPIRED))] for policy, t in pack.summary.policies])
    return [courses, policies]


def summary_document(pack: PackInput) -> Document:
    """The PDF summary: figures, each course's and policy's tally, then the matrix in page-sized tables."""
    places, people = pack.summary.places, pack.summary.people
    pct = "–" if places.pct is None else f"{places.pct} %"
    what = "course and policy" if pack.policies else "course"
    facts = [("School", pack.scope), ("As at", f"the end of {_day(pack.when.day)}"), ("Filters", pack.filters),
             ("Required training covered", f"{pct} ({places.covered} of {places.total} required places)"),
             (f"Staff covered for every required {what}", f"{people.fully_covered} of {people.with_required}"),
             ("Prepared", f"{_day(pack.stamp.date())}, {pack.stamp:%H:%M} UTC by {pack.made_by}")]
    header = ["Name", "Staff group", *[title for c in pack.courses for title in (c.title, "Valid until")],
              *[f"{p.title} (policy)" for p in pack.policies]]
    rows = [[f"{row.last_name}, {row.first_name}", row.group,
             *[part for cell in row.cells for part in (cell.described, _day(cell.valid_until))],
             *[_cell_text(cell) for cell in row.policy_cells]]
            for row in pack.rows]
    heading = "Staff, required courses and policies" if pack.policies else "Staff and required courses"
    matrix = Section(heading, [f"{len(rows)} people."], header, rows, "No one matches.")
    return Document("Safeguarding training evidence pack", facts, [*_tallies(pack), matrix], wide=True)


def folder(row: MatrixRow) -> str:
    """people/<Last-First-id>/: ASCII, unique by the id, built from our own fields only."""
    return f"people/{slug(row.last_name)}-{slug(row.first_name)}-{row.person_id}"


File = tuple[str, datetime, bytes]  # (path in the ZIP, its time, its bytes)


def _certificates(session: Session, folders: dict[int, str], when: AsAt) -> Iterator[File]:
    certificates = (select(Certificate.user_id, Certificate.number, Certificate.issued_at, CertificateFile.pdf)
                    .join(CertificateFile, CertificateFile.certificate_id == Certificate.id)
                    .where(Certificate.user_id.in_(list(folders)), Certificate.counted_at(when.cutoff))
                    .order_by(Certificate.user_id, Certificate.issued_at, Certificate.id))
    for user_id, number, issued_at, pdf in session.execute(certificates.execution_options(yield_per=BATCH)):
        yield f"{folders[user_id]}/certificate-{slug(number)}.pdf", issued_at, pdf


def _evidence(session: Session, folders: dict[int, str], when: AsAt, pack_time: datetime) -> Iterator[File]:
    evidence = (select(ExternalTraining.user_id, ExternalTraining.id, ExternalTraining.decided_at,
                       EvidenceFile.content_type, EvidenceFile.data)
                .join(EvidenceFile, EvidenceFile.id == ExternalTraining.evidence_id)
                .where(ExternalTraining.user_id.in_(list(folders)), ExternalTraining.counted_at(when.cutoff))
                .order_by(ExternalTraining.user_id, ExternalTraining.id))
    for user_id, record_id, decided_at, kind, data in session.execute(evidence.execution_options(yield_per=BATCH)):
        extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[kind]
        yield f"{folders[user_id]}/training-elsewhere-{record_id}.{extension}", decided_at or pack_time, data


def _receipts(session: Session, people: dict[int, MatrixRow], pack: PackInput) -> Iterator[File]:
    """One receipts PDF per person with any acknowledgement made by the end of the day."""
    acks = (select(PolicyAcknowledgement.user_id, Policy.title, PolicyVersion.label, PolicyAcknowledgement.at,
                   PolicyAcknowledgement.sha256)
            .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.version_id)
            .join(Policy, Policy.id == PolicyVersion.policy_id)
            .where(PolicyAcknowledgement.user_id.in_(list(people)), PolicyAcknowledgement.at < pack.when.cutoff)
            .order_by(PolicyAcknowledgement.user_id, PolicyAcknowledgement.at, PolicyAcknowledgement.id))
    prepared = (f"Acknowledgements made by the end of {_day(pack.when.day)}. Prepared {_day(pack.stamp.date())}, "
                f"{pack.stamp:%H:%M} UTC by {pack.made_by}.")
    rows = session.execute(acks.execution_options(yield_per=BATCH))
    for user_id, group in groupby(rows, key=lambda r: r.user_id):
        receipts = [Receipt(title, label, at, sha256) for _, title, label, at, sha256 in group]
        row = people[user_id]
        yield (f"{folder(row)}/policy-acknowledgements.pdf", receipts[-1].at,
               receipts_pdf(row.full_name, row.email, receipts, prepared))


Progress = Callable[[int], None]  # told how many people's files are in the ZIP so far


def _files(session: Session, pack: PackInput, per_query: int, progress: Progress | None) -> Iterator[File]:
    """Every certificate, approved evidence file and receipts PDF of the people, batch by batch."""
    for start in range(0, len(pack.rows), per_query):
        people = {row.person_id: row for row in pack.rows[start:start + per_query]}
        folders = {person_id: folder(row) for person_id, row in people.items()}
        yield from _certificates(session, folders, pack.when)
        yield from _evidence(session, folders, pack.when, pack.stamp)
        yield from _receipts(session, people, pack)
        if progress is not None:  # between batches no result is being read, so the caller may commit
            progress(start + len(people))


def pack_stream(session: Session, pack: PackInput, progress: Progress | None = None,
                per_query: int = PEOPLE_PER_QUERY) -> Iterator[bytes]:
    """Yield the ZIP: the summary and exports first, then each person's files as they are read."""
    sink = ZipSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr(zip_entry("summary.pdf", pack.stamp), render(summary_document(pack)))
        archive.writestr(zip_entry(f"{pack.export_name}.csv", pack.stamp), pack.csv)
        archive.writestr(zip_entry(f"{pack.export_name}.xlsx", pack.stamp), pack.xlsx, compresslevel=1)
        yield sink.drain()
        for path, moment, data in _files(session, pack, per_query, progress):
            # Stored PDFs and re-encoded images are compressed already: the fastest level gains about as much.
            archive.writestr(zip_entry(path, moment), data, compresslevel=1)
            if sink.size >= FLUSH_AT:
                yield sink.drain()
    yield sink.drain()  # the central directory, written as the archive closes
