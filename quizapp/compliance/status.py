"""The status of one person on one course, as a pure function of dates."""
from __future__ import annotations

import enum
from datetime import date, timedelta


class Status(enum.StrEnum):
    """Where a person stands on a course."""

    COMPLIANT = "compliant"
    DUE_SOON = "due_soon"
    EXPIRED = "expired"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    NOT_REQUIRED = "not_required"


LABELS = {
    Status.COMPLIANT: "Compliant",
    Status.DUE_SOON: "Due soon",
    Status.EXPIRED: "Expired",
    Status.IN_PROGRESS: "In progress",
    Status.NOT_STARTED: "Not started",
    Status.NOT_REQUIRED: "Not required",
}
TAGS = {Status.COMPLIANT: "ok", Status.DUE_SOON: "warn", Status.EXPIRED: "bad", Status.IN_PROGRESS: "warn",
        Status.NOT_STARTED: "bad", Status.NOT_REQUIRED: "none"}


def status_for(valid_until: date | None, in_progress: bool, today: date, due_soon_days: int,
               required: bool = True) -> Status:
    """A valid certificate beats everything; a lapsed one stays "expired" even while a retake is under way."""
    if valid_until is not None and valid_until >= today:
        return Status.DUE_SOON if valid_until <= today + timedelta(days=due_soon_days) else Status.COMPLIANT
    if not required:
        return Status.NOT_REQUIRED
    if valid_until is not None:
        return Status.EXPIRED
    return Status.IN_PROGRESS if in_progress else Status.NOT_STARTED
