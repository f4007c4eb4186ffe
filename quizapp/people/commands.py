"""`flask sessions ...`: housekeeping of sign-in sessions."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..config import now
from ..extensions import db
from .sessions import purge_expired

sessions_cli = AppGroup("sessions", help="Sign-in sessions.")


@sessions_cli.command("purge")
def sessions_purge() -> None:
    """Delete sessions that have run out (they are refused anyway; this keeps the table small). Run daily."""
    count = purge_expired(db.session, now())
    db.session.commit()
    click.echo(f"Deleted {count} ended session{'' if count == 1 else 's'}.")
