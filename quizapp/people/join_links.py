"""Join links: a DSL hands one out, an adult without a school account asks to join, the DSL decides."""
from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import JoinLink, School, StaffGroup, User
from ..models.join import JOIN_USES_MAX
from .fields import AccountError, clean_name

SALT = "quizapp.join-link"
MAX_DAYS = 366


class LinkState(enum.StrEnum):
    """Why a join link can or cannot be used, in the words the page shows."""

    OPEN = "open"
    UNKNOWN = "This join link is not valid. Check you have the whole address, or ask the school for a new one."
    REVOKED = "This join link has been withdrawn. Ask the school's safeguarding lead for a new one."
    EXPIRED = "This join link has expired. Ask the school's safeguarding lead for a new one."
    USED_UP = ("This join link has been used as many times as it allows. "
               "Ask the school's safeguarding lead for a new one.")


@dataclass
class LinkInput:
    """What a DSL sets on a new link."""

    school_id: int
    staff_group_id: int | None
    days: int
    max_uses: int | None
    label: str = ""


def link_token(secret_key: str, link: JoinLink) -> str:
    """The signed token in the link's address (recomputed for the poster; never stored)."""
    return str(URLSafeSerializer(secret_key, salt=SALT).dumps(link.public_id))


def link_state(link: JoinLink | None, now: datetime) -> LinkState:
    """Whether the link may be used now, and if not why."""
    if link is None:
        return LinkState.UNKNOWN
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    if link.max_uses is not None and link.uses >= link.max_uses:
        return LinkState.USED_UP
    return LinkState.OPEN


def find_link(session: Session, secret_key: str, token: str) -> JoinLink | None:
    """The link a token names, or None when the signature does not hold or the link is gone."""
    try:
        public_id = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(public_id, str):
        return None
    return session.scalar(select(JoinLink).where(JoinLink.public_id == public_id))


def create_link(session: Session, data: LinkInput, actor: User, now: datetime) -> JoinLink:
    """Add a join link for a school and staff group (flush only); raises AccountError naming the field."""
    if not 1 <= data.days <= MAX_DAYS:
        raise AccountError("days", f"Enter a number of days from 1 to {MAX_DAYS}.")
    if data.max_uses is not None and not 1 <= data.max_uses <= JOIN_USES_MAX:
        raise AccountError("max_uses", f"Enter a limit from 1 to {JOIN_USES_MAX}, or leave it empty for no limit.")
    if session.get(School, data.school_id) is None:
        raise AccountError("school", "Choose a school.")
    if data.staff_group_id is not None and session.get(StaffGroup, data.staff_group_id) is None:
        raise AccountError("staff_group", "Choose a staff group.")
    link = JoinLink(public_id=secrets.token_urlsafe(16), label=clean_name("label", data.label or "Join link"),
                    school_id=data.school_id, staff_group_id=data.staff_group_id, created_by_id=actor.id,
                    created_at=now, expires_at=now + timedelta(days=data.days), max_uses=data.max_uses)
    session.add(link)
    session.flush()
    record(session, actor, "join_link.create", f"join_link:{link.id}", school_id=link.school_id,
           days=data.days, max_uses=data.max_uses)
    return link


def revoke_link(session: Session, link: JoinLink, actor: User, now: datetime) -> None:
    """Withdraw a link: it stops working at once; requests already made stay for the DSL to decide."""
    if link.revoked_at is None:
        link.revoked_at = now
        session.flush()
        record(session, actor, "join_link.revoke", f"join_link:{link.id}")
