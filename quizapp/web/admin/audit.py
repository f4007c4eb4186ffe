"""The audit trail screen."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, select

from ...extensions import db
from ...models import AuditEvent, Role
from ..permissions import allow
from . import bp

PAGE_SIZE = 50


@bp.route("/audit")
@allow(Role.ADMIN)
def audit() -> str:
    """List audit events, newest first, filtered by action prefix."""
    action = request.args.get("action", "").strip()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = db.session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/audit.html", events=events, action=action, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), total=total)
