"""The answer save: one path after the permission check, on both backends, answers kept in option order."""
import hashlib
from collections.abc import Callable

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.pool import NullPool

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, User
from quizapp.people.tokens import Purpose, set_password

from ..clock import Clock
from ..conftest import sign_in
from .quiz_helpers import start_attempt

SIGNED_OUT = "You have been signed out. Sign in again (your saved answers are kept)."


def _items(app: Flask, attempt_id: int) -> dict[str, AttemptQuestion]:
    """The attempt's questions by type (the course cycles single, multiple, true/false)."""
    with app.app_context():
        items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
                                   .order_by(AttemptQuestion.position)).all()
        return {item.type: item for item in items}


def _save(client: FlaskClient, attempt_id: int, item_id: int, options: list[str]):
    return client.post(f"/attempts/{attempt_id}/answers", json={"question": item_id, "options": options})


def _stored(app: Flask, item_id: int) -> list[str] | None:
    with app.app_context():
        return db.session.get(AttemptQuestion, item_id).answer


def test_a_save_loads_the_person_then_writes_once(app: Flask, client: FlaskClient, people: dict,
                                                                   course_id: int, clock: Clock,
                                                                   queries: Callable) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    with queries() as seen:
        response = _save(client, attempt_id, single.id, [single.options[2]["id"]])
    assert response.status_code == 200
    assert response.get_json()["saved"] is True and response.get_json()["options"] == [single.options[2]["id"]]
    verbs = [statement.split()[0] for statement in seen]
    assert verbs == ["SELECT", "UPDATE"], seen  # the person (with the session), then the save
    assert "RETURNING" in seen[-1]
    assert _stored(app, single.id) == [single.options[2]["id"]]


