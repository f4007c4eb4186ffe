"""Admin screens: schools and staff groups (list, add, rename, delete when unused)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...extensions import db
from ...models import Role
from ...people.fields import AccountError
from ...people.units import GROUP, SCHOOL, Unit, UnitKind, add_unit, delete_unit, list_units, rename_unit
from ..forms import ConfirmForm
from ..permissions import allow
from . import bp
from .users_forms import UnitForm, attach_error


@dataclass(frozen=True)
class Screen:
    """Wording and endpoints for one kind of unit."""

    kind: UnitKind
    title: str
    singular: str
    endpoint: str

    def url(self, action: str = "", **values: int) -> str:
        """The address of this screen or one of its actions."""
        endpoint = f"admin.{self.endpoint}{'_' + action if action else 's'}"
        return url_for(endpoint, **values)  # type: ignore[arg-type]  # Flask types **values by its own keywords


SCHOOLS = Screen(SCHOOL, "Schools", "School", "school")
GROUPS = Screen(GROUP, "Staff groups", "Staff group", "group")


def _form(screen: Screen, **kwargs: object) -> UnitForm:
    form = UnitForm(**kwargs)
    form.name.label.text = f"{screen.singular} name"
    return form


def _list(screen: Screen) -> str | Response:
    form = _form(screen)
    if form.validate_on_submit():
        try:
            unit = add_unit(db.session, screen.kind, form.name.data or "", current_user)
        except AccountError as exc:
            attach_error(form, exc)
        else:
            flash(f"Added {unit.name}.", "success")
            return redirect(screen.url())
    return render_template("admin/schools_list.html", screen=screen, rows=list_units(db.session, screen.kind),
                           form=form, delete_form=ConfirmForm())


def _unit(screen: Screen, unit_id: int) -> Unit:
    unit = cast(Unit | None, db.session.get(screen.kind.model, unit_id))
    if unit is None:
        abort(404)
    return unit


def _rename(screen: Screen, unit_id: int) -> str | Response:
    unit = _unit(screen, unit_id)
    form = _form(screen, data={"name": unit.name})
    if form.validate_on_submit():
        try:
            rename_unit(db.session, screen.kind, unit, form.name.data or "", current_user)
        except AccountError as exc:
            attach_error(form, exc)
        else:
            flash(f"Saved {unit.name}.", "success")
            return redirect(screen.url())
    return render_template("admin/schools_rename.html", screen=screen, unit=unit, form=form)


def _delete(screen: Screen, unit_id: int) -> Response:
    unit = _unit(screen, unit_id)
    if ConfirmForm().validate_on_submit():
        name = unit.name
        try:
            delete_unit(db.session, screen.kind, unit, current_user)
        except AccountError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Deleted {name}.", "success")
    return redirect(screen.url())


@bp.route("/schools", methods=["GET", "POST"])
@allow(Role.ADMIN)
def schools() -> str | Response:
    """Every school with how many people are in it; add one."""
    return _list(SCHOOLS)


@bp.route("/schools/<int:unit_id>/rename", methods=["GET", "POST"])
@allow(Role.ADMIN)
def school_rename(unit_id: int) -> str | Response:
    """Rename a school."""
    return _rename(SCHOOLS, unit_id)


@bp.route("/schools/<int:unit_id>/delete", methods=["POST"])
@allow(Role.ADMIN)
def school_delete(unit_id: int) -> Response:
    """Delete a school nobody is in."""
    return _delete(SCHOOLS, unit_id)


@bp.route("/staff-groups", methods=["GET", "POST"])
@allow(Role.ADMIN)
def groups() -> str | Response:
    """Every staff group with how many people and courses use it; add one."""
    return _list(GROUPS)


@bp.route("/staff-groups/<int:unit_id>/rename", methods=["GET", "POST"])
@allow(Role.ADMIN)
def group_rename(unit_id: int) -> str | Response:
    """Rename a staff group."""
    return _rename(GROUPS, unit_id)


@bp.route("/staff-groups/<int:unit_id>/delete", methods=["POST"])
@allow(Role.ADMIN)
def group_delete(unit_id: int) -> Response:
    """Delete a staff group that no person or course uses."""
    return _delete(GROUPS, unit_id)
