"""Every route x every kind of viewer, against the access declared below.

The routes come from the app's url_map, so a new route without a line in EXPECTED fails here, by name.
Object routes use real objects of "staff" in school A: another member of staff and the DSL of another school
must get 403 or 404 for them.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.routing import Rule

from quizapp import create_app
from quizapp.extensions import db

from ..conftest import TEST_CONFIG
from .objects import ROLES, build_url, client_for, seed, url_values

OK, LOGIN, FORBIDDEN, HIDDEN, DENIED = "ok", "login", "403", "404", "403/404"

# Who may use what: one line per route endpoint. A value is {viewer: outcome} for the viewers in ROLES:
#   ok      allowed (2xx, 3xx other than to sign-in, or a 400/409 for the empty test request)
#   login   sent to sign in (anonymous)
#   403     refused outright; 404: refused without saying the object exists; 403/404 either
PUBLIC = dict.fromkeys(ROLES, OK)
SIGNED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
ADMIN_ONLY = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "admin": OK}
DSL_OR_ADMIN = {**ADMIN_ONLY, "dsl": OK, "other_dsl": OK}
# The person's own attempt (quiz page, saving, submitting): nobody else, not even an admin.
OWN_ATTEMPT = {**dict.fromkeys(ROLES, HIDDEN), "anonymous": LOGIN, "staff": OK}
# Something about a person: the person, their school's DSL and admins; nobody else learns it exists.
ABOUT_PERSON = {"anonymous": LOGIN, "other_staff": HIDDEN, "other_dsl": HIDDEN, "staff": OK, "dsl": OK, "admin": OK}
# Something about a person for the DSL/admin only: staff are refused by role, another school's DSL by object.
PERSON_FOR_DSL = {"anonymous": LOGIN, "other_staff": FORBIDDEN, "other_dsl": HIDDEN, "staff": FORBIDDEN,
                  "dsl": OK, "admin": OK}

EXPECTED: dict[str, dict[str, str]] = {
    "static": PUBLIC,
    "main.index": PUBLIC,
    "main.home": SIGNED_IN,
    "main.healthz": PUBLIC,
    "main.question_image": SIGNED_IN,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": SIGNED_IN,
    "oidc.start": PUBLIC,
    "oidc.callback": PUBLIC,
    "oidc.signed_out": PUBLIC,
    "public.verify": PUBLIC,
    "public.privacy": PUBLIC,
    "public.verify_code": PUBLIC,
    "public.verify_pdf": PUBLIC,
    "staff.my_training": SIGNED_IN,
    "staff.course": SIGNED_IN,
    "staff.start": SIGNED_IN,
    "staff.start_update_quiz": SIGNED_IN,
    "staff.attempt": OWN_ATTEMPT,
    "staff.save": OWN_ATTEMPT,
    "staff.token": OWN_ATTEMPT,
    "staff.submit": OWN_ATTEMPT,
    "staff.result": ABOUT_PERSON,
    "staff.my_results": SIGNED_IN,
    "staff.my_certificates": SIGNED_IN,
    "staff.download_certificate": ABOUT_PERSON,
    "admin.audit": ADMIN_ONLY,
    "admin.banks": ADMIN_ONLY,
    "admin.bank": ADMIN_ONLY,
    "admin.bank_export": ADMIN_ONLY,
    "admin.bank_upload": ADMIN_ONLY,
    "admin.bank_apply": ADMIN_ONLY,
    "admin.bank_analysis_csv": ADMIN_ONLY,
    "admin.courses": ADMIN_ONLY,
    "admin.course_new": ADMIN_ONLY,
    "admin.course_edit": ADMIN_ONLY,
    "admin.course_toggle": ADMIN_ONLY,
    "admin.certificates": DSL_OR_ADMIN,
    "admin.certificates_zip": DSL_OR_ADMIN,
    "admin.revoke_certificate": ADMIN_ONLY,
    "admin.reissue_certificate": ADMIN_ONLY,
    "admin.settings": ADMIN_ONLY,
    "admin.user_end_sessions": ADMIN_ONLY,
    "admin.sign_in_settings": ADMIN_ONLY,
    "admin.sign_in_provider_new": ADMIN_ONLY,
    "admin.sign_in_provider_edit": ADMIN_ONLY,
    "admin.sign_in_provider_delete": ADMIN_ONLY,
    "admin.user_remove_link": ADMIN_ONLY,
    "account.forgotten": PUBLIC,
    "account.my_account": SIGNED_IN,
    "account.my_data": SIGNED_IN,
    "admin.user_data": ADMIN_ONLY,
    "admin.user_erase": ADMIN_ONLY,
    "account.end_one_session": {**dict.fromkeys(ROLES, HIDDEN), "anonymous": LOGIN, "staff": OK},
    "account.sign_out_everywhere": SIGNED_IN,
    "account.invitation": PUBLIC,
    "account.reset_password": PUBLIC,
    "dsl.dashboard": DSL_OR_ADMIN,
    "dsl.export_csv": DSL_OR_ADMIN,
    "dsl.export_xlsx": DSL_OR_ADMIN,
    "dsl.person": PERSON_FOR_DSL,
    "dsl.evidence_pack": DSL_OR_ADMIN,
    "dsl.evidence_pack_progress": PERSON_FOR_DSL,  # school A's pack: its DSL and admins only
    "dsl.evidence_pack_status": PERSON_FOR_DSL,
    "dsl.evidence_pack_download": PERSON_FOR_DSL,
    "dsl.person_record_pdf": PERSON_FOR_DSL,
    "dsl.item_analysis": DSL_OR_ADMIN,
    "dsl.item_analysis_csv": DSL_OR_ADMIN,
    "reminders.confirm": DSL_OR_ADMIN,
    "reminders.send": DSL_OR_ADMIN,
    "reminders.progress": PERSON_FOR_DSL,
    "reminders.progress_status": PERSON_FOR_DSL,
    "admin.schools": ADMIN_ONLY,
    "admin.school_rename": ADMIN_ONLY,
    "admin.school_delete": ADMIN_ONLY,
    "admin.groups": ADMIN_ONLY,
    "admin.group_rename": ADMIN_ONLY,
    "admin.group_delete": ADMIN_ONLY,
    "admin.users": ADMIN_ONLY,
    "admin.user_new": ADMIN_ONLY,
    "admin.user_edit": ADMIN_ONLY,
    "admin.user_deactivate": ADMIN_ONLY,
    "admin.user_reactivate": ADMIN_ONLY,
    "admin.user_send_link": ADMIN_ONLY,
    "admin.users_invite": ADMIN_ONLY,
    "admin.users_import_template": ADMIN_ONLY,
    "admin.users_import": ADMIN_ONLY,
    "admin.users_import_confirm": ADMIN_ONLY,
    "admin.users_import_progress": ADMIN_ONLY,
    "admin.users_import_status": ADMIN_ONLY,
    "join.links": DSL_OR_ADMIN,
    "join.poster": PERSON_FOR_DSL,  # school A's link: its DSL and admins only
    "join.withdraw": PERSON_FOR_DSL,
    "join.approve_request": PERSON_FOR_DSL,
    "join.reject_request": PERSON_FOR_DSL,
    "join.join": PUBLIC,
    # Policies: the seeded policy is for all staff, so everyone signed in must read it (group-only policies are
    # refused to others in tests/web/test_policies.py).
    "staff.policy": SIGNED_IN,
    "staff.policy_document": SIGNED_IN,
    "staff.policy_acknowledge": SIGNED_IN,
    "admin.policies": ADMIN_ONLY,
    "admin.policy_new": ADMIN_ONLY,
    "admin.policy_edit": ADMIN_ONLY,
    "admin.policy_version_new": ADMIN_ONLY,
    "external.mine": SIGNED_IN,
    "external.new": SIGNED_IN,
    "external.evidence": ABOUT_PERSON,
    "external.queue": DSL_OR_ADMIN,
    "external.decide": PERSON_FOR_DSL,
    "external.new_for": PERSON_FOR_DSL,
    "external.group": DSL_OR_ADMIN,
}

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _routes() -> dict[str, list[Rule]]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    routes: dict[str, list[Rule]] = {}
    for rule in app.url_map.iter_rules():
        routes.setdefault(rule.endpoint, []).append(rule)
    return dict(sorted(routes.items()))


ROUTES = _routes()


def outcome(response) -> str:
    """Classify a response as one of the outcomes in EXPECTED."""
    location = urlsplit(response.headers.get("Location", ""))
    # The sign-in gate sends people to /sign-in?next=...; a plain redirect there (after signing out) is not it.
    if response.status_code == 401 or (response.status_code in (302, 303) and location.path == "/sign-in"
                                       and "next=" in location.query):
        return LOGIN
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code >= 500 or response.status_code == 405:
        return f"error {response.status_code}"
    return OK


def _matches(expected: str, got: str) -> bool:
    return got == expected or (expected == DENIED and got in (FORBIDDEN, HIDDEN))


@pytest.fixture()
def matrix_app(app: Flask) -> Flask:
    """The app of the shared fixtures (CSRF and rate limits off: those have their own tests)."""
    return app


def undeclared(endpoint: str, rules: list[Rule]) -> str | None:
    """None when the route's access is declared; otherwise what to do about it, naming the route."""
    if endpoint in EXPECTED:
        return None
    described = ", ".join(f"{r.rule} {sorted(r.methods - {'HEAD', 'OPTIONS'})}" for r in rules)
    return (f"route {endpoint} ({described}) has no declared access: add '{endpoint}' to EXPECTED in "
            f"tests/security/test_route_matrix.py (and values for its URL variables to tests/security/objects.py)")