def test_multiple_response_is_stored_in_option_order(app: Flask, client: FlaskClient, people: dict,
                                                     course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    multiple = _items(app, attempt_id)["multiple"]
    first, third = multiple.options[0]["id"], multiple.options[2]["id"]
    response = _save(client, attempt_id, multiple.id, [third, first, third])
    assert response.status_code == 200 and response.get_json()["options"] == [first, third]
    assert _stored(app, multiple.id) == [first, third]  # option order, not the order posted; no sorting here
    assert _save(client, attempt_id, multiple.id, []).status_code == 200  # everything unticked
    assert _stored(app, multiple.id) == []


def test_look_alike_option_ids_never_match(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                           clock: Clock) -> None:
    """Wildcards, part of an id, an id run together with another: refused, and the saved answer kept."""
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    real = single.options[1]["id"]
    assert _save(client, attempt_id, single.id, [real]).status_code == 200
    others = "".join(option["id"] for option in single.options)
    for fake in ["_" * len(real), "%", real[:-1], real[1:], real + "x", others, f"{real} {real}", real.upper()
                 if real != real.upper() else real.lower(), ""]:
        response = _save(client, attempt_id, single.id, [fake])
        assert response.status_code == 400, fake
        assert response.get_json()["message"] == "That answer is not one of this question's options."
    assert _stored(app, single.id) == [real]


def test_two_answers_to_a_one_answer_question_are_refused_with_the_reason(app: Flask, client: FlaskClient,
                                                                         people: dict, course_id: int,
                                                                         clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    for kind in ("single", "true_false"):
        item = _items(app, attempt_id)[kind]
        response = _save(client, attempt_id, item.id, [item.options[0]["id"], item.options[1]["id"]])
        assert response.status_code == 400
        assert response.get_json()["message"] == "Choose only one answer for this question."
        assert _stored(app, item.id) is None


def test_another_persons_attempt_is_not_found(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                              clock: Clock) -> None:
    owner = app.test_client()
    sign_in(owner, people["staff_email"])
    attempt_id = start_attempt(owner, course_id)
    single = _items(app, attempt_id)["single"]
    sign_in(client, people["other_staff_email"])
    assert _save(client, attempt_id, single.id, [single.options[0]["id"]]).status_code == 404
    assert _stored(app, single.id) is None


def _assert_signed_out(response) -> None:
    assert response.status_code == 401
    body = response.get_json()
    assert body["message"] == SIGNED_OUT and body["signed_out"] is True and "/sign-in" in body["sign_in_url"]


def test_a_signed_out_session_gets_401_with_the_message(app: Flask, client: FlaskClient, people: dict,
                                                        course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    client.post("/sign-out")
    _assert_signed_out(_save(client, attempt_id, single.id, [single.options[0]["id"]]))
    assert _stored(app, single.id) is None


def test_a_session_that_no_longer_counts_cannot_save(app: Flask, client: FlaskClient, people: dict,
                                                     course_id: int, clock: Clock) -> None:
    """A password set elsewhere (which ends every session) or a deactivated account ends the old session's saves."""
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    with app.app_context():
        set_password(db.session, db.session.get(User, people["staff"]), "renewed elsewhere 123", Purpose.RESET)
        db.session.commit()
    _assert_signed_out(_save(client, attempt_id, single.id, [single.options[0]["id"]]))
    assert _stored(app, single.id) is None

    sign_in(client, people["staff_email"], "renewed elsewhere 123")
    assert _save(client, attempt_id, single.id, [single.options[0]["id"]]).status_code == 200
    with app.app_context():
        db.session.execute(update(User).where(User.id == people["staff"]).values(active=False))
        db.session.commit()
    _assert_signed_out(_save(client, attempt_id, single.id, [single.options[1]["id"]]))
    assert _stored(app, single.id) == [single.options[0]["id"]]


def _session_cookie(key: str, data: dict) -> str:
    """A session cookie as Flask signs one, with the given key."""
    serializer = URLSafeTimedSerializer(key, salt="cookie-session", serializer=TaggedJSONSerializer(),
                                        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
    return serializer.dumps(data)


def test_a_forged_session_cookie_saves_nothing(app: Flask, people: dict, course_id: int, clock: Clock) -> None:
    """Flask-Login trusts only the signed cookie: one not signed with the app's key is a signed-out request."""
    owner = app.test_client()
    sign_in(owner, people["staff_email"])
    attempt_id = start_attempt(owner, course_id)
    single = _items(app, attempt_id)["single"]
    with owner.session_transaction() as owner_session:
        identity = {"_user_id": owner_session["_user_id"]}  # the owner's session id, as if it had leaked
    forger = app.test_client()
    forger.set_cookie("session", _session_cookie("a-guessed-key", identity), domain="quizapp.test")
    _assert_signed_out(_save(forger, attempt_id, single.id, [single.options[0]["id"]]))
    assert _stored(app, single.id) is None
    # The same cookie signed with the real key does save: the refusal above was the signature's doing.
    holder = app.test_client()
    holder.set_cookie("session", _session_cookie(app.config["SECRET_KEY"], identity), domain="quizapp.test")
    assert _save(holder, attempt_id, single.id, [single.options[0]["id"]]).status_code == 200
    assert _stored(app, single.id) == [single.options[0]["id"]]


def test_a_save_after_another_tab_submitted_is_refused_and_changes_nothing(app: Flask, client: FlaskClient,
                                                                          people: dict, course_id: int,
                                                                          clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    response = _save(client, attempt_id, single.id, [single.options[0]["id"]])
    assert response.status_code == 409
    assert response.get_json()["message"] == "This quiz has already been submitted, so the answer was not saved."
    assert _stored(app, single.id) is None


def test_a_refused_late_save_keeps_the_finalisation(app: Flask, client: FlaskClient, people: dict,
                                                    course_id: int, clock: Clock) -> None:
    """The view says, in one place, why this error response commits: the attempt it closed stays closed."""
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    clock.advance(minutes=11)
    response = _save(client, attempt_id, single.id, [single.options[0]["id"]])
    assert response.status_code == 409 and response.get_json()["finished"] is True
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == "finished"
    assert _stored(app, single.id) is None


def test_a_connection_the_server_dropped_does_not_lose_the_next_save(app: Flask, client: FlaskClient, people: dict,
                                                                     course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    assert _save(client, attempt_id, single.id, [single.options[0]["id"]]).status_code == 200
    engine = app.extensions["quizapp.engine"]
    if engine.dialect.name == "postgresql":
        # A connection outside the app's pool, so the pooled one the save returned is the one ended.
        outsider = create_engine(engine.url, poolclass=NullPool)
        with outsider.connect() as connection:
            ended = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
        outsider.dispose()
        assert ended >= 1
    assert _save(client, attempt_id, single.id, [single.options[1]["id"]]).status_code == 200
    assert _stored(app, single.id) == [single.options[1]["id"]]


def test_a_refused_token_is_told_apart_from_a_network_problem_and_renewed(database_url: str, tmp_path,
                                                                          people: dict, course_id: int) -> None:
    """With CSRF on: a save with a token the server no longer takes says so (JSON), and a fresh one saves."""
    from ..conftest import build_app
    from ..factories import DEFAULT_PASSWORD

    protected = build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    form_token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    client.post("/sign-in", data={"email": people["staff_email"], "password": DEFAULT_PASSWORD,
                                  "csrf_token": form_token})
    home = client.get(f"/courses/{course_id}").get_data(as_text=True)
    token = home.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    started = client.post(f"/courses/{course_id}/start", data={"csrf_token": token})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    single = _items(protected, attempt_id)["single"]
    body = {"question": single.id, "options": [single.options[0]["id"]]}
    stale = client.post(f"/attempts/{attempt_id}/answers", json=body, headers={"X-CSRFToken": "minted-long-ago"})
    assert stale.status_code == 400 and stale.get_json()["stale_token"] is True
    fresh = client.get(f"/attempts/{attempt_id}/token").get_json()["csrf_token"]
    saved = client.post(f"/attempts/{attempt_id}/answers", json=body, headers={"X-CSRFToken": fresh})
    assert saved.status_code == 200 and _stored(protected, single.id) == [single.options[0]["id"]]
    db.dispose(protected)


def test_an_oversized_answer_is_not_read(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                         clock: Clock) -> None:
    """The save writes what is posted before checking it, so what may be posted is bounded first."""
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    multiple = _items(app, attempt_id)["multiple"]
    real = multiple.options[0]["id"]
    assert _save(client, attempt_id, multiple.id, [real]).status_code == 200
    for item_id, posted in ((multiple.id, [real] * 65), (multiple.id, [real, "x" * 65]), (2**63, [real]), (0, [real])):
        response = _save(client, attempt_id, item_id, posted)
        assert response.status_code == 400 and "could not be read" in response.get_json()["message"]
    assert _stored(app, multiple.id) == [real]
