"""The users screens: authorisation, search and filters, create, edit, deactivate, reactivate, links."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, AuditEvent, User

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_course, make_user
from ..smtp import Inbox, use_smtp

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/import", "/admin/users/import/template.csv",
               "/admin/schools", "/admin/staff-groups"]


def _form(**changes: object) -> dict:
    data = {"first_name": "Zoë", "last_name": "Ó Súilleabháin", "email": "Zoe.OS@Example.org", "role": "staff",
            "school": "0", "staff_group": "0", "extra_time_pct": "25"}
    return {**data, **changes}


def _user(app: Flask, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


@pytest.mark.parametrize("role", ["staff", "dsl"])
def test_staff_and_dsl_get_403_on_admin_pages(client: FlaskClient, people: dict, role: str) -> None:
    sign_in(client, people[f"{role}_email"])
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 403, page
    assert client.post(f"/admin/users/{people['staff']}/deactivate").status_code == 403
    assert client.post("/admin/users/new", data=_form()).status_code == 403


def test_signed_out_is_sent_to_sign_in(client: FlaskClient) -> None:
    assert client.get("/admin/users").status_code == 302


def test_list_searches_filters_and_pages(app: Flask, client: FlaskClient, people: dict) -> None:
    with app.app_context():
        make_user(db.session, "staff", first_name="Gwenllïan", last_name="Ŵyn", school="School B", group="Volunteers")
        make_user(db.session, "staff", first_name="Leaver", active=False)
        for i in range(55):
            make_user(db.session, "staff", first_name=f"Bulk{i:02d}", last_name="Zed")
        db.session.commit()
    sign_in(client, people["admin_email"])
    html = client.get("/admin/users?q=gwenll").get_data(as_text=True)
    assert "1 person found." in html and "Gwenllïan" in html
    assert "1 person found." in client.get(f"/admin/users?q={people['dsl_email'].upper()}").get_data(as_text=True)
    with app.app_context():
        group_id = db.session.scalar(select(User.staff_group_id).where(User.first_name == "Gwenllïan"))
    assert "1 person found." in client.get(f"/admin/users?group={group_id}").get_data(as_text=True)
    assert "2 people found." in client.get("/admin/users?role=dsl").get_data(as_text=True)
    deactivated = client.get("/admin/users?status=deactivated").get_data(as_text=True)
    assert "1 person found." in deactivated and "Leaver" in deactivated
    first = client.get("/admin/users").get_data(as_text=True)
    assert "62 people found." in first and "Page 1 of 2" in first and "Next page" in first
    assert "Bulk54" in client.get("/admin/users?page=2").get_data(as_text=True)
    assert first.count("<h1") == 1 and '<th scope="col">Email</th>' in first


def test_create_person_sends_an_invitation(app: Flask, client: FlaskClient, people: dict,
                                           smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    sign_in(client, people["admin_email"])
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert "applies to every timed quiz" in form and '<label for="extra_time_pct">Extra time (%)</label>' in form
    response = client.post("/admin/users/new", data=_form(send_invitation="y"))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "zoe.os@example.org"))
        assert user.extra_time_pct == 25 and user.password_hash is None and user.first_name == "Zoë"
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.create", "account.invite_sent"} <= actions
    assert smtp_inbox.recipients == [["zoe.os@example.org"]]
    assert "/account/invitation/" in Inbox.text(smtp_inbox.messages[0])


@pytest.mark.parametrize("changes, message", [
    ({"email": "not-an-address"}, "Enter a valid email address"),
    ({"first_name": ""}, "Enter the first name."),
    ({"extra_time_pct": "301"}, "Extra time must be a whole number from 0 to 300"),
    ({"extra_time_pct": "lots"}, "Extra time must be a whole number from 0 to 300"),
    ({"last_name": "Smith\r\nBcc: everyone@example.org"}, "The last name must be on one line"),
    ({"role": "owner"}, "Not a valid choice"),
])
def test_create_shows_the_problem_next_to_the_field(client: FlaskClient, people: dict, changes: dict,
                                                    message: str) -> None:
    sign_in(client, people["admin_email"])
    response = client.post("/admin/users/new", data=_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html and "There is a problem" in html
    assert 'aria-invalid="true"' in html


def test_duplicate_email_is_refused(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    html = client.post("/admin/users/new", data=_form(email=people["staff_email"].upper())).get_data(as_text=True)
    assert f"A person with the email {people['staff_email']} already exists." in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 6


def test_edit_updates_and_audits(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    person = _user(app, people["staff"])
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f'value="{person.email}"' in page
    assert f'<option selected value="{person.school_id}">School A</option>' in page
    data = _form(email=person.email, first_name="Renamed", role="dsl", school=str(person.school_id),
                 staff_group=str(person.staff_group_id), extra_time_pct="50")
    assert client.post(f"/admin/users/{person.id}", data=data).status_code == 302
    after = _user(app, person.id)
    assert (after.first_name, after.role, after.extra_time_pct) == ("Renamed", "dsl", 50)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
        assert event.details["changes"]["role"] == ["staff", "dsl"]


def test_admin_cannot_change_own_role_or_deactivate_self(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    me = _user(app, people["admin"])
    html = client.post(f"/admin/users/{me.id}", data=_form(email=me.email, role="staff")).get_data(as_text=True)
    assert "You cannot change your own role." in html
    response = client.post(f"/admin/users/{me.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert _user(app, me.id).active and _user(app, me.id).role == "admin"


def test_the_last_admin_with_a_password_cannot_be_deactivated_or_demoted(app: Flask, client: FlaskClient,
                                                                         people: dict) -> None:
    with app.app_context():
        other = make_user(db.session, "admin")
        other.password_hash = None  # signs in only through a provider
        sso_admin = make_user(db.session, "admin")
        sso_admin.password_hash, sso_id = None, sso_admin.id
        db.session.commit()
    sign_in(client, people["admin_email"])  # keeps the session: its password goes only after sign-in
    with app.app_context():
        db.session.get(User, people["admin"]).password_hash = None
        db.session.get(User, other.id).password_hash = db.session.get(User, people["staff"]).password_hash
        db.session.commit()
    last = _user(app, other.id)
    html = client.post(f"/admin/users/{last.id}", data=_form(email=last.email, role="dsl")).get_data(as_text=True)
    assert "This is the last active admin who can sign in with a password." in html
    response = client.post(f"/admin/users/{last.id}/deactivate", follow_redirects=True)
    assert "This is the last active admin who can sign in with a password." in response.get_data(as_text=True)
    assert _user(app, last.id).active and _user(app, last.id).role == "admin"
    # An admin without a password is no way in, so leaving takes nothing away.
    assert client.post(f"/admin/users/{sso_id}/deactivate").status_code == 302
    assert not _user(app, sso_id).active


def test_deactivate_keeps_records_and_blocks_sign_in_then_reactivate(app: Flask, client: FlaskClient,
                                                                     people: dict) -> None:
    clock = Clock()
    app.config["CLOCK"] = clock
    with app.app_context():
        course = make_course(db.session)
        db.session.add(Attempt(user_id=people["staff"], course_id=course.id, state="finished", started_at=clock(),
                               deadline_at=clock() + timedelta(minutes=10), time_limit_seconds=600,
                               pass_mark_pct=80, score_pct=90, passed=True))
        db.session.commit()
    sign_in(client, people["admin_email"])
    response = client.post(f"/admin/users/{people['staff']}/deactivate", follow_redirects=True)
    assert "Their records are kept." in response.get_data(as_text=True)
    person = _user(app, people["staff"])
    assert not person.active and person.deactivated_at == clock()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)
                                 .where(Attempt.user_id == people["staff"])) == 1
    client.post("/sign-out")
    assert sign_in(client, people["staff_email"]).status_code == 200  # refused: the form comes back
    assert client.get("/home").status_code == 302
    sign_in(client, people["admin_email"])
    client.post(f"/admin/users/{people['staff']}/reactivate")
    person = _user(app, people["staff"])
    assert person.active and person.deactivated_at is None
    client.post("/sign-out")
    assert sign_in(client, people["staff_email"]).status_code == 302
    with app.app_context():
        query = select(AuditEvent.action).where(AuditEvent.action.like("user.%")).order_by(AuditEvent.id)
        actions = list(db.session.scalars(query))
    assert actions == ["user.deactivate", "user.reactivate"]


def test_send_link_button_and_bulk_invitations(
    app: Flask, client: FlaskClient, people: dict, smtp_inbox: Inbox
) -> None:
    use_smtp(app, smtp_inbox)
    with app.app_context():
        fresh = [
            User(email=f"new{i}@example.org", first_name="New", last_name=f"Person{i}", role="staff") for i in range(3)
        ]
        db.session.add_all(fresh)
        db.session.commit()
        ids = [u.id for u in fresh]
    sign_in(client, people["admin_email"])
    assert "3 active people have not set a password yet." in client.get("/admin/users").get_data(as_text=True)
    client.post(f"/admin/users/{people['staff']}/send-link")
    assert "/account/reset/" in Inbox.text(smtp_inbox.to(people["staff_email"])[0])
    client.post("/admin/users/invite", data={"user_ids": f"{ids[0]},{ids[1]},{people['staff']}"})
    assert sorted(r[0] for r in smtp_inbox.recipients[1:]) == ["new0@example.org", "new1@example.org"]
    client.post("/admin/users/invite", data={"user_ids": ""})
    assert len(smtp_inbox.messages) == 6
