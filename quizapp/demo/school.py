"""The demo school: two schools, several staff groups, an admin, DSLs and thirty staff."""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import OrgSettings, Role, School, StaffGroup, User
from ..people.accounts import hash_password
from .external import seed_external
from .history import seed_history
from .policies import seed_policies

CREDENTIALS_FILE = "demo-credentials.txt"
GROUPS = ["Teaching staff", "Support staff", "Volunteers", "Safeguarding team", "Office and site staff"]
SCHOOLS = ["Demo Academy", "Demo Primary School"]
STAFF_NAMES = [
    ("Amira", "Hussain"), ("Ben", "Okafor"), ("Chloe", "Williams"), ("Dafydd", "Roberts"), ("Ellie", "Thompson"),
    ("Farhan", "Ali"), ("Grace", "O'Connor"), ("Harry", "Patel"), ("Isla", "MacLeod"), ("Jack", "Nowak"),
    ("Zoë", "Ó Súilleabháin"), ("Łukasz", "Wróblewski"), ("Gwenllïan", "Ŵyn"), ("Kwame", "Mensah"),
    ("Lily", "Chen"), ("Mohammed", "Rahman"), ("Niamh", "Byrne"), ("Oliver", "Smith"), ("Priya", "Sharma"),
    ("Rhys", "Evans"), ("Sofia", "Rossi"), ("Tom", "Baker"), ("Uma", "Desai"), ("Victoria", "Adeyemi"),
    ("William", "Jones"), ("Yasmin", "Begum"), ("Aoife", "Kelly"), ("Callum", "Fraser"), ("Daniel", "Cohen"),
    ("Hannah", "Green"),
]
ROTA = ["Teaching staff", "Support staff", "Volunteers", "Office and site staff"]


class DemoRefused(RuntimeError):
    """The demo may not be seeded here."""


def _password() -> str:
    given = os.environ.get("QUIZAPP_DEMO_PASSWORD")
    if given:
        return given
    return secrets.token_urlsafe(12)


def _credentials_text(password: str) -> str:
    return (
        "Demo sign-in details (every demo account has the same password):\n"
        "  admin: admin@demo.school\n  DSL:   dsl@demo.school\n  staff: staff@demo.school\n"
        f"  password: {password}\n"
    )


def _save_credentials(instance_path: Path, text: str) -> None:
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / CREDENTIALS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _person(email: str, first: str, last: str, role: Role, school: School, group: StaffGroup,
            password_hash: str) -> User:
    return User(email=email, first_name=first, last_name=last, role=role.value, school=school,
                staff_group=group, password_hash=password_hash, active=True, extra_time_pct=0)


def _people(schools: list[School], groups: dict[str, StaffGroup], password_hash: str) -> list[User]:
    main, other = schools
    people = [
        _person("admin@demo.school", "Alex", "Admin", Role.ADMIN, main, groups["Office and site staff"], password_hash),
        _person("dsl@demo.school", "Dana", "Lead", Role.DSL, main, groups["Safeguarding team"], password_hash),
        _person("dsl.primary@demo.school", "Priya", "Guardian", Role.DSL, other, groups["Safeguarding team"],
                password_hash),
        _person("staff@demo.school", "Sam", "Teacher", Role.STAFF, main, groups["Teaching staff"], password_hash),
    ]
    for index, (first, last) in enumerate(STAFF_NAMES):
        email = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email = email.encode("ascii", "ignore").decode() or f"staff{index}"
        people.append(_person(f"{email}{index}@demo.school", first, last, Role.STAFF,
                              schools[1 if index % 3 == 2 else 0], groups[ROTA[index % len(ROTA)]], password_hash))
    people[-1].extra_time_pct = 25
    return people


def seed_demo(session: Session, instance_path: str, *, if_empty: bool, production: bool,
              now: datetime | None = None, base_url: str = "http://127.0.0.1:5000/") -> str:
    """Seed the demo (flush only) and return the sign-in details to print."""
    if production:
        raise DemoRefused("The demo cannot be seeded when QUIZAPP_ENV=production.")
    path = Path(instance_path)
    if session.scalar(select(func.count()).select_from(User)):
        saved = path / CREDENTIALS_FILE
        if if_empty:
            return saved.read_text() if saved.exists() else "People already exist; the demo was not seeded."
        raise DemoRefused("People already exist in this database; the demo only seeds an empty one.")
    password = _password()
    schools = [School(name=name) for name in SCHOOLS]
    groups = {name: StaffGroup(name=name) for name in GROUPS}
    session.add_all([*schools, *groups.values()])
    session.add_all(_people(schools, groups, hash_password(password)))
    session.merge(
        OrgSettings(
            id=1,
            org_name="Demo Academy Trust",
            signatory_name="Dana Lead",
            signatory_role="Designated Safeguarding Lead",
            certificate_prefix="DEMO",
            due_soon_days=30,
        )
    )
    session.flush()
    seed_history(session, now or utcnow(), base_url)
    seed_policies(session, now or utcnow())
    seed_external(session, now or utcnow())
    text = _credentials_text(password)
    _save_credentials(path, text)
    return "Demo school seeded.\n" + text
