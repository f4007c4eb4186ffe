"""`flask --app quizapp worker`: a Huey consumer that sends the outbox and runs the periodic tasks."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from .queue import get_huey


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker threads (default QUIZAPP_WORKERS, 2).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the periodic tasks (every minute, and the daily jobs).")
@with_appcontext
def worker_command(workers: int | None, periodic: bool) -> None:
    """Run the task queue's consumer until stopped (Ctrl+C or SIGTERM finish the tasks in hand first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug LocalProxy
    if app.config.get("QUEUE_IMMEDIATE"):
        raise click.ClickException("QUEUE_IMMEDIATE is set: tasks run where they are queued, not in a worker.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    huey = get_huey(app)
    count = workers or int(app.config.get("WORKERS") or 2)
    click.echo(f"Worker for queue {huey.name!r} with {count} thread{'' if count == 1 else 's'}.")
    # Mail left waiting by a worker that stopped (or was killed) goes out now, not at the next minute's sweep.
    huey.enqueue(huey.send_outbox.s())
    huey.create_consumer(workers=count, worker_type="thread", periodic=periodic, graceful_signal="TERM").run()
