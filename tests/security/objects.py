"""Real objects for the security tests: a cast of six viewers and the things that belong to "staff" in school A.

Every URL variable of every route is filled from `url_values`; a route with a variable not listed there makes
the route tests fail and name it, so a new kind of object cannot go untested.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.db import utcnow
from quizapp.extensions import db
from quizapp.models import Course, ExternalTraining, OidcLink, OidcProvider, QuestionBank, School, StaffGroup, User
from quizapp.people.secrets import encrypt_secret
from quizapp.people.tokens import Purpose, make_token
from quizapp.training.evidence import check_evidence
from quizapp.training.records import TrainingDetails, record_training, store_evidence

from ..evidence_files import small_pdf
from ..factories import certify, make_cast, make_course

# The six viewers of the route matrix, in the order they make requests: those who must be refused go first,
# so a state-changing request by an allowed role cannot change what a refused one would see.
ROLES = ("anonymous", "other_staff", "other_dsl", "staff", "dsl", "admin")
WHERE = "url_values() in tests/security/objects.py"


@dataclass(frozen=True)
class Cast:
    """Ids of the people and of the objects that belong to "staff" (school A)."""

    people: dict[str, int]
    emails: dict[str, str]
    course_id: int
    attempt_id: int
    certificate_id: int
    certificate_code: str
    bank_slug: str
    school_id: int
    group_id: int
    invite_token: str
    reset_token: str
    provider_id: int = 0
    link_id: int = 0
    external_id: int = 0


def seed(session: Session, *, first_name: str | None = None, last_name: str = "Tester",
         school_a: str = "School A", course: Course | None = None) -> Cast:
    """Six people in two schools and, for "staff", a passed attempt with its certificate; commits."""
    people = make_cast(session, school_a=school_a, first_name=first_name, last_name=last_name)
    course = course or make_course(session, questions=4, cooldown=0)
    now = utcnow()
    cert = certify(session, people["staff"], course, now)
    bank = session.get(QuestionBank, course.banks[0].bank_id)
    school = session.scalar(select(School).where(School.name == school_a))
    group = session.scalar(select(StaffGroup).limit(1))
    secret = current_app.config["SECRET_KEY"]
    tokens = {purpose: make_token(secret, purpose, people["staff"], now) for purpose in Purpose}
    provider = OidcProvider(label="Sign in with Example", issuer="https://id.example", client_id="quizapp",
                            client_secret_encrypted=encrypt_secret(secret, "s3cret"), domains="example.org")
    link = OidcLink(user=people["staff"], issuer="https://id.example", subject="staff", email=people["staff"].email)
    session.add_all([provider, link])
    external = _external_training(session, people["staff"], now)
    session.commit()
    return Cast(people={k: u.id for k, u in people.items()}, emails={k: u.email for k, u in people.items()},
                course_id=course.id, attempt_id=cert.attempt_id, certificate_id=cert.id, certificate_code=cert.code,
                bank_slug=bank.slug, school_id=school.id, group_id=group.id,
                invite_token=tokens[Purpose.INVITE], reset_token=tokens[Purpose.RESET], provider_id=provider.id,
                link_id=link.id, external_id=external.id)


def _external_training(session: Session, person: User, now: datetime) -> ExternalTraining:
    """A pending record of training done elsewhere, with a PDF as its evidence."""
    evidence = store_evidence(session, check_evidence(small_pdf(), "certificate.pdf"), person, now)
    details = TrainingDetails(title="Prevent awareness", provider="Local authority", completed_on=now.date(),
                              minutes=90)
    return record_training(session, person, details, evidence, person, now)


def url_values(cast: Cast) -> dict[str, Any]:
    """The value for every URL variable a route may have: the objects of "staff" in school A.

    A key "endpoint:variable" gives a value for that route only.
    """
    return {
        "token": cast.invite_token,
        "account.reset_password:token": cast.reset_token,
        "attempt_id": cast.attempt_id,
        "certificate_id": cast.certificate_id,
        "code": cast.certificate_code,
        "course_id": cast.course_id,
        "user_id": cast.people["staff"],
        "person_id": cast.people["staff"],
        "school_id": cast.school_id,
        "unit_id": cast.school_id,
        "admin.group_rename:unit_id": cast.group_id,
        "admin.group_delete:unit_id": cast.group_id,
        "group_id": cast.group_id,
        "staff_group_id": cast.group_id,
        "slug": cast.bank_slug,
        "fmt": "yaml",
        "filename": "app.css",
        "oidc.start:key": "env",
        "provider_id": cast.provider_id,
        "link_id": cast.link_id,
        "record_id": cast.external_id,
    }


def client_for(app: Flask, cast: Cast, role: str) -> FlaskClient:
    """A test client signed in as the role (through Flask-Login's own session key), or anonymous."""
    client = app.test_client()
    if role != "anonymous":
        with app.app_context():
            session_id = db.session.get(User, cast.people[role]).get_id()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = session_id
            flask_session["_fresh"] = True
    return client


def build_url(app: Flask, endpoint: str, rule_arguments: set[str], values: dict[str, Any]) -> str:
    """The URL of a route with its variables filled in; fails naming the variable if it has no value."""
    import pytest
    from flask import url_for

    chosen = {name: values.get(f"{endpoint}:{name}", values.get(name)) for name in rule_arguments}
    missing = sorted(name for name, value in chosen.items() if value is None)
    if missing:
        pytest.fail(f"route {endpoint} has URL variable(s) {missing} with no test object: add a value to {WHERE}")
    with app.test_request_context():
        return url_for(endpoint, **chosen)
