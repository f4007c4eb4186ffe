"""My results and my certificates."""
from __future__ import annotations

import re
import unicodedata

from flask import Response, abort, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...audit import record
from ...certificates.issue import pdf_bytes
from ...config import now
from ...extensions import db
from ...models import Attempt, AttemptState, Certificate
from ..permissions import SIGNED_IN, allow, can_see_person
from . import bp


@bp.route("/results")
@allow(SIGNED_IN)
def my_results() -> str:
    """Every finished attempt with date, duration and score."""
    attempts = db.session.scalars(select(Attempt).options(joinedload(Attempt.course))
                                  .where(Attempt.user_id == current_user.id,
                                         Attempt.state == AttemptState.FINISHED.value)
                                  .order_by(Attempt.started_at.desc())).all()
    return render_template("staff/my_results.html", attempts=attempts)


@bp.route("/my-certificates")
@allow(SIGNED_IN)
def my_certificates() -> str:
    """The person's certificates, newest first, each with its status and a download link."""
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == current_user.id)
                                      .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
    return render_template("staff/my_certificates.html", certificates=certificates, today=now().date())


def download_name(cert: Certificate) -> str:
    """A readable, unique, ASCII-safe file name such as "QZ-2026-000012_Zoe-O-Suilleabhain_Doxing.pdf"."""
    def slug(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "certificate"

    return f"{cert.number}_{slug(cert.holder_name)}_{slug(cert.course_title)}.pdf"


@bp.route("/certificates/<int:certificate_id>/download")
@allow(SIGNED_IN)
def download_certificate(certificate_id: int) -> Response:
    """The stored PDF: the holder, their school's DSL, or an admin; recorded in the audit trail."""
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or not can_see_person(current_user, cert.user):
        abort(404)
    if cert.user.anonymised_at is not None:
        abort(404)  # the PDF printed the holder's name, so it was deleted with their records
    # Every download is recorded (each is a copy that leaves the system), with whose certificate it is.
    record(db.session, current_user, "certificate.download", f"certificate:{cert.number}", subject=cert.user_id)
    return Response(pdf_bytes(db.session, cert), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{download_name(cert)}"'})
