"""The subject access ZIP, streamed: data.json, summary.html, certificate PDFs and evidence files.

Rows are read once and written to both data.json and summary.html, which wait in temporary files (on disk past
1 MB); the files go into the archive as they are read, one at a time, so memory stays flat however much is held.
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..certificates.bulk import ZipSink, copy_entry, zip_entry
from ..models import Certificate, CertificateFile, EvidenceFile, ExternalTraining, User
from .privacy_export import SECTIONS, Row, certificate_file_name, evidence_file_name, plain

FLUSH_AT = 256 * 1024
COPY_CHUNK = 64 * 1024
STYLE = ("body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin-bottom:2em}"
         "th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}"
         "th{background:#eee}")


def _heading(key: str) -> str:
    """A column heading people can read: "extra_time_pct" becomes "Extra time %"."""
    return key.replace("_", " ").capitalize().replace("pct", "%").replace("Id", "Number", 1)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{value:%d %B %Y %H:%M} UTC"
    if isinstance(value, date):
        return f"{value:%d %B %Y}"
    if isinstance(value, dict | list):
        return str(escape(json.dumps(value, ensure_ascii=False, default=str)))
    return str(escape(plain(value)))


class _Writers:
    """data.json and summary.html, written side by side as the rows come."""

    def __init__(self, json_file: IO[str], html_file: IO[str]) -> None:
        self.json, self.html = json_file, html_file

    def start(self, person: User, org: str, now: datetime) -> None:
        """The opening of both documents."""
        self.json.write('{"exported_at": ' + json.dumps(now.isoformat()) + ', "organisation": '
                        + json.dumps(org, ensure_ascii=False) + ', "sections": {')
        self.html.write(f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Data held about '
                        f'{escape(person.full_name)}</title><style>{STYLE}</style></head><body><main>'
                        f'<h1>Data held about {escape(person.full_name)}</h1><p>{escape(org)}, exported on '
                        f'{now:%d %B %Y at %H:%M} UTC. The same data, for computers, is in data.json.</p>')

    def section(self, index: int, key: str, title: str, rows: Iterator[Row]) -> None:
        """One section: a JSON array and an HTML table (or a line saying there is nothing)."""
        self.json.write(("" if index == 0 else ", ") + json.dumps(key) + ": [")
        self.html.write(f"<h2>{escape(title)}</h2>")
        count = 0
        for row in rows:
            if count == 0:
                headings = "".join(f'<th scope="col">{escape(_heading(k))}</th>' for k in row)
                self.html.write(f"<table><thead><tr>{headings}</tr></thead><tbody>")
            self.json.write(("" if count == 0 else ", ")
                            + json.dumps({k: plain(v) for k, v in row.items()}, ensure_ascii=False, default=str))
            self.html.write("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row.values()) + "</tr>")
            count += 1
        self.json.write("]")
        self.html.write("</tbody></table>" if count else "<p>Nothing held.</p>")

    def finish(self) -> None:
        """The closing of both documents."""
        self.json.write("}}")
        self.html.write("</main></body></html>")


def _files(session: Session, person: User) -> Iterator[tuple[str, datetime, bytes]]:
    certs = (select(Certificate.number, Certificate.issued_at, CertificateFile.pdf)
             .join(CertificateFile, CertificateFile.certificate_id == Certificate.id)
             .where(Certificate.user_id == person.id).order_by(Certificate.id))
    for number, issued_at, pdf in session.execute(certs.execution_options(yield_per=2)):
        yield certificate_file_name(number), issued_at, pdf
    theirs = select(ExternalTraining.evidence_id).where(ExternalTraining.user_id == person.id)
    evidence = (select(EvidenceFile.id, EvidenceFile.content_type, EvidenceFile.uploaded_at, EvidenceFile.data)
                .where(EvidenceFile.id.in_(theirs)).order_by(EvidenceFile.id))
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
    for evidence_id, content_type, uploaded_at, data in session.execute(evidence.execution_options(yield_per=2)):
        yield evidence_file_name(evidence_id, extension[content_type]), uploaded_at, data


def export_zip(session: Session, person_id: int, org: str, now: datetime) -> Iterator[bytes]:
    """Yield the ZIP of everything held about the person, a few hundred KB at a time."""
    # Loaded here, not handed in: a streamed response runs after the request's commit, in the same session.
    person = session.get(User, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    sink = ZipSink()
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as raw_json, \
            tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as raw_html, \
            zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        json_text = io.TextIOWrapper(raw_json, encoding="utf-8", newline="")
        html_text = io.TextIOWrapper(raw_html, encoding="utf-8", newline="")
        writers = _Writers(json_text, html_text)
        writers.start(person, org, now)
        for index, section in enumerate(SECTIONS):
            writers.section(index, section.key, section.title, section.rows(session, person))
        writers.finish()
        for name, stamp, data in _files(session, person):
            archive.writestr(zip_entry(name, stamp), data, compresslevel=1)
            if sink.size >= FLUSH_AT:
                yield sink.drain()
        for text, raw, name in ((json_text, raw_json, "data.json"), (html_text, raw_html, "summary.html")):
            text.flush()
            yield from copy_entry(archive, sink, raw, name, now)
            text.detach()
        yield sink.drain()
    yield sink.drain()
