"""Staff: a policy's page (the document and the declaration), its PDF, and acknowledging it."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, HiddenField

from ...audit import record
from ...compliance.exports import slug
from ...config import now
from ...extensions import db
from ...models import Policy, PolicyVersion
from ...policies.acknowledge import (
    AcknowledgeRefused,
    ToRead,
    acknowledge,
    may_open,
    must_read,
    to_read,
    version_to_read,
)
from ...policies.standing import PolicyBook, load_book
from ..markdown import render_markdown
from ..permissions import SIGNED_IN, allow
from . import bp


class AcknowledgeForm(FlaskForm):
    """The declaration, and the SHA-256 of the document the page showed."""

    declared = BooleanField("I have read and understood this policy")
    sha256 = HiddenField()


def _open(policy_id: int) -> tuple[PolicyBook, Policy]:
    """The policy if this person may open it; anyone else gets 404, with no hint that it exists."""
    book = load_book(db.session)
    policy = book.find(policy_id)
    if policy is None or not may_open(book, policy, current_user):
        abort(404)
    return book, policy


def _standing(book: PolicyBook, policy: Policy) -> ToRead | None:
    return next((line for line in to_read(db.session, book, current_user, now()) if line.policy.id == policy.id),
                None)


@bp.route("/policies/<int:policy_id>")
@allow(SIGNED_IN)
def policy(policy_id: int) -> str:
    """The document (a PDF embedded with a download link, or a page) and the declaration to tick and confirm."""
    book, policy = _open(policy_id)
    version = version_to_read(policy, now())
    if version is None:
        abort(404)
    body = render_markdown(db.session.scalar(select(PolicyVersion.markdown).where(PolicyVersion.id == version.id))
                           or "") if version.kind == "markdown" else None
    form = AcknowledgeForm(sha256=version.sha256)
    form.declared.label.text = f"I have read and understood {policy.title}, version {version.label}"
    return render_template("staff/policy.html", policy=policy, version=version, body=body, form=form,
                           line=_standing(book, policy), reader=must_read(book, policy, current_user))


@bp.route("/policies/<int:policy_id>/versions/<int:version_id>/document")
@allow(SIGNED_IN)
def policy_document(policy_id: int, version_id: int) -> BaseResponse:
    """A version's PDF, as a PDF only (never as a page), to its readers, DSLs and admins."""
    _book, policy = _open(policy_id)
    version = db.session.scalar(select(PolicyVersion).options(undefer(PolicyVersion.document)).where(
        PolicyVersion.id == version_id, PolicyVersion.policy_id == policy.id, PolicyVersion.kind == "pdf"))
    if version is None or version.document is None:
        abort(404)
    disposition = "attachment" if request.args.get("download") else "inline"
    name = f"{slug(policy.title)}-{slug(version.label)}.pdf"
    return Response(version.document, mimetype="application/pdf", headers={
        "Content-Disposition": f'{disposition}; filename="{name}"', "X-Content-Type-Options": "nosniff",
        # Framed only by our own policy page; the PDF itself may load nothing.
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'", "X-Frame-Options": "SAMEORIGIN"})


@bp.route("/policies/<int:policy_id>/acknowledge", methods=["POST"])
@allow(SIGNED_IN)
def policy_acknowledge(policy_id: int) -> BaseResponse:
    """Record the declaration for the version shown, once; it is never changed or removed afterwards."""
    book, policy = _open(policy_id)
    version = version_to_read(policy, now())
    form = AcknowledgeForm()
    if version is None or not must_read(book, policy, current_user):
        abort(404)
    if not form.validate() or not form.declared.data:
        flash(f"Tick \"I have read and understood {policy.title}, version {version.label}\" to confirm.", "error")
        return redirect(url_for("staff.policy", policy_id=policy.id))
    try:
        ack, new = acknowledge(db.session, current_user, version, form.sha256.data or "", now())
    except AcknowledgeRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("staff.policy", policy_id=policy.id))
    if new:
        record(db.session, current_user, "policy.acknowledge", f"policy:{policy.id}", title=policy.title,
               version=version.label, sha256=ack.sha256, acknowledgement=ack.id)
    flash(f"Thank you: you have acknowledged {policy.title}, version {version.label}.", "success")
    return redirect(url_for("staff.my_training"))
