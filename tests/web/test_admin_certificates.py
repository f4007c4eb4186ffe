"""The certificates screen: search, filters, sort, pages, DSL scope, downloads, ZIP, revoke, reissue, audit."""
from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from quizapp.certificates.issue import pdf_bytes
from quizapp.extensions import db
from quizapp.models import AuditEvent, Certificate, CertificateFile, User

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_course, make_user
from .certificate_helpers import certify

START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture()
def cast(app: Flask, people: dict, clock: Clock) -> dict:
    """Four certificates on two courses: three people in School A, one in School B."""
    with app.app_context():
        s = db.session
        fire = make_course(s, title="Fire safety", validity_months=6)
        online = make_course(s, title="Online safety", validity_months=24)
        zoe = make_user(s, "staff", first_name="Zoë", last_name="Adams")
        certs = {
            "zoe_fire": certify(s, zoe, fire, START),  # valid until 10 July 2026: expired by November
            "staff_online": certify(s, s.get(User, people["staff"]), online, START + timedelta(days=30)),
            "other_fire": certify(s, s.get(User, people["other_staff"]), fire, START + timedelta(days=300)),
            "far_online": certify(s, s.get(User, people["far_staff"]), online, START + timedelta(days=200)),
        }
        s.commit()
        return {key: cert.id for key, cert in certs.items()} | {
            "fire": fire.id, "online": online.id, "zoe_email": zoe.email,
            "numbers": {key: cert.number for key, cert in certs.items()},
            "school_b": s.get(User, people["far_staff"]).school_id}


def _numbers(html: str) -> list[str]:
    """Certificate numbers in table order."""
    return re.findall(r"<td>(QZ-\d{4}-\d{6})</td>", html)


def _listing(client: FlaskClient, **args: object) -> list[str]:
    response = client.get("/admin/certificates", query_string=args)
    assert response.status_code == 200, response.status_code
    return _numbers(response.get_data(as_text=True))


