"""`flask retention ...`: anonymise leavers past the school's retention period."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db

retention_cli = AppGroup("retention", help="Keep leavers' records only as long as the retention setting says.")


@retention_cli.command("apply")
@click.option("--dry-run", is_flag=True, help="List who would be anonymised; change nothing and record nothing.")
def retention_apply(dry_run: bool) -> None:
    """Anonymise everyone deactivated longer ago than the retention setting (idempotent; run daily)."""
    from ..config import now
    from .retention import apply_retention

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
