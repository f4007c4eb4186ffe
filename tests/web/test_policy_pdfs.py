"""PDF policies: checked by magic bytes and pypdf, limited to 20 MB, and served only as a PDF to its readers."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import PolicyVersion

from ..conftest import sign_in
from ..factories import DEFAULT_PASSWORD
from ..pdfs import large_pdf, tiny_pdf
from .policy_helpers import policy_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _post(client, content: bytes, name: str = "policy.pdf"):
    data = {**policy_form(kind="pdf", markdown=""), "document": (io.BytesIO(content), name)}
    return client.post("/admin/policies/new", data=data, content_type="multipart/form-data")


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PolicyVersion)) or 0


def test_a_pdf_is_stored_and_served_as_a_pdf_only(app, client, people, clock):
    pdf = tiny_pdf("Child protection", pages=2)
    sign_in(client, people["admin_email"])
    assert _post(client, pdf).status_code == 302
    with app.app_context():
        version = db.session.scalar(select(PolicyVersion))
        policy_id, version_id = version.policy_id, version.id
        assert (version.kind, version.size) == ("pdf", len(pdf))
    staff = app.test_client()
    sign_in(staff, people["staff_email"])
    page = staff.get(f"/policies/{policy_id}").get_data(as_text=True)
    assert f'src="/policies/{policy_id}/versions/{version_id}/document"' in page and "<iframe" in page
    assert ">Download<" in page
    served = staff.get(f"/policies/{policy_id}/versions/{version_id}/document?download=1")
    assert served.status_code == 200 and served.data == pdf
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == 'attachment; filename="child-protection-policy-1-0.pdf"'
    inline = staff.get(f"/policies/{policy_id}/versions/{version_id}/document")
    assert inline.headers["Content-Disposition"].startswith("inline;")
    assert inline.headers["Content-Type"] == "application/pdf"
    assert app.test_client().get(f"/policies/{policy_id}/versions/{version_id}/document").status_code == 302


@pytest.mark.parametrize(("content", "message"), [
    (PNG, "The file is not a PDF"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without pages", "The PDF is damaged and cannot be read"),
    (b"", "Choose a PDF file to upload."),
    (b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), "the limit is 20 MB"),
])
def test_a_bad_file_gets_a_message_on_the_field_and_nothing_is_stored(app, client, people, clock, content, message):
    sign_in(client, people["admin_email"])
    response = _post(client, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'id="document-error"' in html  # the message sits on the file field
    assert _versions(app) == 0


def test_a_request_far_over_the_limit_is_refused_on_the_field(app, client, people, clock):
    sign_in(client, people["admin_email"])
    response = _post(client, b"%PDF-1.4\n" + b"0" * (22 * 1024 * 1024))
    assert "The file is larger than 20 MB" in response.get_data(as_text=True)
    assert _versions(app) == 0


def test_a_pdf_of_the_wrong_policy_is_not_served(app, client, people, clock):
    sign_in(client, people["admin_email"])
    _post(client, tiny_pdf())
    with app.app_context():
        version_id = db.session.scalar(select(PolicyVersion.id))
    assert client.get(f"/policies/999/versions/{version_id}/document").status_code == 404


def test_a_pdf_over_the_usual_upload_limit_passes_the_csrf_check(app, people, clock, database_url, tmp_path):
    """The CSRF check reads the body before the view: the 20 MB room must already be there for an admin."""
    import re

    from ..conftest import build_app

    protected = build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    pdf = large_pdf(9)
    assert len(pdf) > protected.config["MAX_CONTENT_LENGTH"]
    client = protected.test_client()
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', sign_in_page).group(1)
    client.post("/sign-in", data={"email": people["admin_email"], "password": DEFAULT_PASSWORD, "csrf_token": token})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/admin/policies/new").get_data(as_text=True)).group(1)
    data = {**policy_form(kind="pdf", markdown=""), "csrf_token": token, "document": (io.BytesIO(pdf), "big.pdf")}
    response = client.post("/admin/policies/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _versions(protected) == 1
    db.dispose(protected)


def test_a_group_only_pdf_is_not_served_to_other_staff(app, client, people, clock):
    from quizapp.models import Policy

    from ..factories import get_or_create_group

    sign_in(client, people["admin_email"])
    _post(client, tiny_pdf())
    with app.app_context():
        support = get_or_create_group(db.session, "Support staff")
        policy = db.session.scalar(select(Policy))
        policy.all_staff, policy.required_for = False, [support]
        db.session.commit()
        policy_id, version_id = policy.id, policy.versions[0].id
    url = f"/policies/{policy_id}/versions/{version_id}/document"
    staff = app.test_client()
    sign_in(staff, people["staff_email"])  # teaching staff: not a reader
    assert staff.get(url).status_code == 404
    assert client.get(url).status_code == 200  # the admin may
    dsl = app.test_client()
    sign_in(dsl, people["dsl_email"])
    assert dsl.get(url).status_code == 200


def test_other_admin_uploads_keep_the_usual_limit(app, client, people, clock):
    """The 20 MB room is for policy uploads only: a bank file over the app's limit still gets the usual page."""
    sign_in(client, people["admin_email"])
    big = io.BytesIO(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    response = client.post("/admin/banks/upload", data={"file": (big, "bank.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 413 and "That file is too large" in response.get_data(as_text=True)
