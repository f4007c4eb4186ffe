"""Many certificates as one ZIP, streamed: PDFs in batches, a manifest.csv at the end, bounded memory."""
from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import IO

from sqlalchemy import Select
from sqlalchemy.orm import Session

from ..models import Certificate, CertificateFile, User
from .status import LABELS, certificate_status

BATCH = 50  # rows (each with its PDF) fetched from the database at a time
FLUSH_AT = 256 * 1024  # hand bytes to the server once this much is buffered
COPY_CHUNK = 64 * 1024
MANIFEST = "manifest.csv"
MANIFEST_HEADER = ["number", "name", "email", "course", "issued", "valid until", "status", "file"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

NameOf = Callable[[Certificate], str]


class ZipSink(io.RawIOBase):
    """A write-only, unseekable buffer that zipfile writes into and the generator drains."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        """zipfile asks before writing."""
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # zipfile hands bytes, not any buffer
        """Keep a copy of the bytes until the next drain."""
        self._chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def drain(self) -> bytes:
        """Everything written since the last drain."""
        data, self._chunks, self.size = b"".join(self._chunks), [], 0
        return data


def safe_cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (a name could start with "=")."""
    return "'" + value if value.startswith(FORMULA_START) else value


def zip_entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    """A deflated, world-readable entry stamped with `moment`."""
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def manifest_row(cert: Certificate, email: str, today: date, file_name: str) -> list[str]:
    """One manifest line: number, name, email, course, issued, valid until, status, file."""
    return [cert.number, safe_cell(cert.holder_name), safe_cell(email), safe_cell(cert.course_title),
            cert.issued_at.date().isoformat(), cert.valid_until.isoformat(),
            LABELS[certificate_status(cert, today)], file_name]


def copy_entry(archive: zipfile.ZipFile, sink: ZipSink, raw: IO[bytes], name: str,
               stamp: datetime) -> Iterator[bytes]:
    """Copy a spooled file into the archive as `name`, handing bytes on whenever enough are buffered."""
    raw.seek(0)
    with archive.open(zip_entry(name, stamp), "w") as entry:
        while chunk := raw.read(COPY_CHUNK):
            entry.write(chunk)
            if sink.size >= FLUSH_AT:
                yield sink.drain()


def with_pdfs(listing: Select[Certificate]) -> Select[Certificate, str, bytes]:
    """Add each holder's email and the stored PDF to a certificate listing (User already joined)."""
    return listing.add_columns(User.email, CertificateFile.pdf).join(
        CertificateFile, CertificateFile.certificate_id == Certificate.id)


def zip_stream(session: Session, query: Select[Certificate, str, bytes], today: date,
               name_of: NameOf, stamp: datetime) -> Iterator[bytes]:
    """Yield a ZIP of every certificate the query returns, plus manifest.csv, a few hundred KB at a time."""
    sink = ZipSink()
    # The manifest waits in a temporary file (on disk past 1 MB), so memory stays flat however many rows.
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as raw, \
            zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")  # the BOM tells Excel it is UTF-8
        writer = csv.writer(text)
        writer.writerow(MANIFEST_HEADER)
        for cert, email, pdf in session.execute(query.execution_options(yield_per=BATCH)):
            file_name = name_of(cert)
            # PDFs are compressed already: the fastest level costs little and gains about as much as any.
            archive.writestr(zip_entry(file_name, cert.issued_at), pdf, compresslevel=1)
            writer.writerow(manifest_row(cert, email, today, file_name))
            if sink.size >= FLUSH_AT:
                yield sink.drain()
        text.flush()
        yield from copy_entry(archive, sink, raw, MANIFEST, stamp)
        text.detach()
        yield sink.drain()
    yield sink.drain()  # the central directory, written as the archive closes
