"""Admin screen: people (list, add, edit, deactivate, reactivate, end sessions, send set-password links)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ...audit import record_view
from ...config import base_url, now
from ...extensions import db
from ...models import Role, School, StaffGroup, User
from ...people import users as ops
from ...people.fields import AccountError
from ...people.invitations import SendResult, send_links
from ...people.session_store import active_sessions, end_all_sessions
from ...people.tokens import Purpose
from ..forms import ConfirmForm
from ..permissions import allow
from . import bp
from .users_forms import InviteManyForm, PersonForm, attach_error

PAGE_SIZE = 50


def _filters() -> ops.UserFilters:
    status = request.args.get("status", "active")
    return ops.UserFilters(q=request.args.get("q", "").strip()[:200],
                           school_id=request.args.get("school", type=int), group_id=request.args.get("group", type=int),
                           role=request.args.get("role", ""), status=status if status in ops.STATUSES else "active")


@bp.route("/users")
@allow(Role.ADMIN)
def users() -> str:
    """People matching the search and filters, 50 to a page."""
    filters = _filters()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    people, total = ops.search_users(db.session, filters, page, PAGE_SIZE)
    schools = db.session.scalars(select(School).order_by(func.lower(School.name))).all()
    groups = db.session.scalars(select(StaffGroup).order_by(func.lower(StaffGroup.name))).all()
    pending = db.session.scalar(select(func.count()).select_from(User).where(
        User.active.is_(True), User.password_hash.is_(None))) or 0
    args = {"q": filters.q, "school": filters.school_id or "", "group": filters.group_id or "",
            "role": filters.role, "status": filters.status}
    return render_template("admin/users.html", people=people, total=total, page=page, filters=filters,
                           pages=max(1, -(-total // PAGE_SIZE)), args=args, schools=schools, groups=groups,
                           pending=pending, invite_form=InviteManyForm())


def _details(form: PersonForm) -> ops.PersonDetails:
    return ops.PersonDetails(email=form.email.data or "", first_name=form.first_name.data or "",
                             last_name=form.last_name.data or "", role=form.role.data or "",
                             school_id=form.school.data or None, staff_group_id=form.staff_group.data or None,
                             extra_time_pct=form.extra_time_pct.data or 0)


def _send(people: list[User], purpose: Purpose) -> SendResult:
    return send_links(db.session, people, purpose, config=current_app.config, base_url=base_url(), now=now(),
                      actor=current_user)


def flash_sent(result: SendResult, noun: str) -> None:
    """Tell the admin how many links are on their way and which could not be sent."""
    if result.sent:
        # Queued, not yet delivered: the worker sends them in a moment and retries a busy mail server.
        flash(f"Sending {len(result.sent)} {noun}{'' if len(result.sent) == 1 else 's'} now.", "success")
    for user, problem in result.failed:
        flash(f"Could not send to {user.email}: {problem}", "error")
    if not result.sent and not result.failed:
        flash("Nobody needed one: everyone chosen has already set a password.", "info")


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def user_new() -> str | Response:
    """Add a person; they choose their own password from an invitation."""
    form = PersonForm()
    form.load_choices(db.session)
    if form.validate_on_submit():
        try:
            user = ops.create_person(db.session, _details(form), current_user)
        except AccountError as exc:
            attach_error(form, exc)
        else:
            flash(f"Added {user.full_name}.", "success")
            if form.send_invitation.data:
                flash_sent(_send([user], Purpose.INVITE), "invitation")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/users_form.html", form=form, person=None)


def _initial(person: User) -> dict[str, object]:
    return {"first_name": person.first_name, "last_name": person.last_name, "email": person.email,
            "role": person.role, "school": person.school_id or 0, "staff_group": person.staff_group_id or 0,
            "extra_time_pct": person.extra_time_pct}


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def user_edit(user_id: int) -> str | Response:
    """Edit a person's details; deactivate, reactivate or send a link from here too."""
    person = _person(user_id)
    if request.method == "GET":
        record_view(db.session, current_user, person, "person.admin_view", f"user:{person.id}", now())
    form = PersonForm(data=None if request.method == "POST" else _initial(person))
    form.load_choices(db.session)
    if form.validate_on_submit():
        try:
            changes = ops.update_person(db.session, person, _details(form), current_user)
        except AccountError as exc:
            attach_error(form, exc)
        else:
            flash(f"Saved {person.full_name}." if changes else "Nothing changed.", "success")
            return redirect(url_for("admin.user_edit", user_id=person.id))
    return render_template("admin/users_form.html", form=form, person=person, action_form=ConfirmForm(),
                           sessions=len(active_sessions(db.session, person, now())))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@allow(Role.ADMIN)
def user_deactivate(user_id: int) -> Response:
    """Deactivate a leaver: they cannot sign in, drop out of compliance and keep their records."""
    person = _person(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            ops.deactivate(db.session, person, current_user, now())
        except AccountError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Deactivated {person.full_name}. Their records are kept.", "success")
    return redirect(url_for("admin.user_edit", user_id=person.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@allow(Role.ADMIN)
def user_reactivate(user_id: int) -> Response:
    """Let a deactivated person sign in again."""
    person = _person(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            ops.reactivate(db.session, person, current_user)
        except AccountError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Reactivated {person.full_name}.", "success")
    return redirect(url_for("admin.user_edit", user_id=person.id))


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@allow(Role.ADMIN)
def user_end_sessions(user_id: int) -> Response:
    """Sign a person out on every browser (a lost phone, a shared computer); they can sign in again."""
    person = _person(user_id)
    if ConfirmForm().validate_on_submit():
        ended = end_all_sessions(db.session, person, current_user, "ended by an admin")
        flash(f"Ended {ended} session{'' if ended == 1 else 's'} of {person.full_name}.", "success")
    return redirect(url_for("admin.user_edit", user_id=person.id))


@bp.route("/users/<int:user_id>/send-link", methods=["POST"])
@allow(Role.ADMIN)
def user_send_link(user_id: int) -> Response:
    """E-mail an invitation (no password yet) or a password reset link."""
    person = _person(user_id)
    if not person.active:
        flash("Reactivate this person before sending them a link.", "error")
    elif ConfirmForm().validate_on_submit():
        purpose = Purpose.RESET if person.password_hash else Purpose.INVITE
        flash_sent(_send([person], purpose), "invitation" if purpose is Purpose.INVITE else "password reset link")
    return redirect(url_for("admin.user_edit", user_id=person.id))


@bp.route("/users/invite", methods=["POST"])
@allow(Role.ADMIN)
def users_invite() -> Response:
    """Invite the given people (from an import), or everyone active without a password."""
    form = InviteManyForm()
    if form.validate_on_submit():
        raw = (form.user_ids.data or "").split(",")
        ids = [int(part) for part in raw if part.strip().isdigit()] if form.user_ids.data else None
        flash_sent(_send(ops.without_password(db.session, ids), Purpose.INVITE), "invitation")
    return redirect(url_for("admin.users"))


from . import users_import  # noqa: E402,F401  (registers the import routes)
