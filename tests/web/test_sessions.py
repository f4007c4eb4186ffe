"""Sessions that really end: a copied cookie is refused after sign-out, idle time, "everywhere" or an admin.

Every test runs against both session stores: the database, and a real Redis (under a prefix of its own).
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.config import now
from quizapp.extensions import db
from quizapp.models import AuditEvent, OrgSettings, User, UserSession
from quizapp.people.session_redis import RedisStore
from quizapp.people.session_store import SessionInfo, store
from quizapp.people.sessions import hash_token

from ..clock import Clock
from ..conftest import _empty_tables, build_app, sign_in
from ..factories import make_course
from .quiz_helpers import start_attempt

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.fixture(params=["database", "redis"])
def app(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A fresh app on an emptied database, its sessions in the database or in Redis."""
    overrides: dict[str, object] = {}
    if request.param == "redis":
        overrides = {"SESSION_REDIS_URL": request.getfixturevalue("redis_url"),
                     "SESSION_REDIS_PREFIX": f"quizapp-test-{uuid.uuid4().hex[:12]}:"}
    application = build_app(database_url, tmp_path, **overrides)
    _empty_tables(application)
    yield application
    chosen = application.extensions["quizapp.session_store"]
    if isinstance(chosen, RedisStore):
        keys = list(chosen.client.scan_iter(f"{chosen.prefix}*"))
        if keys:
            chosen.client.delete(*keys)
    db.dispose(application)


def _redis(app: Flask) -> RedisStore | None:
    chosen = app.extensions["quizapp.session_store"]
    return chosen if isinstance(chosen, RedisStore) else None


def _sessions_of(app: Flask, user_id: int) -> list[SessionInfo]:
    """The person's live sessions, through the app's store."""
    with app.app_context():
        return store().list(db.session, user_id, now())


def _browser(app: Flask, agent: str = FIREFOX) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of the first one's cookie, as a thief or a shared computer would."""
    cookie = client.get_cookie("session", domain="quizapp.test")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain="quizapp.test")
    return thief


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/training").status_code == 200


def _limits(app: Flask, idle_minutes: int, max_hours: int) -> None:
    with app.app_context():
        settings = OrgSettings.current(db.session)
        settings.session_idle_minutes, settings.session_max_hours = idle_minutes, max_hours
        db.session.commit()


def test_a_cookie_replayed_after_sign_out_is_refused(app: Flask, people: dict, clock: Clock) -> None:
    client = _browser(app)
    sign_in(client, people["staff_email"])
    copy = _copy(app, client)
    assert _signed_in(copy)
    client.post("/sign-out")
    assert not _signed_in(copy)
    assert _sessions_of(app, people["staff"]) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_the_cookie_holds_a_random_id_and_the_database_only_its_hash(app: Flask, people: dict, clock: Clock) -> None:
    client = _browser(app)
    sign_in(client, people["staff_email"])
    with client.session_transaction() as flask_session:
        token = flask_session["_user_id"]
    assert str(people["staff"]) != token and len(token) >= 40
    [listed] = _sessions_of(app, people["staff"])
    assert (listed.user_id, listed.user_agent, listed.created_at) == (people["staff"], "Firefox on Windows", clock.now)
    assert token not in listed.id
    kept = _redis(app)
    if kept is None:
        with app.app_context():
            stored = db.session.scalars(select(UserSession)).one()
            assert stored.token_hash == hash_token(token) and len(stored.token_hash) == 64
    else:
        keys = list(kept.client.scan_iter(f"{kept.prefix}session:*"))
        assert keys == [f"{kept.prefix}session:{hash_token(token)}"]
        assert token not in str(kept.client.hgetall(keys[0]))
        ttl = kept.client.ttl(keys[0])
        assert 12 * 3600 - 60 < ttl <= 12 * 3600  # the absolute lifetime


def test_a_session_ends_after_the_idle_time(app: Flask, people: dict, clock: Clock) -> None:
    client = _browser(app)
    sign_in(client, people["staff_email"])
    copy = _copy(app, client)
    clock.advance(minutes=119)
    assert _signed_in(client)  # used at 1:59, so idle time starts again
    clock.advance(minutes=119)
    assert _signed_in(copy)
    clock.advance(minutes=120)
    assert not _signed_in(client) and not _signed_in(copy)