def test_staff_are_refused_everything(client: FlaskClient, people: dict, cast: dict) -> None:
    sign_in(client, people["staff_email"])
    for url in ("/admin/certificates", "/admin/certificates/download.zip",
                f"/admin/certificates/{cast['zoe_fire']}/revoke", f"/admin/certificates/{cast['zoe_fire']}/reissue",
                "/admin/settings"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/certificates/{cast['zoe_fire']}/revoke", data={"reason": "x"}).status_code == 403


def test_search_by_name_email_and_number(client: FlaskClient, people: dict, cast: dict) -> None:
    sign_in(client, people["admin_email"])
    n = cast["numbers"]
    assert _listing(client, text="zoë") == [n["zoe_fire"]]
    assert _listing(client, text="ADAMS zo") == [n["zoe_fire"]]
    assert _listing(client, text=people["far_staff_email"]) == [n["far_online"]]
    assert _listing(client, text=n["other_fire"].lower()) == [n["other_fire"]]
    assert _listing(client, text="100%_") == []  # LIKE wildcards are matched literally


def test_filters_by_course_school_status_and_dates(client: FlaskClient, people: dict, cast: dict) -> None:
    sign_in(client, people["admin_email"])
    n = cast["numbers"]
    assert set(_listing(client, course_id=cast["fire"])) == {n["zoe_fire"], n["other_fire"]}
    assert _listing(client, school_id=cast["school_b"]) == [n["far_online"]]
    assert _listing(client, status="expired") == [n["zoe_fire"]]
    assert set(_listing(client, status="valid")) == {n["staff_online"], n["other_fire"], n["far_online"]}
    assert _listing(client, issued_from="2026-02-09", issued_to="2026-02-09") == [n["staff_online"]]
    assert _listing(client, issued_from="2026-07-01", course_id=cast["online"]) == [n["far_online"]]
    html = client.get("/admin/certificates?issued_from=2026-05-01&issued_to=2026-04-01").get_data(as_text=True)
    assert "Issued to: Enter a date on or after the “Issued from” date." in html


def test_sort_by_each_column_both_ways(client: FlaskClient, people: dict, cast: dict) -> None:
    sign_in(client, people["admin_email"])
    n = cast["numbers"]
    by_issue = [n["zoe_fire"], n["staff_online"], n["far_online"], n["other_fire"]]
    assert _listing(client) == by_issue[::-1]  # newest first by default
    assert _listing(client, sort="issued", order="asc") == by_issue
    assert _listing(client, sort="course", order="asc")[:2] != _listing(client, sort="course", order="desc")[:2]
    assert set(_listing(client, sort="course", order="asc")[:2]) == {n["zoe_fire"], n["other_fire"]}
    names = _listing(client, sort="name", order="asc")
    assert names[-1] == n["zoe_fire"] and _listing(client, sort="name", order="desc")[0] == n["zoe_fire"]
    # valid until: Zoë's 6-month course lapses first, the 24-month ones last.
    assert _listing(client, sort="valid_until", order="asc")[0] == n["zoe_fire"]
    assert _listing(client, sort="valid_until", order="desc")[0] == n["far_online"]


def test_dsl_sees_only_their_school_and_cannot_change_anything(client: FlaskClient, people: dict,
                                                               cast: dict) -> None:
    sign_in(client, people["dsl_email"])
    html = client.get("/admin/certificates").get_data(as_text=True)
    n = cast["numbers"]
    assert set(_numbers(html)) == {n["zoe_fire"], n["staff_online"], n["other_fire"]}
    assert people["far_staff_email"] not in html
    assert '<a href="/admin/certificates" aria-current="page">Certificates</a>' in html  # in the DSL's menu
    assert "Revoke<span" not in html and "Reissue<span" not in html
    assert 'id="school_id"' not in html
    assert _listing(client, school_id=cast["school_b"]) == _numbers(html)  # the school filter is ignored
    assert client.get(f"/certificates/{cast['far_online']}/download").status_code == 404
    assert client.get(f"/certificates/{cast['zoe_fire']}/download").status_code == 200
    assert client.get(f"/admin/certificates/{cast['zoe_fire']}/revoke").status_code == 403
    assert client.post(f"/admin/certificates/{cast['zoe_fire']}/reissue").status_code == 403
    names = zipfile.ZipFile(io.BytesIO(client.get("/admin/certificates/download.zip").data)).namelist()
    assert sorted(name.split("_")[0] for name in names if name.endswith(".pdf")) == sorted(
        [n["zoe_fire"], n["staff_online"], n["other_fire"]])


def test_download_is_byte_identical_and_audited(app: Flask, client: FlaskClient, people: dict, cast: dict) -> None:
    sign_in(client, people["admin_email"])
    html = client.get("/admin/certificates").get_data(as_text=True)
    link = f"/certificates/{cast['zoe_fire']}/download"
    assert f'href="{link}"' in html
    first, second = client.get(link), client.get(link)
    with app.app_context():
        stored = db.session.get(CertificateFile, cast["zoe_fire"]).pdf
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.download")).all()
    assert first.data == second.data == stored and first.mimetype == "application/pdf"
    assert f'filename="{cast["numbers"]["zoe_fire"]}_Zoe-Adams_Fire-safety.pdf"' in first.headers["Content-Disposition"]
    expected = (people["admin"], f"certificate:{cast['numbers']['zoe_fire']}")
    assert [(e.actor_id, e.target) for e in events] == [expected] * 2


def test_revoke_needs_a_reason_then_records_who_and_why(
    app: Flask, client: FlaskClient, people: dict, cast: dict, clock: Clock
) -> None:
    sign_in(client, people["admin_email"])
    url = f"/admin/certificates/{cast['other_fire']}/revoke"
    page = client.get(url).get_data(as_text=True)
    assert "Revoking cannot be undone" in page and '<label for="reason">Reason for revoking</label>' in page
    refused = client.post(url, data={"reason": "   "}).get_data(as_text=True)
    assert "Reason for revoking: Enter the reason for revoking this certificate." in refused
    with app.app_context():
        assert db.session.get(Certificate, cast["other_fire"]).revoked_at is None
    done = client.post(url, data={"reason": "Issued in error", "next": "/admin/certificates?status=revoked"})
    assert done.status_code == 302 and done.headers["Location"] == "/admin/certificates?status=revoked"
    with app.app_context():
        cert = db.session.get(Certificate, cast["other_fire"])
        assert (cert.revoked_at, cert.revoked_reason, cert.revoked_by_id) == (
            clock.now,
            "Issued in error",
            people["admin"],
        )
        event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
        assert event_.actor_id == people["admin"] and event_.details["reason"] == "Issued in error"
        code = cert.code
    assert "This certificate was revoked on 23 November 2026" in client.get(url).get_data(as_text=True)
    assert "revoked on 23 November 2026" in client.get(f"/verify/{code}").get_data(as_text=True)
    assert client.post(url, data={"reason": "again"}).status_code == 200  # a second revoke changes nothing
    with app.app_context():
        assert db.session.get(Certificate, cast["other_fire"]).revoked_reason == "Issued in error"


def test_reissue_supersedes_with_a_new_number_code_and_pdf(
    app: Flask, client: FlaskClient, people: dict, cast: dict, clock: Clock
) -> None:
    sign_in(client, people["admin_email"])
    with app.app_context():
        old = db.session.get(Certificate, cast["staff_online"])
        old_pdf, old_code = pdf_bytes(db.session, old), old.code
    clock.advance(days=2)
    sign_in(client, people["admin_email"])  # two days on, the earlier sign-in has run out
    response = client.post(f"/admin/certificates/{cast['staff_online']}/reissue", follow_redirects=True)
    assert response.request.path == "/admin/certificates"
    with app.app_context():
        old = db.session.get(Certificate, cast["staff_online"])
        new = db.session.scalar(select(Certificate).where(Certificate.reissue_of_id == old.id))
        assert old.superseded_at == clock.now and old.superseded_by_id == new.id
        assert new.number != old.number and new.code != old.code and new.issued_at == clock.now
        assert (new.attempt_id, new.user_id, new.valid_until, new.holder_name, new.course_title, new.score_pct) == (
            old.attempt_id,
            old.user_id,
            old.valid_until,
            old.holder_name,
            old.course_title,
            old.score_pct,
        )
        new_pdf = pdf_bytes(db.session, new)
        assert new_pdf != old_pdf and new.pdf_sha256 == hashlib.sha256(new_pdf).hexdigest()
        assert pdf_bytes(db.session, old) == old_pdf  # the old file is kept as it was
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reissue"))
        assert audit.actor_id == people["admin"] and audit.details["new"] == new.number
        new_id = new.id
        assert f"Certificate {old.number} has been reissued as {new.number}." in response.get_data(as_text=True)
    assert "A newer certificate replaced this one" in client.get(f"/verify/{old_code}").get_data(as_text=True)
    assert client.get(f"/certificates/{new_id}/download").data == new_pdf
    again = client.post(f"/admin/certificates/{cast['staff_online']}/reissue").get_data(as_text=True)
    assert "already been replaced by a reissue" in again


def test_revoked_certificate_cannot_be_reissued(app: Flask, client: FlaskClient, people: dict, cast: dict) -> None:
    sign_in(client, people["admin_email"])
    client.post(f"/admin/certificates/{cast['zoe_fire']}/revoke", data={"reason": "Fraud"})
    page = client.get(f"/admin/certificates/{cast['zoe_fire']}/reissue").get_data(as_text=True)
    assert "A revoked certificate cannot be reissued." in page and "Reissue certificate</button>" not in page
    assert "A revoked certificate cannot be reissued." in client.post(
        f"/admin/certificates/{cast['zoe_fire']}/reissue"
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 4


def test_reissue_can_print_a_corrected_name(app: Flask, client: FlaskClient, people: dict, cast: dict) -> None:
    with app.app_context():
        db.session.scalar(select(User).where(User.email == cast["zoe_email"])).last_name = "Adams-Okafor"
        db.session.commit()
    sign_in(client, people["admin_email"])
    page = client.get(f"/admin/certificates/{cast['zoe_fire']}/reissue").get_data(as_text=True)
    assert "Print the name now on their account" in page and "Zoë Adams-Okafor" in page
    client.post(f"/admin/certificates/{cast['zoe_fire']}/reissue", data={"use_current_name": "y"})
    with app.app_context():
        new = db.session.scalar(select(Certificate).where(Certificate.reissue_of_id == cast["zoe_fire"]))
        assert new.holder_name == "Zoë Adams-Okafor"
        assert db.session.get(Certificate, cast["zoe_fire"]).holder_name == "Zoë Adams"


def _unzip(data: bytes) -> tuple[dict[str, bytes], list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    files = {name: archive.read(name) for name in archive.namelist()}
    manifest = list(csv.DictReader(io.StringIO(files.pop("manifest.csv").decode("utf-8-sig"))))
    return files, manifest


def test_zip_holds_every_filtered_certificate_with_a_manifest(
    app: Flask, client: FlaskClient, people: dict, cast: dict
) -> None:
    sign_in(client, people["admin_email"])
    html = client.get(f"/admin/certificates?course_id={cast['fire']}&sort=name&order=asc").get_data(as_text=True)
    link = re.search(r'href="(/admin/certificates/download\.zip\?[^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.is_streamed and response.mimetype == "application/zip"
    files, manifest = _unzip(response.data)
    with app.app_context():
        expected = {
            c.number: pdf_bytes(db.session, c)
            for c in db.session.scalars(select(Certificate).where(Certificate.course_id == cast["fire"]))
        }
        event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.download_zip"))
    assert {name.split("_")[0]: data for name, data in files.items()} == expected
    assert [row["number"] for row in manifest] == [cast["numbers"]["other_fire"], cast["numbers"]["zoe_fire"]]
    zoe = manifest[1]
    assert (zoe["name"], zoe["email"], zoe["course"], zoe["issued"], zoe["valid until"], zoe["status"]) == (
        "Zoë Adams",
        cast["zoe_email"],
        "Fire safety",
        "2026-01-10",
        "2026-07-10",
        "Expired",
    )
    assert zoe["file"] in files
    assert event_.actor_id == people["admin"] and event_.details["count"] == 2
    assert event_.details["filters"]["course_id"] == cast["fire"]


@pytest.fixture()
def crowd(app: Flask, clock: Clock) -> int:
    """Fifty-five certificates on one course, one person each, a day apart."""
    with app.app_context():
        course = make_course(db.session, title="Prevent duty", questions=3)
        for i in range(55):
            person = make_user(
                db.session,
                "staff",
                first_name=f"Person{i:02d}",
                last_name="Crowd",
                school="School A" if i % 2 else "School B",
            )
            certify(db.session, person, course, START + timedelta(days=i))
        db.session.commit()
        return course.id


def _count_queries(app: Flask, client: FlaskClient, url: str) -> int:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = app.extensions["quizapp.engine"]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(statements)


def test_fifty_a_page_in_a_fixed_number_of_queries(app: Flask, client: FlaskClient, people: dict, crowd: int) -> None:
    sign_in(client, people["admin_email"])
    first = client.get("/admin/certificates?sort=name&order=asc").get_data(as_text=True)
    second = client.get("/admin/certificates?sort=name&order=asc&page=2").get_data(as_text=True)
    assert len(_numbers(first)) == 50 and len(_numbers(second)) == 5
    assert not set(_numbers(first)) & set(_numbers(second))
    assert "Page 1 of 2" in first and "Next page" in first and "55 certificates match." in first
    assert "page=2" in re.search(r'href="([^"]*)">Next page', first).group(1)
    full = _count_queries(app, client, "/admin/certificates")
    few = _count_queries(app, client, "/admin/certificates?page=2")
    one = _count_queries(app, client, "/admin/certificates?text=Person07")
    assert full == few == one <= 6


def test_zip_covers_all_pages_with_unique_names_and_identical_bytes(
    app: Flask, client: FlaskClient, people: dict, crowd: int
) -> None:
    sign_in(client, people["admin_email"])
    files, manifest = _unzip(client.get(f"/admin/certificates/download.zip?course_id={crowd}").data)
    with app.app_context():
        stored = {c.number: pdf_bytes(db.session, c) for c in db.session.scalars(select(Certificate))}
    assert len(files) == len(manifest) == 55 and len(set(files)) == 55
    assert all(re.fullmatch(r"QZ-2026-\d{6}_Person\d{2}-Crowd_Prevent-duty\.pdf", name) for name in files)
    assert {name.split("_")[0]: data for name, data in files.items()} == stored
    assert [row["number"] for row in manifest] == sorted(stored, reverse=True)  # newest first, as on screen
