"""Thin `flask` commands that call the same operations as the views."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import migrate
from .extensions import db
from .models import Role
from .people.accounts import NewUser, create_user
from .people.fields import AccountError

db_cli = AppGroup("db", help="Upgrade or downgrade the database schema (Alembic).")
users_cli = AppGroup("users", help="Manage people.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    migrate.upgrade(revision)
    click.echo(f"Database upgraded to {revision}.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back; 'base' for empty)."""
    migrate.downgrade(revision)
    click.echo(f"Database downgraded to {revision}.")


@db_cli.command("check")
def db_check() -> None:
    """Fail if the models and the migrations differ."""
    migrate.check()
    click.echo("Models and migrations match.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    migrate.revision(message)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, first_name: str, last_name: str, role: str, password_stdin: bool) -> None:
    """Create a person who can sign in."""
    password = _read_password(password_stdin)
    try:
        user = create_user(db.session, NewUser(email=email, first_name=first_name, last_name=last_name,
                                               role=role, password=password))
    except AccountError as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only seed when nobody exists yet (used by `make run`).")
def demo_command(if_empty: bool) -> None:
    """Seed a demo school with staff, a DSL and an admin (refused in production)."""
    from .config import base_url
    from .demo.school import DemoRefused, seed_demo

    try:
        message = seed_demo(db.session, current_app.instance_path, if_empty=if_empty,
                            production=current_app.config["QUIZAPP_ENV"] == "production",
                            base_url=base_url())
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(message)


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app."""
    from .banks.commands import banks_cli
    from .jobs.worker import worker_command
    from .people.commands import retention_cli, sessions_cli
    from .policies.commands import policies_cli

    for command in (db_cli, users_cli, attempts_cli, banks_cli, policies_cli, reminders_cli, retention_cli,
                    sessions_cli, demo_command, worker_command):
        app.cli.add_command(command)


attempts_cli = AppGroup("attempts", help="Quiz attempts.")


@attempts_cli.command("close-expired")
def attempts_close_expired() -> None:
    """Finalise every attempt left past its deadline (idempotent; the worker also does this every minute)."""
    from .certificates.issue import on_pass
    from .config import now
    from .quiz.attempts import close_expired

    count = close_expired(db.session, now(), on_pass)
    db.session.commit()
    click.echo(f"Closed {count} expired attempt{'' if count == 1 else 's'}.")


# --- reminders (people and notify) -------------------------------------------------------------------------------
reminders_cli = AppGroup("reminders", help="E-mail reminders about training that is due.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List who would be e-mailed; send nothing and log nothing.")
def reminders_send(dry_run: bool) -> None:
    """Queue a reminder for each person due, expired or not started (at most weekly per course) and DSL digests."""
    from .config import base_url, now
    from .models import OrgSettings
    from .notify.reminder_queue import send_plan
    from .notify.reminders import plan_reminders, planned_summary

    moment, settings = now(), OrgSettings.current(db.session)
    plan = plan_reminders(db.session, moment, settings.due_soon_days)
    if dry_run:
        for person in plan.learners:
            lines = [f"{c.title} ({c.describe()})" for c in person.courses] + [
                f"{p.title} ({p.describe()})" for p in person.policies]
            click.echo(f"  {person.email}: " + "; ".join(lines))
        for digest in plan.digests:
            click.echo(f"  DSL digest to {digest.dsl.email}: {len(digest.people)} at {digest.school_name}")
        db.session.rollback()
        click.echo(planned_summary(plan).describe(dry_run=True))
        return
    summary = send_plan(db.session, plan, now=moment, base_url=base_url(), org=settings.org_name)
    db.session.commit()
    click.echo(summary.describe() + " The worker sends them (flask --app quizapp worker).")
    for email, problem in summary.failures:
        click.echo(f"  not sent to {email}: {problem}", err=True)
    if summary.failures:
        sys.exit(1)