def test_a_running_quiz_keeps_the_session_past_the_idle_time_but_not_past_the_maximum(
        app: Flask, people: dict, clock: Clock) -> None:
    _limits(app, idle_minutes=5, max_hours=1)
    with app.app_context():
        course_id = make_course(db.session, time_limit=90, questions=3).id
        db.session.commit()
    client = _browser(app)
    sign_in(client, people["staff_email"])
    start_attempt(client, course_id)
    clock.advance(minutes=20)  # reading the questions: no request for four times the idle time
    assert _signed_in(client)
    clock.advance(minutes=41)  # 61 minutes since signing in: past the one-hour maximum, quiz or not
    assert not _signed_in(client)


def test_the_quiz_keeps_the_session_only_until_its_deadline(app: Flask, people: dict, clock: Clock,
                                                            course_id: int) -> None:
    _limits(app, idle_minutes=5, max_hours=12)
    client = _browser(app)
    sign_in(client, people["staff_email"])
    start_attempt(client, course_id)  # ten minutes
    clock.advance(minutes=9)
    assert _signed_in(client)
    clock.advance(minutes=7)  # 16 minutes: the quiz's deadline (and the idle time since 9) have passed
    assert not _signed_in(client)


def test_sign_out_everywhere_ends_every_browser(app: Flask, people: dict, clock: Clock) -> None:
    laptop, phone = _browser(app), _browser(app, SAFARI)
    sign_in(laptop, people["staff_email"])
    sign_in(phone, people["staff_email"])
    copy = _copy(app, laptop)
    response = phone.post("/account/sessions/end-all")
    assert response.headers["Location"].endswith("/sign-in")
    assert not any(_signed_in(c) for c in (laptop, phone, copy))
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.end_all")).one()
        assert (event.actor_id, event.subject_id, event.details["count"]) == (people["staff"], people["staff"], 2)


def test_my_account_lists_sessions_and_signs_out_one(app: Flask, people: dict, clock: Clock) -> None:
    laptop = _browser(app)
    sign_in(laptop, people["staff_email"])
    clock.advance(minutes=30)
    phone = _browser(app, SAFARI)
    sign_in(phone, people["staff_email"])
    page = phone.get("/account/").get_data(as_text=True)
    assert "Mobile Safari on iOS <strong>(this session)</strong>" in page
    assert 'aria-label="Sign out Firefox on Windows, started 23 November 2026, 09:00 UTC"' in page
    laptop_id = re.findall(r'/account/sessions/([^/"]+)/end', page)[-1]
    assert phone.post(f"/account/sessions/{laptop_id}/end").headers["Location"].endswith("/account/")
    assert not _signed_in(laptop) and _signed_in(phone)
    assert "Firefox on Windows" not in phone.get("/account/").get_data(as_text=True)


def test_nobody_ends_another_persons_session(app: Flask, people: dict, clock: Clock) -> None:
    victim, other = _browser(app), _browser(app)
    sign_in(victim, people["staff_email"])
    sign_in(other, people["other_staff_email"])
    [victim_session] = _sessions_of(app, people["staff"])
    victim_id = victim_session.id
    assert other.post(f"/account/sessions/{victim_id}/end").status_code == 404
    assert _signed_in(victim)


def test_an_admin_ends_all_of_a_persons_sessions(app: Flask, people: dict, clock: Clock) -> None:
    staff, admin = _browser(app), _browser(app)
    sign_in(staff, people["staff_email"])
    sign_in(admin, people["admin_email"])
    page = admin.get(f"/admin/users/{people['staff']}").get_data(as_text=True)
    assert "On 1 browser" in page and "End all sessions</button>" in page
    done = admin.post(f"/admin/users/{people['staff']}/end-sessions", follow_redirects=True)
    assert "Ended 1 session of" in done.get_data(as_text=True) and "Nowhere" in done.get_data(as_text=True)
    assert not _signed_in(staff) and _signed_in(admin)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.end_all")).one()
        assert (event.actor_id, event.subject_id, event.details["reason"]) == (
            people["admin"], people["staff"], "ended by an admin")


