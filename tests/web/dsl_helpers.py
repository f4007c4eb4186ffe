"""Builders and readers for the compliance tests: requirements, attempts, certificates, query counts, tables."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

from flask import Flask
from sqlalchemy import event, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from quizapp.models import Attempt, Certificate, Course, CourseRequirement, User

from ..factories import get_or_create_group

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # tests.clock.Clock's default "now"
D0 = T0.date()
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
_numbers = itertools.count(1)
DAY = timedelta(days=1)
NAMES = {"admin": "Ada", "dsl": "Dee", "other_dsl": "Ola", "staff": "Sam", "other_staff": "Tia", "far_staff": "Fay"}


def backdate_people(session: Session, when: datetime = LONG_AGO) -> None:
    """Make every account older than the days the tests look at, whatever the real clock says."""
    session.execute(update(User).values(created_at=when))
    session.flush()


def require(session: Session, course: Course, *groups: str) -> None:
    """Make the course required of the named staff groups."""
    for name in groups:
        session.add(CourseRequirement(course_id=course.id, staff_group_id=get_or_create_group(session, name).id))
    session.flush()


def attempt(session: Session, user: User, course: Course, started: datetime, *, minutes: int = 10,
            finished: datetime | None = None, passed: bool | None = None, state: str | None = None) -> Attempt:
    """An attempt row as the quiz leaves it (finished when `finished` is given)."""
    row = Attempt(user_id=user.id, course_id=course.id, started_at=started,
                  deadline_at=started + timedelta(minutes=minutes), finished_at=finished,
                  state=state or ("finished" if finished else "in_progress"), time_limit_seconds=minutes * 60,
                  pass_mark_pct=80, score_pct=90 if passed else (40 if finished else None), passed=passed,
                  correct_count=None, finish_reason="submitted" if finished else None)
    session.add(row)
    session.flush()
    return row


def certificate(session: Session, user: User, course: Course, issued: datetime, valid_until: date, *,
                revoked: datetime | None = None, superseded: datetime | None = None,
                reissue_of: Certificate | None = None) -> Certificate:
    """A certificate row (with the passing attempt behind it, or the original's attempt for a reissue)."""
    if reissue_of is None:
        behind = attempt(session, user, course, issued - timedelta(minutes=10), finished=issued, passed=True)
        attempt_id = behind.id
    else:
        attempt_id = reissue_of.attempt_id
    n = next(_numbers)
    cert = Certificate(number=f"T-{n:06d}", code=f"code-{n}-{user.id}", attempt_id=attempt_id,
                       reissue_of_id=reissue_of.id if reissue_of else None, user_id=user.id, course_id=course.id,
                       issued_at=issued, valid_until=valid_until, holder_name=user.full_name,
                       course_title=course.title, edition="2026-01", score_pct=90, pdf_sha256="",
                       revoked_at=revoked, superseded_at=superseded)
    session.add(cert)
    session.flush()
    return cert


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement sent to the database while the block runs."""
    engine = app.extensions["quizapp.engine"]
    statements: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


class _Tables(HTMLParser):
    """Text of every cell of every table, keyed by the table's class."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = self.tables.setdefault(dict(attrs).get("class") or "", [])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, css_class: str) -> list[list[str]]:
    """The body rows (not the header) of the first table with this class, as cell texts."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables.get(css_class, [])[1:]




def build_pack(client, query: str = "") -> tuple[str, TestResponse]:
    """Press "Build the evidence pack" (the job runs at once in these tests) and download it: (page, response)."""
    posted = client.post(f"/dsl/evidence-pack{'?' + query if query else ''}")
    assert posted.status_code == 302 and "/dsl/evidence-pack/" in posted.headers["Location"], posted.status_code
    page = client.get(posted.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True), client.get(posted.headers["Location"] + "/download")
