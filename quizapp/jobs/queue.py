"""The Huey instance, built from the app's settings the first time it is needed (never in create_app).

SQLite storage in the instance folder by default; Redis when QUIZAPP_REDIS_URL is set, so several consumers on
several machines share one queue. Tasks are registered on each instance and run inside the app's context.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..notify.outbox import WAKE
from .bulk import QUEUE as JOBS
from .bulk import forget_withdrawn, remove_withdrawn

KEY = "quizapp.huey"
log = logging.getLogger(__name__)


def build_huey(app: Flask) -> Huey:
    """A new Huey for this app's settings, with the app's tasks registered on it."""
    from .tasks import register_tasks

    name = str(app.config.get("QUEUE_NAME") or "quizapp")
    huey: Huey
    if app.config.get("QUEUE_IMMEDIATE"):  # only for tests that are not about the queue itself
        huey = MemoryHuey(name, immediate=True)
    elif app.config.get("REDIS_URL"):
        huey = RedisHuey(name, url=app.config["REDIS_URL"])
    else:
        path = Path(app.config.get("QUEUE_FILE") or Path(app.instance_path) / "queue.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(path))
    register_tasks(huey, app)
    return huey


def get_huey(app: Flask) -> Huey:
    """This app's Huey, built once."""
    if KEY not in app.extensions:
        app.extensions[KEY] = build_huey(app)
    huey: Huey = app.extensions[KEY]
    return huey


def wake_senders(app: Flask, count: int) -> None:
    """Ask for up to WORKERS sender tasks, enough to send `count` new messages side by side."""
    huey = get_huey(app)
    for _ in range(max(1, min(count, int(app.config.get("WORKERS") or 2)))):
        huey.enqueue(huey.send_outbox.s())  # set by register_tasks


def _after_commit(session: Session) -> None:
    count = session.info.pop(WAKE, 0)
    jobs = session.info.pop(JOBS, [])
    if not (count or jobs) or not has_app_context():
        return
    app: Any = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug LocalProxy
    for job_id in jobs:
        try:
            get_huey(app).enqueue(get_huey(app).run_job.s(job_id))
        except Exception:  # noqa: BLE001 - the row stays queued and its page says so
            log.exception("Could not queue bulk job %s", job_id)
    if not count:
        return
    try:
        wake_senders(app, count)
    except Exception:  # noqa: BLE001 - the rows are committed; the every-minute sweep will send them
        log.exception("Could not wake the mail senders; the next sweep will send the %s queued messages", count)


def _after_rollback(session: Session) -> None:
    session.info.pop(WAKE, None)
    session.info.pop(JOBS, None)


def init_app(app: Flask) -> None:
    """Wake the senders, queue bulk jobs and delete withdrawn files once the transaction commits."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        event.listen(Session, "after_commit", remove_withdrawn)
        event.listen(Session, "after_rollback", forget_withdrawn)
