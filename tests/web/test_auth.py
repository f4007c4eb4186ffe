"""Signing in and out."""
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, User, UserSession
from quizapp.people.sessions import hash_token

from ..conftest import sign_in
from ..factories import make_user

GENERIC = "The email or password is not right."


def test_sign_in_page_has_labelled_fields(client: FlaskClient) -> None:
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html
    assert ">Sign in</button>" in html
    assert html.count("<h1") == 1


def test_sign_in_success_records_and_redirects(app: Flask, client: FlaskClient, people: dict) -> None:
    response = sign_in(client, people["staff_email"].upper())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/training")
    assert "My training" in client.get("/training").get_data(as_text=True)
    assert "Welcome" in client.get("/home").get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, people["staff"])
        assert user.last_sign_in_at is not None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in"))


def test_wrong_password_and_unknown_email_get_the_same_message(client: FlaskClient, people: dict) -> None:
    wrong = sign_in(client, people["staff_email"], "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.get_data(as_text=True)
    assert GENERIC in unknown.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_deactivated_user_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user = make_user(db.session, "staff", active=False)
        email = user.email
        db.session.commit()
    response = sign_in(client, email)
    assert GENERIC in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_deactivation_ends_an_existing_session(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["staff_email"])
    assert client.get("/home").status_code == 200
    with app.app_context():
        db.session.get(User, people["staff"]).active = False
        db.session.commit()
    assert client.get("/home").status_code == 302


def test_session_is_renewed_at_sign_in(app: Flask, client: FlaskClient, people: dict) -> None:
    with client.session_transaction() as sess:
        sess["planted"] = "attacker-chosen"
    sign_in(client, people["staff_email"])
    with client.session_transaction() as sess:
        assert "planted" not in sess
        token = sess["_user_id"]
    with app.app_context():
        found = db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))
        assert found is not None and found.user_id == people["staff"]


def test_sign_out_needs_post_and_ends_the_session(client: FlaskClient, people: dict) -> None:
    sign_in(client, people["staff_email"])
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 302
    assert client.get("/home").status_code == 302


def test_next_parameter_cannot_leave_the_site(client: FlaskClient, people: dict) -> None:
    response = client.post("/sign-in?next=//evil.example/steal",
                           data={"email": people["staff_email"], "password": "correct horse battery"})
    assert response.headers["Location"].endswith("/training")


def test_dsl_and_admin_start_on_the_compliance_dashboard(client: FlaskClient, people: dict) -> None:
    assert sign_in(client, people["dsl_email"]).headers["Location"].endswith("/dsl/")
    assert client.get("/").headers["Location"].endswith("/dsl/")


def test_a_new_password_signs_out_other_sessions(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["staff_email"])
    assert client.get("/training").status_code == 200
    with app.app_context():
        from quizapp.people.tokens import Purpose, set_password

        set_password(db.session, db.session.get(User, people["staff"]), "another long passphrase", Purpose.RESET)
        db.session.commit()
    assert client.get("/training").status_code == 302
