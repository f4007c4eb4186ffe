"""Publishing policies for the tests, through the admin screen or straight through the domain."""
from __future__ import annotations

from datetime import date, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from quizapp.models import Policy, User
from quizapp.policies.documents import check_markdown
from quizapp.policies.publish import PolicyInput, VersionInput, create_policy, publish_version

from .dsl_helpers import D0, T0

POLICY_TEXT = "# Keeping children safe\n\nEveryone who works with children **must** act on concerns at once.\n"


def policy_form(title: str = "Child protection policy", *, review_by: str = "2027-09-01", days: int = 14,
                label: str = "1.0", effective: str = D0.isoformat(), text: str = POLICY_TEXT,
                audience: str = "all", **extra: object) -> dict[str, object]:
    """The fields of the "Add a policy" form, as the browser posts them (Markdown by default)."""
    return {"title": title, "owner": "Headteacher", "audience": audience, "days_to_acknowledge": str(days),
            "review_by": review_by, "label": label, "effective_on": effective, "kind": "markdown",
            "markdown": text, **extra}


def publish_markdown(session: Session, by: User, title: str = "Child protection policy", *, days: int = 14,
                     effective: date = D0, groups: list[int] | None = None, at: datetime = T0,
                     review_by: date = date(2027, 9, 1)) -> Policy:
    """A Markdown policy published through the domain operation (for all staff unless groups are given)."""
    data = PolicyInput(title, "Headteacher", groups is None, days, review_by, groups or [])
    return create_policy(session, data, VersionInput("1.0", effective, check_markdown(POLICY_TEXT)), by, at)


def new_version(session: Session, policy: Policy, label: str, *, material: bool, note: str = "",
                effective: date = D0, at: datetime = T0, text: str = POLICY_TEXT) -> None:
    """Publish another Markdown version through the domain operation."""
    publish_version(session, policy, VersionInput(label, effective, check_markdown(text + label), material, note),
                    None, at)


def acknowledge_page(client: FlaskClient, policy_id: int, *, declared: bool = True):
    """Open the policy page and post its declaration with the SHA-256 the page carries; the response."""
    import re

    html = client.get(f"/policies/{policy_id}").get_data(as_text=True)
    sha = re.search(r'name="sha256"[^>]*value="([0-9a-f]{64})"', html) or re.search(
        r'value="([0-9a-f]{64})"[^>]*name="sha256"', html)
    assert sha, "no document SHA-256 on the policy page"
    data = {"sha256": sha.group(1), **({"declared": "y"} if declared else {})}
    return client.post(f"/policies/{policy_id}/acknowledge", data=data)
