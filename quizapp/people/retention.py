"""Retention of leavers: who is past the school's retention period, and the run that anonymises them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import OrgSettings, User
from .erasure import anonymise


@dataclass
class RetentionRun:
    """What one run found and did: the people past retention and the records changed, by kind."""

    years: int
    cutoff: datetime
    people: list[tuple[int, str, datetime]] = field(default_factory=list)  # id, name, deactivated at
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def describe(self) -> str:
        """One line for the command's output."""
        n = len(self.people)
        noun = "person" if n == 1 else "people"
        verb = "would be anonymised" if self.dry_run else "anonymised"
        return (f"{n} {noun} deactivated before {self.cutoff:%d %B %Y} (more than {self.years} "
                f"year{'' if self.years == 1 else 's'} ago) {verb}.")


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` calendar years earlier (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def past_retention(session: Session, now: datetime, years: int) -> list[User]:
    """Deactivated people not yet anonymised whose deactivation is more than `years` years before `now`."""
    cutoff = years_before(now, years)
    return list(session.scalars(select(User).where(
        User.active.is_(False), User.anonymised_at.is_(None), User.deactivated_at.is_not(None),
        User.deactivated_at < cutoff).order_by(User.deactivated_at, User.id)))


def apply_retention(session: Session, now: datetime, *, dry_run: bool = False) -> RetentionRun:
    """Anonymise everyone past the retention setting (flush only; the caller commits); audited with counts.

    The daily task and `flask retention apply` both call this; a dry run changes nothing and records nothing.
    """
    years = OrgSettings.current(session).retention_years
    run = RetentionRun(years=years, cutoff=years_before(now, years), dry_run=dry_run)
    for person in past_retention(session, now, years):
        run.people.append((person.id, person.full_name, person.deactivated_at or now))
        if dry_run:
            continue
        result = anonymise(session, person, now)
        record(session, None, "user.anonymise", f"user:{person.id}", subject=person.id, reason="retention",
               retention_years=years, counts=result.counts)
        for kind, number in result.counts.items():
            run.counts[kind] = run.counts.get(kind, 0) + number
    if not dry_run:
        record(session, None, "retention.apply", "retention", people=len(run.people), retention_years=years,
               cutoff=run.cutoff.isoformat(), counts=run.counts)
    return run
