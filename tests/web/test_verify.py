"""The public verify page: by code, by QR link and by PDF upload; statuses, privacy, CSRF and rate limits."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.certificates.issue import pdf_bytes
from quizapp.certificates.manage import reissue, revoke
from quizapp.extensions import db, limiter
from quizapp.models import Certificate, User

from ..clock import Clock
from ..conftest import build_app
from ..factories import make_course, make_user
from .certificate_helpers import BASE_URL, certify, pass_over_http

NOT_FOUND = "No certificate matches that code."


@pytest.fixture()
def cert(app: Flask, clock: Clock) -> dict:
    """One certificate for Priya Natarajan on a 12-month course, issued on 23 November 2026."""
    with app.app_context():
        course = make_course(db.session, title="Safeguarding children: annual refresher")
        person = make_user(db.session, "staff", first_name="Priya", last_name="Natarajan")
        issued = certify(db.session, person, course, clock.now)
        db.session.commit()
        return {"id": issued.id, "code": issued.code, "number": issued.number, "email": person.email,
                "pdf": pdf_bytes(db.session, issued)}


def _text(html: str) -> str:
    """The page text: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _result(html: str) -> str:
    """The text of the result section (tags dropped, whitespace collapsed)."""
    match = re.search(r'<section aria-labelledby="result-title".*?</section>', html, re.S)
    assert match, "no result section"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_certificate_passed_over_the_web_is_valid_through_its_qr_link(app: Flask, client: FlaskClient,
                                                                      people: dict, clock: Clock) -> None:
    with app.app_context():
        course_id = make_course(db.session, title="Online safety").id
        db.session.commit()
    assert "Download certificate" in pass_over_http(app, client, people["staff_email"], course_id)
    with app.app_context():
        issued = db.session.scalar(select(Certificate))
        holder = db.session.get(User, people["staff"])
        code, name, email, school = issued.code, holder.full_name, holder.email, holder.school.name
    client.post("/sign-out")
    response = client.get(f"/verify/{code}")  # what the QR code on the PDF opens
    html = response.get_data(as_text=True)
    text = _result(html)
    assert response.status_code == 200
    assert "Valid This certificate is genuine and in date." in text
    assert f"Name {name}" in text and "Course Online safety" in text
    assert "Issued 23 November 2026" in text and "Valid until 23 November 2027" in text
    # Nothing more personal than name and course.
    assert email not in html and school not in html and "100 %" not in html
    assert html.count("<h1>") == 1 and 'name="robots" content="noindex"' in html


def test_code_form_accepts_a_typed_code_or_a_pasted_address(client: FlaskClient, cert: dict) -> None:
    page = client.get("/verify").get_data(as_text=True)
    assert '<label for="code">Certificate code</label>' in page and "Check certificate" in page
    assert "result-title" not in page
    spaced = f"  {cert['code'][:10]} {cert['code'][10:]} "
    for typed in (cert["code"], spaced, f"{BASE_URL}verify/{cert['code']}"):
        text = _result(client.get("/verify", query_string={"code": typed}).get_data(as_text=True))
        assert "Name Priya Natarajan" in text and "Valid" in text and cert["number"] in text


def test_empty_code_asks_for_one(client: FlaskClient) -> None:
    html = client.get("/verify?code=+").get_data(as_text=True)
    assert "Enter the certificate code." in html and "result-title" not in html


def test_expired_certificate_says_so(client: FlaskClient, cert: dict, clock: Clock) -> None:
    clock.advance(days=365)  # 23 November 2027: the last valid day
    assert "Valid This certificate is genuine" in _result(client.get(f"/verify/{cert['code']}").get_data(as_text=True))
    clock.advance(days=1)
    text = _result(client.get(f"/verify/{cert['code']}").get_data(as_text=True))
    assert "Expired This certificate is genuine, but it was only valid until 23 November 2027." in text
    assert "Name Priya Natarajan" in text


def test_revoked_certificate_shows_the_date_but_not_the_reason(app: Flask, client: FlaskClient, cert: dict,
                                                               people: dict) -> None:
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        revoke(db.session, db.session.get(Certificate, cert["id"]), admin, "Issued to the wrong person",
               datetime(2026, 12, 1, 16, 30, tzinfo=UTC))
        db.session.commit()
    html = client.get(f"/verify/{cert['code']}").get_data(as_text=True)
    assert "Revoked This certificate was revoked on 1 December 2026 and is no longer valid." in _result(html)
    assert "wrong person" not in html


def test_reissued_certificate_shows_the_old_one_as_superseded(app: Flask, client: FlaskClient, cert: dict,
                                                              people: dict, clock: Clock) -> None:
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        new = reissue(db.session, db.session.get(Certificate, cert["id"]), admin,
                      clock.now + timedelta(days=3), BASE_URL)
        new_code = new.code
        db.session.commit()
    old = _result(client.get(f"/verify/{cert['code']}").get_data(as_text=True))
    assert "Superseded A newer certificate replaced this one on 26 November 2026." in old
    assert "Ask the holder for their current certificate." in old and new_code not in old
    fresh = _result(client.get(f"/verify/{new_code}").get_data(as_text=True))
    assert "Valid This certificate is genuine" in fresh and "Valid until 23 November 2027" in fresh


