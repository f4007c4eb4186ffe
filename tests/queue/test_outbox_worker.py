"""The outbox against real consumers: the request only queues, workers send each message once, failures show."""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import OutboxMessage, ReminderLog

from ..conftest import sign_in
from ..smtp import Inbox
from .conftest import BOTH_STORAGES, Worker, staff_due, wait_for


def _send_now(app: Flask, dsl_email: str) -> tuple[str, float]:
    client = app.test_client()
    sign_in(client, dsl_email)
    started = time.monotonic()
    response = client.post("/dsl/reminders/", data={})
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"], elapsed


def _states(app: Flask) -> Counter[str]:
    with app.app_context():
        return Counter(dict(db.session.execute(select(OutboxMessage.state, func.count())
                                               .group_by(OutboxMessage.state)).all()))


@BOTH_STORAGES
def test_request_only_queues_and_the_worker_sends_each_once(queued_app: Flask, smtp: Inbox,
                                                             worker: Callable[..., Worker]) -> None:
    cast = staff_due(queued_app, 8)
    location, _elapsed = _send_now(queued_app, cast["dsl_email"])
    assert smtp.messages == []  # nothing is sent inside the request: no worker is running yet (timings: bench/)
    client = queued_app.test_client()
    sign_in(client, cast["dsl_email"])
    page = client.get(location).get_data(as_text=True)
    assert '<span data-count="waiting">8</span> waiting' in page and 'role="status"' in page
    with queued_app.app_context():  # the throttle is written with the messages, before any is sent
        assert db.session.scalar(select(func.count()).select_from(ReminderLog)) == 8
    process = worker(threads=2)
    wait_for(lambda: len(smtp.messages) >= 8, what="8 messages")
    wait_for(lambda: _states(queued_app) == Counter(sent=8), what="all marked sent")
    assert sorted(r[0] for r in smtp.recipients) == cast["emails"]
    with queued_app.app_context():  # bodies (which may hold a set-password link) are not kept once sent
        assert set(db.session.scalars(select(OutboxMessage.text_body))) == {""}
    status = client.get(location + "/status").get_json()
    assert status == {"total": 8, "sent": 8, "waiting": 0, "failed": 0, "done": True, "failures": []}
    process.stop()  # SIGTERM: a graceful stop
    assert process.process is not None and process.process.returncode == 0, process.process.returncode


def test_busy_server_is_retried_and_a_refused_address_is_shown_by_person(
        queued_app: Flask, smtp: Inbox, worker: Callable[..., Worker]) -> None:
    cast = staff_due(queued_app, 4)
    refused = cast["emails"][0]
    smtp.reject[refused] = f"550 5.1.1 <{refused}>: Recipient address rejected"
    smtp.busy = 3  # the first three messages get "451 try again later"
    location, _ = _send_now(queued_app, cast["dsl_email"])
    worker(threads=1)
    wait_for(lambda: _states(queued_app) == Counter(sent=3, failed=1), what="3 sent and 1 failed")
    assert sorted(r[0] for r in smtp.recipients) == cast["emails"][1:]
    with queued_app.app_context():
        attempts = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.attempts)).all())
        assert attempts[refused] == 1 and sum(attempts.values()) == 4 + 3  # each 451 cost one more try
        logs = db.session.execute(select(ReminderLog.user_id, ReminderLog.status)).all()
        assert (cast["ids"][refused], "failed") in logs  # the next run may remind them again
    client = queued_app.test_client()
    sign_in(client, cast["dsl_email"])
    page = client.get(location).get_data(as_text=True)
    assert "<caption>Could not be sent</caption>" in page and f"<td>{refused}</td>" in page
    assert "Recipient address rejected" in page and '<span data-count="failed">1</span>' in page


def test_two_consumers_never_send_the_same_message(queued_app: Flask, smtp: Inbox,
                                                   worker: Callable[..., Worker]) -> None:
    cast = staff_due(queued_app, 20)
    _send_now(queued_app, cast["dsl_email"])
    worker(threads=3)
    worker(threads=3)
    wait_for(lambda: _states(queued_app) == Counter(sent=20), what="20 sent")
    time.sleep(0.3)  # anything sent twice would have arrived by now
    assert sorted(r[0] for r in smtp.recipients) == cast["emails"]


@BOTH_STORAGES
def test_kill_9_mid_run_loses_nothing_and_duplicates_at_most_one_per_kill(
        queued_app: Flask, smtp: Inbox, worker: Callable[..., Worker]) -> None:
    cast = staff_due(queued_app, 24)
    _send_now(queued_app, cast["dsl_email"])
    for kills, after in enumerate((5, 14), start=1):
        process = worker(threads=1)
        wait_for(lambda after=after: len(smtp.messages) >= after, what=f"{after} messages")
        process.kill()
        assert len(smtp.messages) < 24 + kills
    worker(threads=1)
    wait_for(lambda: _states(queued_app) == Counter(sent=24), seconds=30, what="all 24 sent after the restarts")
    counts = Counter(r[0] for r in smtp.recipients)
    assert set(counts) == set(cast["emails"])  # nobody lost
    assert sum(counts.values()) - 24 <= 2 and max(counts.values()) <= 2  # at most one duplicate per kill


def test_rate_limit_holds_across_consumers(queued_app: Flask, smtp: Inbox, worker: Callable[..., Worker]) -> None:
    queued_app.config["MAIL_PER_MINUTE"] = 150  # one message every 0.4 s, whoever sends it
    cast = staff_due(queued_app, 6)
    _send_now(queued_app, cast["dsl_email"])
    worker(threads=2)
    worker(threads=2)
    wait_for(lambda: _states(queued_app) == Counter(sent=6), what="6 sent")
    # One send slot per 0.4 s, whoever claims it: six claims span more than four slot lengths (unlimited, the
    # two consumers claim all six within about 0.1 s). Arrival times jitter with the machine's load; claims do not.
    with queued_app.app_context():
        claimed = sorted(db.session.scalars(select(OutboxMessage.claimed_at)))
    assert len(smtp.messages) == 6 and (claimed[-1] - claimed[0]).total_seconds() > 4 * 0.4, claimed
