"""Template context: organisation name and the navigation for the signed-in person's role."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask, g, request, url_for
from flask_login import current_user

from ..certificates.status import certificate_status
from ..engine.timing import describe_duration
from ..extensions import db
from ..models import OrgSettings

# (endpoint, label, roles): the main navigation, each entry shown to the roles that may open it.
NAV = [
    ("staff.my_training", "My training", {"staff", "dsl", "admin"}),
    ("staff.my_results", "My results", {"staff", "dsl", "admin"}),
    ("staff.my_certificates", "My certificates", {"staff", "dsl", "admin"}),
    ("dsl.dashboard", "Compliance", {"dsl", "admin"}),
    ("external.queue", "Training to approve", {"dsl", "admin"}),
    ("dsl.item_analysis", "Common mistakes", {"dsl"}),
    ("join.links", "Join links", {"dsl", "admin"}),
    ("admin.users", "Users", {"admin"}),
    ("admin.courses", "Courses", {"admin"}),
    ("admin.policies", "Policies", {"admin"}),
    ("admin.banks", "Question banks", {"admin"}),
    ("admin.certificates", "Certificates", {"dsl", "admin"}),
    ("admin.settings", "Settings", {"admin"}),
    ("admin.sign_in_settings", "Sign-in", {"admin"}),
    ("admin.audit", "Audit trail", {"admin"}),
]


@dataclass(frozen=True)
class NavItem:
    """One link in the main navigation."""

    url: str
    label: str
    current: bool


def _nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    return [NavItem(url_for(endpoint), label, request.endpoint == endpoint)
            for endpoint, label, roles in NAV if current_user.role in roles]


def _org_name() -> str:
    if "org_name" not in g:
        g.org_name = OrgSettings.current(db.session).org_name
    name: str = g.org_name
    return name


def _context() -> dict[str, Any]:
    return {
        "org_name": _org_name(),
        "nav_items": _nav_items(),
    }


def ukdate(value: date | datetime | None) -> str:
    """A date as "23 November 2026" (empty for None)."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def ukdatetime(value: datetime | None) -> str:
    """A UTC time as "23 November 2026, 14:05 UTC"."""
    return "" if value is None else f"{ukdate(value)}, {value:%H:%M} UTC"


def hours(value: float) -> str:
    """Hours without needless decimals: "2", "1.5", "0.25"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def web_link(url: str | None) -> str | None:
    """The address if it is an http(s) link, else None, so stored text can never become a script link."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def init_context(app: Flask) -> None:
    """Register the context processor and the date filters."""
    app.context_processor(_context)
    app.add_template_filter(ukdate)
    app.add_template_filter(ukdatetime)
    app.add_template_filter(describe_duration, "duration")
    app.add_template_global(certificate_status)
    app.add_template_filter(web_link)
    app.add_template_filter(hours)