def _without(html: str, value: str) -> str:
    return html.replace(value, "CODE")


def test_unknown_and_malformed_codes_get_the_same_plain_answer(client: FlaskClient, cert: dict) -> None:
    unknown = cert["code"][:-4] + ("AAAA" if not cert["code"].endswith("AAAA") else "BBBB")
    tries = {unknown: client.get(f"/verify/{unknown}"), "short": client.get("/verify/short"),
             "x'\"<b>": client.get("/verify", query_string={"code": "x'\"<b>"}),
             "%": client.get("/verify/%25")}
    bodies = set()
    for typed, response in tries.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert _result(html) == f"Result {NOT_FOUND}"
        assert "<b>" not in html  # the echoed code is escaped
        escaped = typed.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;").replace("<", "&lt;") \
            .replace(">", "&gt;")
        bodies.add(_without(html, escaped))
    assert len(bodies) == 1  # nothing but the echoed code differs


def _csrf_client(database_url: str, tmp_path: Path, **config: object) -> tuple[Flask, FlaskClient, str]:
    app = build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True, CLOCK=Clock(), **config)
    client = app.test_client()
    page = client.get("/verify").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return app, client, token


def _upload(client: FlaskClient, data: bytes, token: str | None = None, name: str = "certificate.pdf"):
    form: dict = {"pdf": (io.BytesIO(data), name)}
    if token:
        form["csrf_token"] = token
    return client.post("/verify", data=form, content_type="multipart/form-data")


def test_uploaded_pdf_that_matches_is_confirmed_with_csrf_on(database_url: str, tmp_path: Path, cert: dict) -> None:
    app, client, token = _csrf_client(database_url, tmp_path)
    html = _text(_upload(client, cert["pdf"], token).get_data(as_text=True))
    assert "This PDF is exactly a certificate we issued." in html
    assert "Valid This certificate is genuine and in date." in html and "Name Priya Natarajan" in html
    assert _upload(client, cert["pdf"]).status_code == 400  # and without the token it is refused
    db.dispose(app)


def test_altered_pdf_does_not_match(client: FlaskClient, cert: dict) -> None:
    altered = cert["pdf"].replace(b"Priya", b"Pryia", 1)
    assert altered != cert["pdf"] and altered.startswith(b"%PDF-")
    html = _upload(client, altered).get_data(as_text=True)
    assert "This PDF does not match any certificate we issued. It may have been altered" in html
    assert "exactly a certificate we issued" not in html


def test_upload_of_a_superseded_pdf_shows_its_status(app: Flask, client: FlaskClient, cert: dict, people: dict,
                                                     clock: Clock) -> None:
    with app.app_context():
        reissue(db.session, db.session.get(Certificate, cert["id"]), db.session.get(User, people["admin"]),
                clock.now, BASE_URL)
        db.session.commit()
    html = _text(_upload(client, cert["pdf"]).get_data(as_text=True))
    assert "This PDF is exactly a certificate we issued." in html and "A newer certificate replaced this one" in html


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Certificate PDF: The file is not a PDF."),
    (b"", "Certificate PDF: The file is empty."),
    (None, "Certificate PDF: Choose the certificate PDF to check."),
    (b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), "Certificate PDF: The file is larger than 2 MB"),
])
def test_bad_uploads_get_a_message_naming_the_field(client: FlaskClient, data: bytes | None, message: str) -> None:
    response = _upload(client, data) if data is not None else client.post("/verify", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in _text(html)
    assert "exactly a certificate" not in html and "does not match" not in html


def test_a_file_over_the_upload_limit_gets_the_message_on_the_field(client: FlaskClient, app: Flask) -> None:
    """Past MAX_CONTENT_LENGTH the body is never read; the page still names the field and the reason."""
    response = _upload(client, b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    text = _text(response.get_data(as_text=True))
    assert "Certificate PDF: The file is larger than 2 MB" in text and "Check a certificate" in text


def test_a_pdf_of_exactly_2_mb_is_read(client: FlaskClient) -> None:
    html = _upload(client, b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 - 9)).get_data(as_text=True)
    assert "does not match any certificate" in html


def test_lookups_and_uploads_are_rate_limited_per_address(database_url: str, tmp_path: Path, cert: dict) -> None:
    app, client, token = _csrf_client(database_url, tmp_path, RATELIMIT_ENABLED=True,
                                      RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        limiter.reset()
    assert all(client.get("/verify").status_code == 200 for _ in range(35))  # the empty form is free
    codes = [client.get(f"/verify/{cert['code']}").status_code for _ in range(20)]
    codes += [client.get("/verify", query_string={"code": "nope"}).status_code for _ in range(9)]
    codes.append(_upload(client, cert["pdf"], token).status_code)
    assert codes == [200] * 30
    blocked = client.get(f"/verify/{cert['code']}")
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429 and "Too many attempts" in html and "You can try again in" in html
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert _upload(client, cert["pdf"], token).status_code == 429
    other = app.test_client()
    assert other.get(f"/verify/{cert['code']}", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    db.dispose(app)


def test_footer_links_to_the_check_page(client: FlaskClient) -> None:
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<a href="/verify">Check a certificate</a>' in html
