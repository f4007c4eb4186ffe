"""The one permission helper every view uses: who may call it, declared on the view itself."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from flask import abort
from flask_login import current_user

from ..models import Role, User

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "public"
SIGNED_IN = "signed-in"


def allow(*roles: Role | str, shortcut: Callable[..., Any] | None = None) -> Callable[[F], F]:
    """Let only the given roles (or PUBLIC, or SIGNED_IN for any role) call the view; others get 401/403.

    `shortcut`, given the view's arguments, may answer first without the person being loaded; it must prove
    who is asking itself (the answer save does, inside its UPDATE) and return None whenever it cannot.
    """
    wanted = {role.value if isinstance(role, Role) else role for role in roles}

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if shortcut is not None:
                answered = shortcut(*args, **kwargs)
                if answered is not None:
                    return answered
            if PUBLIC not in wanted:
                if not current_user.is_authenticated:
                    from ..extensions import login_manager

                    return login_manager.unauthorized()
                if SIGNED_IN not in wanted and current_user.role not in wanted:
                    abort(403)
            return view(*args, **kwargs)

        wrapper.access = frozenset(wanted)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

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
