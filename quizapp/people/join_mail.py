"""Telling a newcomer how their request to join went, through the mail outbox."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..models import JoinRequest, OrgSettings
from ..notify.outbox import queue_mail


@dataclass
class Newcomer:
    """Who asked to join, as the mail addresses them (a rejected request has no account)."""

    email: str
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


def tell_newcomer(session: Session, request: JoinRequest, *, sign_in_url: str, by_provider: bool,
                  now: datetime) -> str | None:
    """Queue the approval or rejection e-mail for a decided request (flush only); None, or why it cannot go."""
    approved = request.user_id is not None
    org = OrgSettings.current(session).org_name
    to = Newcomer(request.email, request.first_name, request.last_name)
    subject = (f"You can now sign in to {org} safeguarding training" if approved
               else f"Your request to join {org} safeguarding training")
    return queue_mail(session, "join_approved" if approved else "join_rejected", subject, to,
                      kind="join_approved" if approved else "join_rejected", now=now, user_id=request.user_id,
                      org=org, school=request.link.school.name, sign_in_url=sign_in_url, by_provider=by_provider,
                      reason=request.reason)
