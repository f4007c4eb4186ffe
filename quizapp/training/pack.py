"""The inspector's evidence pack: one ZIP, streamed a few hundred KB at a time, memory flat however many staff.

It holds summary.pdf (school, day, covered %, the matrix as tables), the CSV and XLSX exports, and under
people/<name>/ each person's certificates that counted on the day and the evidence behind their approved
training done elsewhere. Files are read from the database in batches; nothing uploaded names a path.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..certificates.bulk import BATCH, FLUSH_AT, ZipSink, zip_entry
from ..compliance.asat import AsAt
from ..compliance.exports import slug
from ..compliance.matrix import MatrixRow
from ..compliance.status import LABELS
from ..compliance.summary import COUNTED, Summary
from ..models import Certificate, CertificateFile, Course, EvidenceFile, ExternalTraining, Policy
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


def summary_document(pack: PackInput) -> Document:
    """The PDF summary: figures, each course's tally, then the matrix in page-sized tables."""
    places, people = pack.summary.places, pack.summary.people
    pct = "–" if places.pct is None else f"{places.pct} %"
    facts = [("School", pack.scope), ("As at", f"the end of {_day(pack.when.day)}"), ("Filters", pack.filters),
             ("Required training covered", f"{pct} ({places.covered} of {places.total} required places)"),
             ("Staff covered for every required course", f"{people.fully_covered} of {people.with_required}"),
             ("Prepared", f"{_day(pack.stamp.date())}, {pack.stamp:%H:%M} UTC by {pack.made_by}")]
    tally = Section("Required courses", ["Covered means Compliant or Due soon on the day. Requirements as "
                                         "currently set; 'external' marks approved training done elsewhere."],
                    ["Course", "Covered", "Required", *[LABELS[s] for s in COUNTED]],
                    [[course.title, str(t.covered), str(t.total), *[str(t.count(s)) for s in COUNTED]]
                     for course, t in pack.summary.courses])
    header = ["Name", "Staff group", *[title for c in pack.courses for title in (c.title, "Valid until")]]
    rows = [[f"{row.last_name}, {row.first_name}", row.group,
             *[part for cell in row.cells for part in (cell.described, _day(cell.valid_until))]]
            for row in pack.rows]
    matrix = Section("Staff and required courses", [f"{len(rows)} people."], header, rows, "No one matches.")
    return Document("Safeguarding training evidence pack", facts, [tally, matrix], wide=True)


def folder(row: MatrixRow) -> str:
    """people/<Last-First-id>/: ASCII, unique by the id, built from our own fields only."""
    return f"people/{slug(row.last_name)}-{slug(row.first_name)}-{row.person_id}"


def _files(session: Session, rows: Sequence[MatrixRow], when: AsAt,
           pack_time: datetime) -> Iterator[tuple[str, datetime, bytes]]:
    """(path, time, bytes) of every certificate and approved evidence file of the people, batch by batch."""
    for start in range(0, len(rows), PEOPLE_PER_QUERY):
        folders = {row.person_id: folder(row) for row in rows[start:start + PEOPLE_PER_QUERY]}
        certificates = (select(Certificate.user_id, Certificate.number, Certificate.issued_at, CertificateFile.pdf)
                        .join(CertificateFile, CertificateFile.certificate_id == Certificate.id)
                        .where(Certificate.user_id.in_(list(folders)), Certificate.counted_at(when.cutoff))
                        .order_by(Certificate.user_id, Certificate.issued_at, Certificate.id))
        for user_id, number, issued_at, pdf in session.execute(certificates.execution_options(yield_per=BATCH)):
            yield f"{folders[user_id]}/certificate-{slug(number)}.pdf", issued_at, pdf
        evidence = (select(ExternalTraining.user_id, ExternalTraining.id, ExternalTraining.decided_at,
                           EvidenceFile.content_type, EvidenceFile.data)
                    .join(EvidenceFile, EvidenceFile.id == ExternalTraining.evidence_id)
                    .where(ExternalTraining.user_id.in_(list(folders)), ExternalTraining.counted_at(when.cutoff))
                    .order_by(ExternalTraining.user_id, ExternalTraining.id))
        for user_id, record_id, decided_at, kind, data in session.execute(evidence.execution_options(yield_per=BATCH)):
            extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[kind]
            yield f"{folders[user_id]}/training-elsewhere-{record_id}.{extension}", decided_at or pack_time, data


def pack_stream(session: Session, pack: PackInput) -> Iterator[bytes]:
    """Yield the ZIP: the summary and exports first, then each person's files as they are read."""
    sink = ZipSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr(zip_entry("summary.pdf", pack.stamp), render(summary_document(pack)))
        archive.writestr(zip_entry(f"{pack.export_name}.csv", pack.stamp), pack.csv)
        archive.writestr(zip_entry(f"{pack.export_name}.xlsx", pack.stamp), pack.xlsx, compresslevel=1)
        yield sink.drain()
        for path, moment, data in _files(session, pack.rows, pack.when, pack.stamp):
            # Stored PDFs and re-encoded images are compressed already: the fastest level gains about as much.
            archive.writestr(zip_entry(path, moment), data, compresslevel=1)
            if sink.size >= FLUSH_AT:
                yield sink.drain()
    yield sink.drain()  # the central directory, written as the archive closes
