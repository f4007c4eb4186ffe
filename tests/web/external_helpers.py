"""Posting the "training done elsewhere" forms from the Flask test client."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from ..evidence_files import small_pdf


def training_form(evidence: bytes | None = None, name: str = "certificate.pdf", **fields: Any) -> dict[str, Any]:
    """The form's fields (a Level 3 course on 1 October 2026, 6.5 hours) with a PDF unless told otherwise."""
    data: dict[str, Any] = {"title": "Level 3 DSL training", "provider": "County council",
                            "completed_on": "2026-10-01", "hours": "6.5", "expires_on": "", "course": ""}
    data.update(fields)
    data["evidence"] = (io.BytesIO(small_pdf() if evidence is None else evidence), name)
    return data


def post_training(client: FlaskClient, url: str = "/training-elsewhere/new", **kwargs: Any):
    """Post the form as multipart, as a browser does."""
    return client.post(url, data=training_form(**kwargs), content_type="multipart/form-data")


def external_record(session, person, course_id: int | None, completed, expires=None, *, decider=None,
                    decided_at=None, title: str = "County Level 2 course", minutes: int = 120):
    """A record made through the domain's operations; approved by `decider` at `decided_at` when given."""
    from quizapp.training.records import TrainingDetails, approve, record_training

    details = TrainingDetails(title=title, provider="County council", completed_on=completed, minutes=minutes,
                              expires_on=expires, course_id=course_id)
    moment = decided_at or datetime(completed.year, completed.month, completed.day, 12, tzinfo=UTC)
    row = record_training(session, person, details, None, person, moment)
    if decider is not None:
        approve(session, row, decider, moment)
    return row
