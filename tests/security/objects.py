"""Real objects for the security tests: a cast of six viewers and the things that belong to "staff" in school A.

Every URL variable of every route is filled from `url_values`; a route with a variable not listed there makes
the route tests fail and name it, so a new kind of object cannot go untested.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.db import utcnow
from quizapp.extensions import db
from quizapp.models import (
    BulkJob,
    Course,
    ExternalTraining,
    JobKind,
    JoinLink,
    JoinRequest,
    OidcLink,
    OidcProvider,
    OutboxBatch,
    Policy,
    QuestionBank,
    QuestionImage,
    School,
    StaffGroup,
    User,
    UserSession,
)
from quizapp.people.join_links import link_token
from quizapp.people.secrets import encrypt_secret
from quizapp.people.session_store import start_session
from quizapp.people.sessions import hash_token
from quizapp.people.tokens import Purpose, make_token
from quizapp.training.evidence import check_evidence
from quizapp.training.records import TrainingDetails, record_training, store_evidence

from ..evidence_files import small_pdf
from ..factories import certify, make_cast, make_course

# The six viewers of the route matrix, in the order they make requests: those who must be refused go first,
# so a state-changing request by an allowed role cannot change what a refused one would see.
ROLES = ("anonymous", "other_staff", "other_dsl", "staff", "dsl", "admin")
WHERE = "url_values() in tests/security/objects.py"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


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
    join_link_id: int = 0
    join_request_id: int = 0
    join_token: str = ""
    image_digest: str = ""
    policy_id: int = 0
    policy_version_id: int = 0
    external_id: int = 0
    batch_id: int = 0
    session_id: int = 0
    pack_job_id: int = 0
    import_job_id: int = 0


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
    image = QuestionImage(sha256="a" * 64, media_type="image/png", data=PNG, size_bytes=len(PNG), width=1, height=1)
    session.add_all([provider, link, image])
    join_link, join_request = _join(session, school, people["dsl"], now)
    policy = seed_policy(session, people["admin"], now)
    external = _external_training(session, people["staff"], now)
    batch = OutboxBatch(kind="reminders", school_id=school.id, created_by_id=people["dsl"].id, created_at=now)
    pack_job = BulkJob(kind=JobKind.EVIDENCE_PACK.value, school_id=school.id, created_by_id=people["dsl"].id,
                       params={"scope": "School A", "day": now.date().isoformat(), "filters": ""},
                       file_token=f"matrix-{now.timestamp()}", created_at=now)
    import_job = BulkJob(kind=JobKind.PEOPLE_IMPORT.value, created_by_id=people["admin"].id,
                         params={"filename": "people.csv"}, total=300, created_at=now)
    session.add_all([batch, pack_job, import_job])
    staff_session = hash_token(start_session(session, people["staff"], FIREFOX, now))
    session.commit()
    session_id = session.scalar(select(UserSession.id).where(UserSession.token_hash == staff_session))
    return Cast(people={k: u.id for k, u in people.items()}, emails={k: u.email for k, u in people.items()},
                course_id=course.id, attempt_id=cert.attempt_id, certificate_id=cert.id, certificate_code=cert.code,
                bank_slug=bank.slug, school_id=school.id, group_id=group.id,
                invite_token=tokens[Purpose.INVITE], reset_token=tokens[Purpose.RESET], provider_id=provider.id,
                link_id=link.id, join_link_id=join_link.id, join_request_id=join_request.id,
                join_token=link_token(secret, join_link), image_digest=image.sha256,
                policy_id=policy.id, policy_version_id=policy.versions[0].id,
                external_id=external.id, session_id=session_id or 0, batch_id=batch.id,
                pack_job_id=pack_job.id, import_job_id=import_job.id)


def _join(session: Session, school: School, dsl: User, now: datetime) -> tuple[JoinLink, JoinRequest]:
    """A join link of school A and a request to join by it, waiting for the DSL."""
    join_link = JoinLink(public_id="matrix-link", label="Volunteers", school_id=school.id, created_by_id=dsl.id,
                         created_at=now, expires_at=now + timedelta(days=30))
    session.add(join_link)
    session.flush()
    join_request = JoinRequest(link_id=join_link.id, email="newcomer@example.org", first_name="New",
                               last_name="Comer", password_hash="x", created_at=now)
    session.add(join_request)
    return join_link, join_request



def seed_policy(session: Session, admin: User, now: datetime) -> Policy:
    """A PDF policy every member of staff must read, published through the real operation."""
    from quizapp.policies.documents import check_pdf
    from quizapp.policies.publish import PolicyInput, VersionInput, create_policy

    from ..pdfs import tiny_pdf

    return create_policy(session, PolicyInput("Child protection policy", "Headteacher", True, 14,
                                              now.date() + timedelta(days=300)),
                         VersionInput("1.0", now.date(), check_pdf(tiny_pdf("Child protection"))), admin, now)



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
        "join_link_id": cast.join_link_id,
        "join_request_id": cast.join_request_id,
        "join.join:token": cast.join_token,
        "digest": cast.image_digest,
        "policy_id": cast.policy_id,
        "version_id": cast.policy_version_id,
        "record_id": cast.external_id,
        "batch_id": cast.batch_id,
        "session_id": cast.session_id,
        "job_id": cast.pack_job_id,
        "admin.users_import_progress:job_id": cast.import_job_id,
        "admin.users_import_status:job_id": cast.import_job_id,
    }


def client_for(app: Flask, cast: Cast, role: str) -> FlaskClient:
    """A test client signed in as the role (a real session record, its id in Flask-Login's key), or anonymous."""
    client = app.test_client()
    if role != "anonymous":
        with app.app_context():
            session_id = start_session(db.session, db.session.get(User, cast.people[role]), "pytest", utcnow())
            db.session.commit()
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
