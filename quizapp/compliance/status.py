"""The status of one person on one course, as a pure function of dates."""
from __future__ import annotations

import enum
from datetime import date, timedelta


class Status(enum.StrEnum):
    """Where a person stands on a course."""

    COMPLIANT = "compliant"
    DUE_SOON = "due_soon"
    # A current pass made before a material bank edition: covered until `update_required_by`, then not.
    UPDATE_REQUIRED = "update_required"
    UPDATE_OVERDUE = "update_overdue"
    EXPIRED = "expired"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    NOT_REQUIRED = "not_required"


LABELS = {
    Status.COMPLIANT: "Compliant",
    Status.DUE_SOON: "Due soon",
    Status.UPDATE_REQUIRED: "Update required",
    Status.UPDATE_OVERDUE: "Update overdue",
    Status.EXPIRED: "Expired",
    Status.IN_PROGRESS: "In progress",
    Status.NOT_STARTED: "Not started",
    Status.NOT_REQUIRED: "Not required",
}
TAGS = {Status.COMPLIANT: "ok", Status.DUE_SOON: "warn", Status.UPDATE_REQUIRED: "warn", Status.UPDATE_OVERDUE: "bad",
        Status.EXPIRED: "bad", Status.IN_PROGRESS: "warn", Status.NOT_STARTED: "bad", Status.NOT_REQUIRED: "none"}


def status_for(valid_until: date | None, in_progress: bool, today: date, due_soon_days: int,
               required: bool = True, update_by: date | None = None) -> Status:
    """A valid certificate beats everything; a lapsed one stays "expired" even while a retake is under way.

    `update_by` is the deadline of an update quiz the valid pass still owes (engine.updates.owed_update): until
    that day ends the person is "Update required" and still covered; after it "Update overdue", not covered,
    because the school then knows the person has not learnt what changed.
    """
    if valid_until is not None and valid_until >= today:
        if update_by is not None:
            return Status.UPDATE_REQUIRED if update_by >= today else Status.UPDATE_OVERDUE
        return Status.DUE_SOON if valid_until <= today + timedelta(days=due_soon_days) else Status.COMPLIANT
    if not required:
        return Status.NOT_REQUIRED
    if valid_until is not None:
        return Status.EXPIRED
    return Status.IN_PROGRESS if in_progress else Status.NOT_STARTED
