"""CSV bulk import: template, preview naming every bad row, all-or-nothing apply, encodings and limits."""
from __future__ import annotations

import io
import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditEvent, User

from ..clock import Clock
from ..conftest import sign_in
from ..factories import get_or_create_group, make_user
from ..smtp import Inbox, use_smtp

HEADER = "email,first_name,last_name,role,school,staff_group,extra_time_pct\r\n"
PAYLOAD = re.compile(r'name="payload" type="hidden" value="([^"]+)"')


def _upload(client: FlaskClient, content: bytes | str, name: str = "people.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/admin/users/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def _payload(html: str) -> str:
    return unescape(PAYLOAD.search(html).group(1))


def _rows(html: str) -> list[tuple[str, str, str]]:
    """(row, column, problem) from the problems table."""
    body = html.split("<caption>Problems, by row</caption>")[1].split("</table>")[0]
    return [(r, c, unescape(p)) for r, c, p in
            re.findall(r'<tr><th scope="row">(\d+)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', body)]


@pytest.fixture()
def admin(client: FlaskClient, people: dict) -> FlaskClient:
    """The client, signed in as an admin."""
    sign_in(client, people["admin_email"])
    return client


def test_template_download(admin: FlaskClient) -> None:
    response = admin.get("/admin/users/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig") == HEADER


def test_bad_rows_import_nothing_and_each_is_named(app: Flask, admin: FlaskClient, people: dict) -> None:
    csv_text = HEADER + (
        "ok.person@example.org,Ok,Person,staff,School A,Teaching staff,0\r\n"      # row 2: fine
        "not-an-email,Bad,Email,,,,\r\n"                                           # row 3
        "dup@example.org,First,Dup,,,,\r\n"                                        # row 4
        "DUP@example.org,Second,Dup,,,,\r\n"                                       # row 5
        "role@example.org,Bad,Role,teacher,,,\r\n"                                 # row 6
        "school@example.org,Bad,School,,Hogwarts,Wizards,\r\n"                     # row 7 (two problems)
        "\r\n"                                                                     # row 8: blank, skipped
        "time@example.org,Bad,Time,,,,301\r\n"                                     # row 9
        ",No,Email,,,,\r\n"                                                        # row 10
        "noname@example.org,,,,,,\r\n"                                             # row 11 (two problems)
        f"{people['admin_email']},Self,Demote,staff,,,\r\n")                       # row 12
    response = _upload(admin, csv_text)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing has been imported" in html
    rows = _rows(html)
    assert [(r, c) for r, c, _ in rows] == [
        ("3", "email"), ("5", "email"), ("6", "role"), ("7", "school"), ("7", "staff_group"),
        ("9", "extra_time_pct"), ("10", "email"), ("11", "first_name"), ("11", "last_name"), ("12", "role")]
    messages = {(r, c): p for r, c, p in rows}
    assert messages[("3", "email")].startswith("Enter a valid email address (“not-an-email”")
    assert messages[("5", "email")] == "Duplicate email dup@example.org: it is also on row 4."
    assert messages[("6", "role")] == "Unknown role “teacher”: use staff, dsl or admin."
    assert messages[("7", "school")].startswith("Unknown school “Hogwarts”")
    assert messages[("7", "staff_group")].startswith("Unknown staff group “Wizards”")
    assert messages[("9", "extra_time_pct")] == "Extra time must be a whole number from 0 to 300, not “301”."
    assert messages[("10", "email")] == "Enter the email address."
    assert messages[("11", "first_name")] == "Enter the first name."
    assert "Confirm import" not in html and 'name="payload"' not in html
    assert _count(app) == 6


def test_good_csv_creates_and_updates_then_invites(app: Flask, admin: FlaskClient, people: dict,
                                                   smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    with app.app_context():
        get_or_create_group(db.session, "Support staff")
        db.session.commit()
        same_name = db.session.get(User, people["other_staff"]).first_name
    csv_text = HEADER + (
        "New.One@Example.org,Zoë,Ó Súilleabháin,,School A,Teaching staff,25%\r\n"
        "new.two@example.org,Łukasz,Wróblewski,dsl,school b,support staff,\r\n"
        f"{people['staff_email']},Changed,Name,dsl,School B,,50\r\n"
        f"{people['other_staff_email']},{same_name},Tester,,,,\r\n")
    preview = _upload(admin, csv_text)
    html = preview.get_data(as_text=True)
    assert "Confirming will add 2, update 1 and leave 1 unchanged." in html, html
    assert "role: staff → dsl" in unescape(html) and "school: School A → School B" in unescape(html)
    assert "staff, School A, Teaching staff, 25 % extra time" in unescape(html)
    assert _count(app) == 6  # nothing yet
    done = admin.post("/admin/users/import/confirm", data={"payload": _payload(html)})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "added 2, updated 1, unchanged 1" in text
    with app.app_context():
        one = db.session.scalar(select(User).where(User.email == "new.one@example.org"))
        assert (one.first_name, one.extra_time_pct, one.role, one.school.name) == ("Zoë", 25, "staff", "School A")
        two = db.session.scalar(select(User).where(User.email == "new.two@example.org"))
        assert (two.role, two.school.name, two.staff_group.name, two.extra_time_pct) == (
            "dsl", "School B", "Support staff", 0)
        staff = db.session.get(User, people["staff"])
        assert (staff.first_name, staff.role, staff.school.name, staff.extra_time_pct) == (
            "Changed", "dsl", "School B", 50)
        assert staff.staff_group.name == "Teaching staff"  # blank cell: unchanged
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("user.create") == 2 and actions.count("user.update") == 1 and "user.import" in actions
    assert "2 people from this file have no password yet." in text
    ids = re.search(r'name="user_ids" type="hidden" value="([^"]*)"', text).group(1)
    admin.post("/admin/users/invite", data={"user_ids": ids})
    assert sorted(r[0] for r in smtp_inbox.recipients) == ["new.one@example.org", "new.two@example.org"]
    again = admin.post("/admin/users/import/confirm", data={"payload": _payload(html)})
    assert again.status_code == 409 and "nothing was imported" in again.get_data(as_text=True)
    assert _count(app) == 8


def test_excel_variants_bom_semicolons_utf16(app: Flask, admin: FlaskClient) -> None:
    rows = "email;first_name;last_name\r\nsemi@example.org;Sémi;Colon\r\n"
    html = _upload(admin, "\ufeff".encode() + rows.encode()).get_data(as_text=True)
    assert "Confirming will add 1" in html
    utf16 = "email\tfirst_name\tlast_name\r\ntab@example.org\tTäb\tSep\r\n".encode("utf-16")
    assert "Confirming will add 1" in _upload(admin, utf16).get_data(as_text=True)
    quoted = 'Email,First Name,Last Name\r\n"quoted@example.org","Anne, Marie","O\'Neil"\r\n'
    assert "Anne, Marie" in _upload(admin, quoted).get_data(as_text=True)


@pytest.mark.parametrize("content, message", [
    ("email,first_name,last_name\r\nlatin@example.org,Zo\xeb,X\r\n".encode("latin-1"), "not saved as UTF-8"),
    (b"PK\x03\x04rest-of-a-workbook", "This is an Excel workbook"),
    (b"email,first,last\r\na@b.org,A,B\r\n", "unknown columns first, last"),
    (b"email,first_name\r\na@b.org,A\r\n", "missing last_name"),
    (b"", "The file is empty."),
    (b"email,first_name,last_name\r\n", "no people in it"),
])
def test_unreadable_files_get_a_clear_message(admin: FlaskClient, content: bytes, message: str) -> None:
    response = _upload(admin, content)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and message in html and "There is a problem" in html


def test_too_many_rows_or_too_large_is_refused(app: Flask, admin: FlaskClient) -> None:
    many = HEADER + "".join(f"p{i}@example.org,P,{i},,,,\r\n" for i in range(5001))
    assert "the limit is 5,000" in unescape(_upload(admin, many).get_data(as_text=True))
    big = HEADER.encode() + b"x" * (2 * 1024 * 1024)
    assert "the limit is 2 MB" in _upload(admin, big).get_data(as_text=True)
    assert _count(app) == 6


def test_confirmation_cannot_be_tampered_with_reused_or_late(app: Flask, admin: FlaskClient, people: dict) -> None:
    clock = Clock()
    app.config["CLOCK"] = clock
    payload = _payload(_upload(admin, HEADER + "tamper@example.org,T,Amper,,,,\r\n").get_data(as_text=True))
    tampered = admin.post("/admin/users/import/confirm", data={"payload": payload[:-3] + "abc"},
                          follow_redirects=True)
    assert "This preview could not be checked." in tampered.get_data(as_text=True)
    with app.app_context():
        other = make_user(db.session, "admin")
        db.session.commit()
        other_email = other.email
    admin.post("/sign-out")
    sign_in(admin, other_email)
    response = admin.post("/admin/users/import/confirm", data={"payload": payload}, follow_redirects=True)
    assert "This preview was made by someone else." in response.get_data(as_text=True)
    admin.post("/sign-out")
    clock.advance(hours=2)
    sign_in(admin, people["admin_email"])
    late = admin.post("/admin/users/import/confirm", data={"payload": payload}, follow_redirects=True)
    assert "This preview is more than an hour old." in late.get_data(as_text=True)
    assert _count(app) == 7


def test_changes_between_preview_and_confirm_apply_nothing(app: Flask, admin: FlaskClient) -> None:
    html = _upload(admin, HEADER + "race1@example.org,R,One,,,,\r\nrace2@example.org,R,Two,,,,\r\n")
    payload = _payload(html.get_data(as_text=True))
    with app.app_context():
        db.session.add(User(email="race2@example.org", first_name="Other", last_name="Person", role="staff"))
        db.session.commit()
    response = admin.post("/admin/users/import/confirm", data={"payload": payload})
    assert response.status_code == 409
    assert "People changed since your preview, so nothing was imported." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "race1@example.org")) is None


def test_staff_cannot_import(client: FlaskClient, people: dict) -> None:
    sign_in(client, people["staff_email"])
    assert _upload(client, HEADER + "x@example.org,X,Y,,,,\r\n").status_code == 403
    assert client.post("/admin/users/import/confirm", data={"payload": "x"}).status_code == 403


def test_a_quoted_line_break_in_a_name_is_refused_with_its_row_and_column(app: Flask, admin: FlaskClient) -> None:
    before = _count(app)
    csv = (HEADER + "ok@example.org,Olu,Okafor,staff,,,0\r\n"
           + '"lb@example.org","Ann\nBcc: x@evil.example",Lee,staff,,,0\r\n')
    html = admin.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(csv.encode()), "people.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    rows = _rows(html)
    assert [(r, c) for r, c, _ in rows] == [("3", "first_name")]
    assert "must be on one line" in rows[0][2]
    assert 'name="payload"' not in html and _count(app) == before
