"""`flask sessions ...` and `flask retention ...`: housekeeping of sign-in sessions and of leavers' records."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..config import now
from ..extensions import db
from .retention import apply_retention
from .session_store import purge_expired

sessions_cli = AppGroup("sessions", help="Sign-in sessions.")
retention_cli = AppGroup("retention", help="Keep leavers' records only as long as the retention setting says.")


@sessions_cli.command("purge")
def sessions_purge() -> None:
    """Delete sessions that have run out (they are refused anyway; this keeps the table small). Run daily."""
    count = purge_expired(db.session, now())
    db.session.commit()
    click.echo(f"Deleted {count} ended session{'' if count == 1 else 's'}.")


@retention_cli.command("apply")
@click.option("--dry-run", is_flag=True, help="List who would be anonymised; change nothing and record nothing.")
def retention_apply(dry_run: bool) -> None:
    """Anonymise everyone deactivated longer ago than the retention setting (idempotent; run daily)."""
    run = apply_retention(db.session, now(), dry_run=dry_run)
    for person_id, name, deactivated in run.people:
        click.echo(f"  {name} (person {person_id}), deactivated {deactivated:%d %B %Y}")
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        for kind, number in sorted(run.counts.items()):
            click.echo(f"  {kind}: {number}")
    click.echo(run.describe())
