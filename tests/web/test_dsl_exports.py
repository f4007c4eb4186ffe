"""CSV and XLSX exports: exactly the filtered matrix (all pages, same day), safe against formulas, audited."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, Course, User
from quizapp.web.context import ukdate

from ..conftest import sign_in
from ..factories import make_course, make_user
from .dsl_helpers import D0, T0, attempt, backdate_people, certificate, require, table_rows

DAY = timedelta(days=1)


@pytest.fixture()
def crowd(app: Flask, world: dict) -> dict:
    """Sixty more people in school A, half covered, so the export must span two pages."""
    with app.app_context():
        s = db.session
        course = s.get(Course, world["annual"])
        for i in range(60):
            person = make_user(s, "staff", first_name=f"Extra{i:02d}", last_name="Crowd")
            if i % 2:
                certificate(s, person, course, T0 - 30 * DAY, D0 + (i * 7) * DAY - 200 * DAY)
        backdate_people(s)
        s.commit()
    return world


def _csv(client: FlaskClient, query: str = "") -> tuple[list[str], list[list[str]], str]:
    response = client.get(f"/dsl/export.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return rows[0], rows[1:], response.headers["Content-Disposition"]


def _as_shown(line: list[str], admin: bool) -> list[str]:
    """An export line rewritten the way the matrix page shows it."""
    last, first, _email, school, group, *courses = line
    cells = []
    for label, valid in zip(courses[::2], courses[1::2], strict=True):
        day = date.fromisoformat(valid) if valid else None
        if label in ("Compliant", "Due soon"):
            cells.append(f"{label} until {ukdate(day)}")
        elif label == "Expired":
            cells.append(f"{label} on {ukdate(day + DAY)}")
        else:
            cells.append(label)
    return [f"{last}, {first}"] + ([school] if admin else []) + [group] + cells


def _all_pages(client: FlaskClient, query: str) -> list[list[str]]:
    rows, page = [], 1
    while True:
        html = client.get(f"/dsl/{query}&page={page}").get_data(as_text=True)
        rows += table_rows(html, "matrix")
        if "Next page" not in html:
            return rows
        page += 1


@pytest.mark.parametrize("query", ["?status=not_covered&sort=school", "?sort=course-{annual}",
                                   "?q=crowd&status=covered&course={annual}", "?as_at=2026-05-01&sort=group"])
def test_csv_is_exactly_the_filtered_matrix(client: FlaskClient, crowd: dict, query: str) -> None:
    query = query.format(annual=crowd["annual"])
    sign_in(client, crowd["admin_email"])
    header, lines, _ = _csv(client, query)
    assert header[:5] == ["Last name", "First name", "Email", "School", "Staff group"]
    if "course=" not in query:
        assert header[5:] == ["Annual safeguarding: status", "Annual safeguarding: valid until",
                              "Prevent duty: status", "Prevent duty: valid until"]
    shown = _all_pages(client, query)
    assert len(shown) > 0
    assert [_as_shown(line, admin=True) for line in lines] == shown


def test_xlsx_matches_the_csv_and_says_what_it_shows(client: FlaskClient, crowd: dict) -> None:
    sign_in(client, crowd["admin_email"])
    query = "?status=not_covered&as_at=2026-11-20"
    _, lines, _ = _csv(client, query)
    response = client.get(f"/dsl/export.xlsx{query}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="compliance_all-schools_2026-11-20.xlsx"'
    book = load_workbook(io.BytesIO(response.data))
    ws = book.worksheets[0]
    assert ws.title == "As at 2026-11-20"
    assert ws["A1"].value == "Safeguarding training compliance as at 20 November 2026: All schools"
    assert ws["A1"].font.b
    assert "Status: Not covered" in ws["A2"].value and "Requirements as currently set" in ws["A2"].value
    assert all(cell.font.b for cell in ws[3]) and ws["A3"].value == "Last name"
    assert ws.freeze_panes == "C4"
    assert ws.column_dimensions["C"].width > 10
    values = [["" if v is None else v.date().isoformat() if hasattr(v, "date") else str(v) for v in row]
              for row in ws.iter_rows(min_row=4, values_only=True)]
    assert values == lines


def test_dsl_export_holds_only_their_school(client: FlaskClient, crowd: dict) -> None:
    sign_in(client, crowd["dsl_email"])
    _, lines, disposition = _csv(client, "?school=999")
    assert disposition == 'attachment; filename="compliance_school-a_2026-11-23.csv"'
    assert {line[3] for line in lines} == {"School A"}
    assert len(lines) == 64
    assert [_as_shown(line, admin=False) for line in lines] == _all_pages(client, "?x=1")


def test_formula_cells_are_neutralised(client: FlaskClient, world: dict, app: Flask) -> None:
    with app.app_context():
        make_user(db.session, "staff", first_name='=HYPERLINK("http://evil.example","Click")', last_name="@SUM(1)",
                  group="+Group", school="-School")
        make_user(db.session, "staff", first_name="\tTabby", last_name="Ordinary", group="+Group", school="-School")
        backdate_people(db.session)
        db.session.commit()
    sign_in(client, world["admin_email"])
    _, lines, _ = _csv(client, "?q=evil")
    assert [line[:5] for line in lines] == [
        ["'@SUM(1)", '\'=HYPERLINK("http://evil.example","Click")', lines[0][2], "'-School", "'+Group"]]
    ws = load_workbook(io.BytesIO(client.get("/dsl/export.xlsx?sort=school").data)).worksheets[0]
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f" or c.value[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'\tTabby" in [c.value for c in cells]


def test_export_is_audited(client: FlaskClient, world: dict, app: Flask) -> None:
    sign_in(client, world["dsl_email"])
    client.get("/dsl/export.xlsx?status=expired")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "compliance.export"))
        assert event is not None and event.actor_id == world["dsl"]
        assert event.details["format"] == "xlsx" and event.details["rows"] == 1
        assert event.details["as_at"] == "2026-11-23" and "Status: Expired" in event.details["filters"]
        assert event.target.startswith("school:")


def test_bad_filters_send_you_back_to_the_form(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["admin_email"])
    response = client.get("/dsl/export.csv?as_at=not-a-date")
    assert response.status_code == 302 and "/dsl/?as_at=not-a-date" in response.headers["Location"]


def test_in_progress_and_unrequired_cells_export_as_words(client: FlaskClient, world: dict, app: Flask) -> None:
    with app.app_context():
        s = db.session
        course = make_course(s, title="Volunteer induction")
        require(s, course, "Volunteers")
        attempt(s, s.get(User, world["staff"]), course, T0 - timedelta(minutes=1))
        s.commit()
    sign_in(client, world["admin_email"])
    header, lines, _ = _csv(client, "?q=sam")
    row = dict(zip(header, lines[0], strict=True))
    assert row["Volunteer induction: status"] == "Not required"
    assert row["Prevent duty: status"] == "Due soon" and row["Prevent duty: valid until"] == "2026-12-03"
