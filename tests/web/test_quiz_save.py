"""The answer save: one UPDATE that checks the person, the attempt and the answer itself, on both backends."""
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, select, text, update

from quizapp.alone import execute_alone
from quizapp.extensions import db
from quizapp.models import AttemptQuestion, User

from ..clock import Clock
from ..conftest import sign_in
from ..dbs import backends
from .quiz_helpers import course_id, start_attempt  # noqa: F401  (course_id is a fixture)


# Only the PostgreSQL run of the suite's databases (none when the suite runs on SQLite alone).
ON_POSTGRESQL = pytest.mark.parametrize("database_url", [b for b in backends() if b == "postgresql"], indirect=True)


def _items(app: Flask, attempt_id: int) -> dict[str, AttemptQuestion]:
    """The attempt's questions by type (the course cycles single, multiple, true/false)."""
    with app.app_context():
        items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
                                   .order_by(AttemptQuestion.position)).all()
        return {item.type: item for item in items}


def _save(client: FlaskClient, attempt_id: int, item_id: int, options: list[str]):  # type: ignore[no-untyped-def]
    return client.post(f"/attempts/{attempt_id}/answers", json={"question": item_id, "options": options})


def _stored(app: Flask, item_id: int) -> list[str] | None:
    with app.app_context():
        return db.session.get(AttemptQuestion, item_id).answer


@contextmanager
def _watched(app: Flask) -> Iterator[dict[str, list]]:
    """Statements through the request session's engine, and connections taken from either pool."""
    seen: dict[str, list] = {"statements": [], "checkouts": []}
    engines = {app.extensions["quizapp.engine"], app.extensions["quizapp.autocommit_engine"]}
    pools = {engine.pool for engine in engines}

    def statement(conn, cursor, sql, *args) -> None:  # type: ignore[no-untyped-def]
        seen["statements"].append(sql.split()[0])

    def checkout(*args) -> None:  # type: ignore[no-untyped-def]
        seen["checkouts"].append(1)

    main = app.extensions["quizapp.engine"]
    event.listen(main, "before_cursor_execute", statement)
    for pool in pools:
        event.listen(pool, "checkout", checkout)
    try:
        yield seen
    finally:
        event.remove(main, "before_cursor_execute", statement)
        for pool in pools:
            event.remove(pool, "checkout", checkout)


def test_an_answer_in_order_takes_one_connection_and_one_update(app: Flask, client: FlaskClient, people: dict,
                                                                 course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    with _watched(app) as seen:
        response = _save(client, attempt_id, single.id, [single.options[2]["id"]])
    assert response.status_code == 200 and response.get_json() == {"saved": True}
    assert len(seen["checkouts"]) == 1
    # SQLite shares the session's engine, so its one UPDATE shows there; PostgreSQL runs it on the driver.
    assert seen["statements"] == (["UPDATE"] if app.extensions["quizapp.engine"].dialect.name == "sqlite" else [])
    assert _stored(app, single.id) == [single.options[2]["id"]]


def test_multiple_response_takes_several_options_once_each(app: Flask, client: FlaskClient, people: dict,
                                                           course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    multiple = _items(app, attempt_id)["multiple"]
    first, second = multiple.options[0]["id"], multiple.options[2]["id"]
    assert _save(client, attempt_id, multiple.id, [second, first, second]).status_code == 200
    assert sorted(_stored(app, multiple.id)) == sorted([first, second])
    assert _save(client, attempt_id, multiple.id, []).status_code == 200  # everything unticked
    assert _stored(app, multiple.id) == []


def test_look_alike_option_ids_never_match(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                           clock: Clock) -> None:
    """LIKE's wildcards, part of an id, an id run together with another: refused, and the saved answer kept."""
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


def test_a_session_that_no_longer_counts_cannot_save(app: Flask, client: FlaskClient, people: dict,
                                                     course_id: int, clock: Clock) -> None:
    """A new sign-in nonce (password changed elsewhere) or a deactivated account ends the old session's saves."""
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    with app.app_context():
        db.session.execute(update(User).where(User.id == people["staff"]).values(auth_nonce="renewed-elsewhere"))
        db.session.commit()
    response = _save(client, attempt_id, single.id, [single.options[0]["id"]])
    assert response.status_code in (302, 401)
    assert _stored(app, single.id) is None

    sign_in(client, people["staff_email"])
    assert _save(client, attempt_id, single.id, [single.options[0]["id"]]).status_code == 200
    with app.app_context():
        db.session.execute(update(User).where(User.id == people["staff"]).values(active=False))
        db.session.commit()
    assert _save(client, attempt_id, single.id, [single.options[1]["id"]]).status_code in (302, 401)
    assert _stored(app, single.id) == [single.options[0]["id"]]


def _session_cookie(key: str, data: dict) -> str:
    """A session cookie as Flask signs one, with the given key."""
    serializer = URLSafeTimedSerializer(key, salt="cookie-session", serializer=TaggedJSONSerializer(),
                                        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
    return serializer.dumps(data)


def test_a_forged_session_cookie_saves_nothing(app: Flask, people: dict, course_id: int, clock: Clock) -> None:
    """The identity the save trusts comes from the signed cookie: one not signed with the app's key is ignored."""
    owner = app.test_client()
    sign_in(owner, people["staff_email"])
    attempt_id = start_attempt(owner, course_id)
    single = _items(app, attempt_id)["single"]
    with app.app_context():
        identity = {"_user_id": f"{people['staff']}-{db.session.get(User, people['staff']).auth_nonce}"}
    forger = app.test_client()
    forger.set_cookie("session", _session_cookie("a-guessed-key", identity), domain="quizapp.test")
    assert _save(forger, attempt_id, single.id, [single.options[0]["id"]]).status_code in (302, 401)
    assert _stored(app, single.id) is None
    # The same cookie signed with the real key does save: the refusal above was the signature's doing.
    holder = app.test_client()
    holder.set_cookie("session", _session_cookie(app.config["SECRET_KEY"], identity), domain="quizapp.test")
    assert _save(holder, attempt_id, single.id, [single.options[0]["id"]]).status_code == 200
    assert _stored(app, single.id) == [single.options[0]["id"]]


@ON_POSTGRESQL  # SQLite has no server to drop a connection
def test_a_connection_the_server_dropped_is_retried_once(app: Flask, client: FlaskClient, people: dict,
                                                         course_id: int, clock: Clock) -> None:
    assert app.extensions["quizapp.autocommit_engine"].dialect.name == "postgresql"
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    single = _items(app, attempt_id)["single"]
    assert _save(client, attempt_id, single.id, [single.options[0]["id"]]).status_code == 200  # pools one
    with app.app_context():
        ended = db.session.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
        db.session.commit()
    assert ended >= 1
    assert _save(client, attempt_id, single.id, [single.options[1]["id"]]).status_code == 200
    assert _stored(app, single.id) == [single.options[1]["id"]]


@ON_POSTGRESQL  # the compiled path is PostgreSQL's; SQLite runs statements through SQLAlchemy as they are
def test_a_statement_that_needs_expanding_parameters_is_refused(app: Flask) -> None:
    engine = app.extensions["quizapp.autocommit_engine"]
    statement = update(AttemptQuestion).where(AttemptQuestion.id.in_([1, 2])).values(answer=[])
    with pytest.raises(ValueError, match="plain named parameters"):
        execute_alone(engine, statement, {})
