"""A person with every kind of record the app keeps about people, built through the real operations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.audit import record
from quizapp.models import (
    BankReviewAlert,
    Certificate,
    Course,
    JoinLink,
    JoinRequest,
    OidcLink,
    Policy,
    PolicyReminderLog,
    PolicyReviewAlert,
    QuestionBank,
    ReminderLog,
    User,
)
from quizapp.notify.outbox import queue_mail
from quizapp.people.session_store import start_session
from quizapp.policies.acknowledge import acknowledge
from quizapp.training.evidence import check_evidence
from quizapp.training.records import TrainingDetails, record_training, reject, store_evidence

from .evidence_files import small_pdf
from .factories import certify, make_course, make_user


@dataclass(frozen=True)
class Everything:
    """Ids of the person, their certificate (and its code), an admin and the course."""

    person_id: int
    certificate_id: int
    certificate_code: str
    admin_id: int
    course_id: int
    evidence_ids: tuple[int, ...]


def _logs(session: Session, person: User, course: Course, now: datetime) -> None:
    from tests.security.objects import seed_policy

    admin = session.scalar(select(User).where(User.role == "admin").limit(1))
    policy = session.scalar(select(Policy)) or seed_policy(session, admin, now)
    version = policy.versions[0]
    acknowledge(session, person, version, version.sha256, now)
    bank = session.get(QuestionBank, course.banks[0].bank_id)
    queue_mail(session, "invite", "Set your password", person, kind="invite", now=now, user_id=person.id,
               org="Test School", link="https://quizapp.test/account/invitation/x", hours="72 hours", expires=now,
               forgotten_url="https://quizapp.test/account/forgotten", sign_in_url="https://quizapp.test/sign-in")
    session.add_all([
        ReminderLog(user_id=person.id, course_id=course.id, kind="learner", status="sent", sent_at=now),
        PolicyReminderLog(user_id=person.id, policy_id=policy.id, status="sent", sent_at=now),
        PolicyReviewAlert(user_id=person.id, policy_id=policy.id, kind="one_month", review_by=policy.review_by,
                          status="sent", sent_at=now),
        BankReviewAlert(user_id=person.id, bank_id=bank.id, kind="due", review_by=now.date(), status="failed",
                        sent_at=now),
        OidcLink(user_id=person.id, issuer="https://id.example", subject=f"subject-{person.id}", email=person.email),
    ])


def _training(session: Session, person: User, admin: User, now: datetime) -> list[int]:
    ids = []
    for title in ("Prevent awareness", "Online safety for volunteers"):
        evidence = store_evidence(session, check_evidence(small_pdf(title), f"{title}.pdf"), person, now)
        details = TrainingDetails(title=title, provider="Local authority", completed_on=now.date(), minutes=90)
        row = record_training(session, person, details, evidence, person, now)
        ids.append(evidence.id)
    reject(session, row, admin, "Priya's certificate is for another course", now)
    return ids


def _join(session: Session, person: User, admin: User, now: datetime) -> None:
    link = JoinLink(public_id=f"privacy-{person.id}", label="Volunteers", school_id=person.school_id,
                    created_by_id=admin.id, created_at=now, expires_at=now + timedelta(days=30))
    session.add(link)
    session.flush()
    session.add(JoinRequest(link_id=link.id, email=person.email, first_name=person.first_name,
                            last_name=person.last_name, password_hash="x", state="approved", created_at=now,
                            decided_at=now, decided_by_id=admin.id, user_id=person.id, reason="Known to the office"))


def build_everything(session: Session, now: datetime, *, first_name: str = "Priya",
                     last_name: str = "Natarajan") -> Everything:
    """One member of staff with attempts, a certificate, a policy read, training elsewhere and logs; commits."""
    admin = session.scalar(select(User).where(User.role == "admin").limit(1)) or make_user(session, "admin")
    person = make_user(session, "staff", first_name=first_name, last_name=last_name, extra_time_pct=25)
    course = make_course(session, questions=4, cooldown=0, title=f"Safeguarding course {person.id}")
    cert = certify(session, person, course, now)
    _logs(session, person, course, now)
    evidence_ids = _training(session, person, admin, now)
    _join(session, person, admin, now)
    record(session, person, "auth.sign_in", f"user:{person.id}")
    start_session(session, person, "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", now)
    record(session, admin, "person.view", f"user:{person.id}", subject=person.id)
    record(session, admin, "user.update", f"user:{person.id}", email=person.email)
    session.commit()
    return Everything(person.id, cert.id, cert.code, admin.id, course.id, tuple(evidence_ids))


def certificate_of(session: Session, everything: Everything) -> Certificate:
    """The person's certificate, fresh from the database."""
    cert = session.get(Certificate, everything.certificate_id)
    assert cert is not None
    return cert