def test_deactivation_and_a_role_change_end_every_session(app: Flask, people: dict, clock: Clock) -> None:
    staff, dsl, admin = _browser(app), _browser(app), _browser(app)
    for client, key in ((staff, "staff"), (dsl, "dsl"), (admin, "admin")):
        sign_in(client, people[f"{key}_email"])
    admin.post(f"/admin/users/{people['staff']}/deactivate")
    assert not _signed_in(staff)
    with app.app_context():
        person = db.session.get(User, people["dsl"])
        data = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email,
                "role": "staff", "school": str(person.school_id), "staff_group": "0", "extra_time_pct": "0"}
    assert admin.post(f"/admin/users/{people['dsl']}", data=data).status_code == 302
    assert not _signed_in(dsl) and _signed_in(admin)


def test_one_query_finds_the_session_and_last_seen_is_written_at_most_once_a_minute(
        app: Flask, people: dict, clock: Clock, queries: Callable) -> None:
    if _redis(app) is not None:
        pytest.skip("the database store's query; the Redis store has its own test below")
    _limits(app, idle_minutes=120, max_hours=12)  # the settings row exists, as it does after the first page
    client = _browser(app)
    sign_in(client, people["staff_email"])
    client.get("/training")
    with queries() as seen:
        client.get("/account/")
    lookups = [s for s in seen if "user_session" in s]
    assert len(lookups) == 2  # the sign-in lookup, then the page's own list
    assert "user_session.token_hash = " in lookups[0] and "user_account" in lookups[0]
    assert not [s for s in seen if s.lstrip().upper().startswith("UPDATE")]
    assert "org_settings.session_idle_minutes" in lookups[0] and "org_settings.logo" not in lookups[0]
    assert not [s for s in seen if "FROM user_account" in s and "user_session" not in s]
    clock.advance(seconds=61)
    with queries() as seen:
        client.get("/training")
    assert len([s for s in seen if s.lstrip().upper().startswith("UPDATE USER_SESSION")]) == 1


def test_the_purge_command_deletes_only_sessions_that_have_run_out(app: Flask, people: dict, clock: Clock) -> None:
    _limits(app, idle_minutes=30, max_hours=12)
    with app.app_context():
        course_id = make_course(db.session, time_limit=60, questions=3).id
        db.session.commit()
    stale, quiz, fresh = _browser(app), _browser(app), _browser(app)
    sign_in(stale, people["staff_email"])
    sign_in(quiz, people["other_staff_email"])
    start_attempt(quiz, course_id)
    clock.advance(minutes=31)
    sign_in(fresh, people["dsl_email"])
    result = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "Deleted 1 ended session." in result.output
    left = {key for key in ("staff", "other_staff", "dsl") if _sessions_of(app, people[key])}
    assert left == {"other_staff", "dsl"}  # the quiz keeps its session until the deadline


def test_the_redis_store_loads_the_person_by_key_in_one_query_and_touches_once_a_minute(
        app: Flask, people: dict, clock: Clock, queries: Callable) -> None:
    kept = _redis(app)
    if kept is None:
        pytest.skip("the Redis store's lookup; the database store has its own test above")
    _limits(app, idle_minutes=120, max_hours=12)
    client = _browser(app)
    sign_in(client, people["staff_email"])
    client.get("/training")
    with queries() as seen:
        client.get("/training")
    assert not [s for s in seen if "user_session" in s]
    person = [s for s in seen if "FROM user_account" in s]
    assert "user_account.id = " in person[0] and "org_settings.session_idle_minutes" in person[0]
    assert "org_settings.logo" not in person[0]
    [before] = _sessions_of(app, people["staff"])
    clock.advance(seconds=30)
    client.get("/training")
    assert _sessions_of(app, people["staff"])[0].last_seen_at == before.last_seen_at
    clock.advance(seconds=31)
    client.get("/training")
    assert _sessions_of(app, people["staff"])[0].last_seen_at == clock.now


def test_erasing_a_person_ends_their_sessions_in_either_store(
        app: Flask, people: dict, clock: Clock) -> None:
    staff, admin = _browser(app), _browser(app)
    sign_in(staff, people["staff_email"])
    sign_in(admin, people["admin_email"])
    done = admin.post(f"/admin/users/{people['staff']}/erase", data={"reason": "Added by mistake"})
    assert done.status_code == 302
    assert not _signed_in(staff) and _sessions_of(app, people["staff"]) == []
    kept = _redis(app)
    if kept is not None:
        assert not kept.client.exists(f"{kept.prefix}person:{people['staff']}:sessions")
