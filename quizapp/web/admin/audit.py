"""The audit trail screen."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import Select, false, func, or_, select

from ...extensions import db
from ...models import AuditEvent, Role
from ...people.accounts import find_by_email
from ..permissions import allow
from . import bp

PAGE_SIZE = 50


def _about_person(query: Select[AuditEvent], email: str) -> tuple[Select[AuditEvent], str | None]:
    """Narrow to events about the person with this email: their subject, or older events naming them."""
    person = find_by_email(db.session, email)
    if person is None:
        return query.where(false()), f"Person: nobody has the email {email}. Check it and try again."
    return query.where(or_(AuditEvent.subject_id == person.id, AuditEvent.target == f"user:{person.id}")), None


@bp.route("/audit")
@allow(Role.ADMIN)
def audit() -> str:
    """List audit events, newest first, filtered by action prefix and by the person they are about."""
    action = request.args.get("action", "").strip()
    person = request.args.get("person", "").strip()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query, problem = select(AuditEvent), None
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if person:
        query, problem = _about_person(query, person)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/audit.html", events=events, action=action, person=person, problem=problem, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), total=total)
