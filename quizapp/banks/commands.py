"""`flask banks ...`: validate, import and export question banks."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..config import now as current_now
from ..extensions import db
from ..models import QuestionBank
from .editions import edition_problems, needs_edition, record_edition
from .formats import FORMATS, format_from_filename, read_bank, write_bank
from .loader import load_bank_dir, load_bank_file
from .schema import BankInvalid, BankSpec
from .store import apply_import, spec_from_db

SHIPPED = Path(__file__).resolve().parent.parent.parent / "question_banks"
banks_cli = AppGroup("banks", help="Validate, import and export question banks.")


def _load_yaml(paths: tuple[str, ...]) -> list[BankSpec]:
    """Load every bank named (files or folders; default: the shipped banks); all problems raised together."""
    banks, errors = [], []
    for raw in paths or (str(SHIPPED),):
        path = Path(raw)
        try:
            banks.extend(load_bank_dir(path) if path.is_dir() else [load_bank_file(path)])
        except BankInvalid as exc:
            errors.extend(exc.errors)
    if errors:
        raise BankInvalid(errors)
    return banks


def _fail(exc: BankInvalid) -> None:
    for error in exc.errors:
        click.echo(str(error), err=True)
    click.echo(f"{len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''} found; nothing was imported.",
               err=True)
    sys.exit(1)


@banks_cli.command("validate")
@click.argument("paths", nargs=-1)
def banks_validate(paths: tuple[str, ...]) -> None:
    """Check bank files (default: all of question_banks/); exit 1 on any problem."""
    try:
        banks = _load_yaml(paths)
    except BankInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    total = sum(len(bank.questions) for bank in banks)
    click.echo(f"{len(banks)} bank{'s' if len(banks) != 1 else ''}, {total} questions: all valid.")


def _read_other(path: str, fmt: str, bank_id: str | None, title: str | None, skip: bool) -> list[BankSpec]:
    if not bank_id or not title:
        raise click.UsageError(f"importing {fmt} needs --bank-id and --title")
    result = read_bank(Path(path).read_text(encoding="utf-8"), fmt, filename=Path(path).name, bank_id=bank_id,
                       title=title, skip_unsupported=skip)
    click.echo(result.summary())
    for kind, items in (("draft", result.drafts), ("left out", result.skipped), ("note", result.notes)):
        for item in items:
            click.echo(f"{kind}: {item}", err=kind == "left out")
    return [result.bank]



@banks_cli.command("import")
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file extension.")
@click.option("--bank-id", help="Bank id for GIFT, Moodle XML and Aiken files.")
@click.option("--title", help="Bank title for GIFT, Moodle XML and Aiken files.")
@click.option("--skip-unsupported", is_flag=True, help="Import the rest when some question types are unsupported.")
@click.option("--material/--not-material", default=None,
              help="Whether a new edition of a bank in use is a material change (default: not material).")
@click.option("--what-changed", default="", help='A short "What changed" note for staff (needed with --material).')
def banks_import(paths: tuple[str, ...], fmt: str | None, bank_id: str | None, title: str | None,
                 skip_unsupported: bool, material: bool | None, what_changed: str) -> None:
    """Import banks (default: question_banks/); unchanged questions stay, changed ones get a new version."""
    try:
        formats = {fmt or (format_from_filename(p) if Path(p).is_file() else "yaml") for p in paths or ("x.yaml",)}
        if formats - {"yaml"}:
            banks = [bank for p in paths for bank in _read_other(p, fmt or format_from_filename(p), bank_id, title,
                                                                 skip_unsupported)]
        else:
            banks = _load_yaml(paths)
    except BankInvalid as exc:
        _fail(exc)
        return
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    _apply_all(banks, bool(material), what_changed)


def _apply_all(banks: list[BankSpec], material: bool, what_changed: str) -> None:
    """Apply every bank (all or nothing), logging each new edition of a bank in use as material or not."""
    problems = edition_problems(material, what_changed)
    if problems:
        raise click.UsageError(" ".join(message for _name, message in problems))
    now = current_now()
    for bank in banks:
        report = apply_import(db.session, bank, now)
        line = report.summary()
        if needs_edition(report):
            edition = record_edition(db.session, report, material=material, what_changed=what_changed, now=now)
            line += (f"; material: update required by {edition.update_required_by}" if material
                     else "; recorded as not material")
        click.echo(line)
    db.session.commit()


@banks_cli.command("export")
@click.argument("bank_id")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="yaml", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Default: standard output.")
def banks_export(bank_id: str, fmt: str, output: str | None) -> None:
    """Write a bank's live questions as YAML, GIFT, Moodle XML or Aiken."""
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == bank_id))
    if bank is None:
        raise click.ClickException(f"No bank with the id '{bank_id}'.")
    try:
        text = write_bank(spec_from_db(db.session, bank), fmt)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {bank_id} as {fmt} to {output}.")
    else:
        click.echo(text, nl=False)


@banks_cli.command("review-alerts")
def banks_review_alerts() -> None:
    """E-mail admins about banks due for review (a month before review_by, and on it); safe to run daily."""
    from ..config import now
    from ..notify.bank_reviews import send_bank_review_alerts

    summary = send_bank_review_alerts(db.session, now())
    db.session.commit()
    click.echo(summary.describe())
    for email, problem in summary.failures:
        click.echo(f"  not sent to {email}: {problem}", err=True)
    if summary.failures:
        sys.exit(1)
