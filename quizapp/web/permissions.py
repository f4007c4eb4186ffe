"""The one permission helper every view uses: who may call it, declared on the view itself."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, abort, jsonify, request, url_for
from flask_login import current_user

from ..extensions import login_manager
from ..models import Role, User
from .urls import safe_next

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "public"
SIGNED_IN = "signed-in"


SIGNED_OUT_MESSAGE = "You have been signed out. Sign in again (your saved answers are kept)."


def signed_out_json() -> tuple[Response, int]:
    """The answer to a page script whose session has ended: 401 with a message and where to sign in again."""
    back = request.referrer if request.referrer and safe_next(urlsplit(request.referrer).path) else None
    return jsonify(saved=False, signed_out=True, message=SIGNED_OUT_MESSAGE,
                   sign_in_url=url_for("auth.sign_in", next=urlsplit(back).path if back else None)), 401


def allow(*roles: Role | str) -> Callable[[F], F]:
    """Let only the given roles (or PUBLIC, or SIGNED_IN for any role) call the view; others get 401/403.

    Nothing of the view runs before this check; a page script (a JSON request) gets 401 JSON, a page a redirect.
    """
    wanted = {role.value if isinstance(role, Role) else role for role in roles}

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if PUBLIC not in wanted:
                if not current_user.is_authenticated:
                    return signed_out_json() if request.is_json else login_manager.unauthorized()
                if SIGNED_IN not in wanted and current_user.role not in wanted:
                    abort(403)
            return view(*args, **kwargs)

        wrapper.access = frozenset(wanted)  # type: ignore[attr-defined]  # read by the route-matrix test
        return wrapper  # type: ignore[return-value]  # wraps() keeps the signature F promises

    return decorate


def can_see_person(viewer: User, person: User) -> bool:
    """Admins see everyone, DSLs their own school's staff, everyone else only themselves."""
    if viewer.role == Role.ADMIN.value or viewer.id == person.id:
        return True
    return viewer.role == Role.DSL.value and viewer.school_id is not None and viewer.school_id == person.school_id


def require_person(viewer: User, person: User | None) -> User:
    """Return the person if the viewer may see them, else stop with 404 (no hint that they exist)."""
    if person is None or not can_see_person(viewer, person):
        abort(404)
    return person
