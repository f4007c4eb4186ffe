"""Reading and acknowledging a policy: what a person must read, and recording their declaration."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ..models import Policy, PolicyAcknowledgement, PolicyVersion, Role, User
from .standing import PolicyBook, PolicyCell, PolicyStatus, acknowledgements, in_effect, status_for

_AHEAD = timedelta(seconds=1)  # "by now" includes this very second


class AcknowledgeRefused(ValueError):
    """The declaration cannot be recorded; the message says why."""


@dataclass(frozen=True)
class ToRead:
    """A policy as one person sees it on My training: the version to read and where they stand."""

    policy: Policy
    version: PolicyVersion
    cell: PolicyCell


def version_to_read(policy: Policy, now: datetime) -> PolicyVersion | None:
    """The version in effect today, or before the first takes effect the one coming."""
    return in_effect(policy, now.date()) or policy.latest


def must_read(book: PolicyBook, policy: Policy, user: User) -> bool:
    """Whether this person is among those who must read the policy."""
    return book.required(policy, user.staff_group_id) and policy.id in {p.id for p in book.columns}


def may_open(book: PolicyBook, policy: Policy, user: User) -> bool:
    """Readers, DSLs and admins may open a policy's page and document; nobody else learns it exists."""
    return user.has_role(Role.DSL, Role.ADMIN) or must_read(book, policy, user)


def to_read(session: Session, book: PolicyBook, user: User, now: datetime) -> list[ToRead]:
    """Every policy this person must read with their standing, those needing action first: one query."""
    joined, acked = acknowledgements(session, [user.id], now + _AHEAD)
    lines = []
    for policy in book.columns:
        version = version_to_read(policy, now)
        if version is None or not must_read(book, policy, user):
            continue
        cell = status_for(policy, in_effect(policy, now.date()), acked.get((user.id, policy.id)),
                          joined.get(user.id, now.date()), now.date())
        lines.append(ToRead(policy, version, cell))
    return sorted(lines, key=lambda line: (line.cell.status is PolicyStatus.ACKNOWLEDGED, line.policy.title))


def acknowledge(session: Session, user: User, version: PolicyVersion, sha256: str,
                now: datetime) -> tuple[PolicyAcknowledgement, bool]:
    """Record that the person read and understood this version, with the SHA-256 of what they were shown.

    Refused when the version is not the one to read or the document changed since the page was shown; a
    repeat returns the earlier record (and False), so a double click stores one.
    """
    if version_to_read(version.policy, now) is not version:
        raise AcknowledgeRefused("A newer version of this policy has been published: read it, then confirm.")
    if sha256 != version.sha256:
        raise AcknowledgeRefused("The document changed while you were reading it: read it again, then confirm.")
    earlier = _earlier(session, user, version)
    if earlier is not None:
        return earlier, False
    ack = PolicyAcknowledgement(user_id=user.id, version_id=version.id, at=now, sha256=version.sha256)
    try:
        with session.begin_nested():
            session.add(ack)
    except IntegrityError:
        # Two tabs confirmed at the same moment: the database let one win, and that one stands.
        earlier = _earlier(session, user, version)
        if earlier is None:
            raise
        return earlier, False
    return ack, True


def _earlier(session: Session, user: User, version: PolicyVersion) -> PolicyAcknowledgement | None:
    return session.scalar(select(PolicyAcknowledgement).where(
        PolicyAcknowledgement.user_id == user.id, PolicyAcknowledgement.version_id == version.id))


def history(session: Session, user_id: int) -> list[PolicyAcknowledgement]:
    """Every acknowledgement the person made, newest first (older versions stay in the history)."""
    return list(session.scalars(select(PolicyAcknowledgement).where(PolicyAcknowledgement.user_id == user_id)
                                .options(joinedload(PolicyAcknowledgement.version).joinedload(PolicyVersion.policy))
                                .order_by(PolicyAcknowledgement.at.desc(), PolicyAcknowledgement.id.desc())))
