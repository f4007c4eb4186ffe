"""Adding a policy and publishing its versions: validated, shared by the admin screen and any command."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Policy, PolicyVersion, StaffGroup, User
from ..models.policies import DAYS_MAX
from .documents import Document


class PolicyError(ValueError):
    """Bad policy input; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class PolicyInput:
    """What an admin sets on a policy."""

    title: str
    owner: str
    all_staff: bool
    days_to_acknowledge: int
    review_by: date
    group_ids: list[int] = field(default_factory=list)


@dataclass
class VersionInput:
    """What an admin sets on a new version; the document is checked before (see documents.py)."""

    label: str
    effective_on: date
    document: Document
    material: bool = True
    note: str = ""


def _check_policy(session: Session, data: PolicyInput, policy: Policy | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    title = data.title.strip()
    clash = session.scalar(select(Policy.id).where(func.lower(Policy.title) == title.lower()))
    if not title:
        errors["title"] = "Enter a title."
    elif len(title) > 200:
        errors["title"] = "Use at most 200 characters."
    elif clash is not None and (policy is None or clash != policy.id):
        errors["title"] = "Another policy already has this title."
    if not data.owner.strip():
        errors["owner"] = "Enter who owns the policy (a person or role, such as the headteacher)."
    if not 1 <= data.days_to_acknowledge <= DAYS_MAX:
        errors["days_to_acknowledge"] = f"Enter a whole number of days from 1 to {DAYS_MAX}."
    if not data.all_staff and not data.group_ids:
        errors["groups"] = "Choose at least one staff group, or choose all staff."
    return errors


def _check_version(policy: Policy | None, data: VersionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    label = data.label.strip()
    if not label:
        errors["label"] = "Enter a version label, such as 1.0 or September 2026."
    elif len(label) > 40:
        errors["label"] = "Use at most 40 characters."
    elif policy is not None and any(v.label.lower() == label.lower() for v in policy.versions):
        errors["label"] = f"This policy already has a version {label}: give the new one another label."
    if policy is not None and policy.versions and not data.material and not data.note.strip():
        errors["note"] = "Say why staff need not read it again (for example: typing errors corrected)."
    return errors


def _apply_policy(session: Session, policy: Policy, data: PolicyInput) -> None:
    policy.title, policy.owner = data.title.strip(), data.owner.strip()
    policy.all_staff, policy.days_to_acknowledge, policy.review_by = (
        data.all_staff, data.days_to_acknowledge, data.review_by)
    groups = [] if data.all_staff else list(session.scalars(
        select(StaffGroup).where(StaffGroup.id.in_(data.group_ids)).order_by(StaffGroup.name)))
    policy.required_for = groups


def _new_version(policy: Policy, data: VersionInput, by: User | None, now: datetime) -> PolicyVersion:
    previous = policy.latest
    number = previous.number + 1 if previous else 1
    # The first version always needs reading; after that only a material change restarts the acknowledgements.
    material = data.material or previous is None
    doc = data.document
    return PolicyVersion(policy=policy, number=number, basis_number=number if material or previous is None
                         else previous.basis_number, label=data.label.strip(), effective_on=data.effective_on,
                         kind=doc.kind, document=doc.data, markdown=doc.text, sha256=doc.sha256, size=doc.size,
                         material=material, note=data.note.strip(), published_at=now,
                         published_by_id=by.id if by else None)


def create_policy(session: Session, data: PolicyInput, first: VersionInput, by: User | None,
                  now: datetime) -> Policy:
    """Add a policy with its first version; every problem with either is raised together, nothing is saved."""
    errors = _check_policy(session, data, None) | _check_version(None, first)
    if errors:
        raise PolicyError(errors)
    policy = Policy(created_at=now)
    _apply_policy(session, policy, data)
    session.add(policy)
    session.add(_new_version(policy, first, by, now))
    session.flush()
    return policy


def update_policy(session: Session, policy: Policy, data: PolicyInput) -> Policy:
    """Change a policy's title, owner, readers, days or review date (its versions stay as published)."""
    errors = _check_policy(session, data, policy)
    if errors:
        raise PolicyError(errors)
    _apply_policy(session, policy, data)
    session.flush()
    return policy


def publish_version(session: Session, policy: Policy, data: VersionInput, by: User | None,
                    now: datetime) -> PolicyVersion:
    """Publish a new version: material means everyone reads it again; minor carries acknowledgements over."""
    errors = _check_version(policy, data)
    if errors:
        raise PolicyError(errors)
    version = _new_version(policy, data, by, now)
    session.add(version)
    session.flush()
    return version
