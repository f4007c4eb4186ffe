"""`flask policies ...`: e-mail admins about policies coming up for review."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..extensions import db

policies_cli = AppGroup("policies", help="Policies staff must read and acknowledge.")


@policies_cli.command("review-alerts")
def policies_review_alerts() -> None:
    """E-mail admins two months, one month and one week before each policy's review-by date and on it."""
    from ..config import now
    from ..notify.policy_reviews import send_policy_review_alerts

    summary = send_policy_review_alerts(db.session, now())
    db.session.commit()
    click.echo(summary.describe())
    for email, problem in summary.failures:
        click.echo(f"  not sent to {email}: {problem}", err=True)
    if summary.failures:
        sys.exit(1)