@pytest.mark.parametrize("endpoint", list(ROUTES))
def test_route_access_matches_the_declared_matrix(endpoint: str, matrix_app: Flask) -> None:
    problem = undeclared(endpoint, ROUTES[endpoint])
    if problem:
        pytest.fail(problem)
    expected = EXPECTED[endpoint]
    assert set(expected) == set(ROLES), f"EXPECTED['{endpoint}'] must name every viewer in {ROLES}"
    with matrix_app.app_context():
        cast = seed(db.session)
    values = url_values(cast)
    problems = []
    for rule in ROUTES[endpoint]:
        url = build_url(matrix_app, endpoint, set(rule.arguments), values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ROLES:
                client = client_for(matrix_app, cast, role)
                response = client.open(url, method=method, data={} if method in STATE_CHANGING else None)
                response.get_data()  # run streamed bodies to the end inside this request
                response.close()
                got = outcome(response)
                if not _matches(expected[role], got):
                    problems.append(f"{method} {url} as {role}: expected {expected[role]}, got {got} "
                                    f"({response.status_code} {response.headers.get('Location', '')})")
    assert not problems, "\n".join(problems)


def test_every_view_declares_who_may_call_it() -> None:
    """@allow(...) on every view: the matrix above checks what it does, this that nobody forgot it."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    missing = [endpoint for endpoint, view in app.view_functions.items()
               if endpoint != "static" and not hasattr(view, "access")]
    assert not missing, f"views without @allow(...): {missing}"


def test_an_undeclared_route_is_reported_by_name() -> None:
    """The guard really fires: a route added at run time has no expectation, and the message says where to add it."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    app.add_url_rule("/sneaky/<int:thing_id>", "sneaky", lambda thing_id: "hi", methods=["POST"])
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == "sneaky"]
    message = undeclared("sneaky", rules) or ""
    assert "sneaky" in message and "/sneaky/<int:thing_id> ['POST']" in message
    assert "EXPECTED in tests/security/test_route_matrix.py" in message
    assert undeclared("staff.result", ROUTES["staff.result"]) is None


def test_a_save_cannot_reach_another_persons_question(matrix_app: Flask) -> None:
    """The save names a question by id: one from someone else's attempt is refused and left untouched."""
    from sqlalchemy import select

    from quizapp.models import AttemptQuestion

    with matrix_app.app_context():
        cast = seed(db.session)
    other = client_for(matrix_app, cast, "other_staff")
    started = other.post(f"/courses/{cast.course_id}/start")
    own_attempt = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with matrix_app.app_context():
        victim = db.session.scalars(select(AttemptQuestion).where(
            AttemptQuestion.attempt_id == cast.attempt_id)).first()
        before = (victim.id, victim.answer)
    response = other.post(f"/attempts/{own_attempt}/answers",
                          json={"question": victim.id, "options": [victim.options[-1]["id"]]})
    assert response.status_code == 400 and response.get_json()["saved"] is False
    assert response.get_json()["message"] == "That question is not part of this quiz."
    with matrix_app.app_context():
        after = db.session.get(AttemptQuestion, before[0])
        assert after.answer == before[1]
