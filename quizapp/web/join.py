"""Join links: DSLs make them and decide the requests; newcomers open them and ask to join."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..config import base_url, now
from ..extensions import db, limiter
from ..models import JoinLink, JoinRequest, OrgSettings, Role
from ..notify.messages import external_url
from ..people.fields import AccountError
from ..people.join_links import LinkInput, LinkState, create_link, find_link, link_state, link_token, revoke_link
from ..people.join_mail import tell_newcomer
from ..people.join_poster import poster_pdf
from ..people.join_requests import JoinInput, LinkUnusable, approve, reject, request_to_join, waiting_requests
from ..people.join_sso import JoinedBy, join_with_provider
from ..people.oidc import ProviderConfig
from ..people.oidc_providers import all_providers, required_provider_for
from .admin.users_forms import attach_error
from .forms import ConfirmForm
from .join_forms import JoinForm, LinkForm, RejectForm
from .permissions import PUBLIC, allow

bp = Blueprint("join", __name__)
JOIN_POSTS = "10 per hour"


def _scope() -> int | None:
    """The school a DSL manages (None for an admin, who manages all); a DSL with no school may not."""
    if current_user.role == Role.ADMIN.value:
        return None
    if current_user.school_id is None:
        abort(403)
    return int(current_user.school_id)


def _check_school(link: JoinLink | None) -> None:
    school = _scope()
    if link is None or (school is not None and link.school_id != school):
        abort(404)  # another school's link or request: no hint that it exists


def _own_link(link_id: int) -> JoinLink:
    link = db.session.get(JoinLink, link_id)
    _check_school(link)
    assert link is not None  # nosec B101  # _check_school has stopped the request otherwise
    return link


def _own_request(request_id: int) -> JoinRequest:
    found = db.session.get(JoinRequest, request_id)
    _check_school(found.link if found else None)
    assert found is not None  # nosec B101  # _check_school has stopped the request otherwise
    return found


def _join_url(link: JoinLink) -> str:
    return external_url(base_url(), "join.join", token=link_token(current_app.config["SECRET_KEY"], link))


@bp.route("/dsl/join-links", methods=["GET", "POST"])
@allow(Role.DSL, Role.ADMIN)
def links() -> str | Response:
    """The links this DSL has handed out, the requests waiting for them, and a form for a new link."""
    school = _scope()
    form = LinkForm()
    form.load_choices(db.session, school)
    if form.validate_on_submit():
        data = LinkInput(school_id=form.school.data, staff_group_id=form.staff_group.data or None,
                         days=form.days.data or 0, max_uses=form.max_uses.data, label=form.label.data or "")
        try:
            link = create_link(db.session, data, current_user, now())
        except AccountError as exc:
            attach_error(form, exc)
        else:
            flash(f"Made the join link '{link.label}'. Print its poster or copy its address below.", "success")
            return redirect(url_for("join.links"))
    query = select(JoinLink).order_by(JoinLink.created_at.desc(), JoinLink.id.desc())
    if school is not None:
        query = query.where(JoinLink.school_id == school)
    shown = [(link, link_state(link, now()), _join_url(link)) for link in db.session.scalars(query)]
    return render_template("join/links.html", form=form, links=shown, requests=waiting_requests(db.session, school),
                           action_form=ConfirmForm(), reject_form=RejectForm(), open_state=LinkState.OPEN)


@bp.route("/dsl/join-links/<int:join_link_id>/poster.pdf")
@allow(Role.DSL, Role.ADMIN)
def poster(join_link_id: int) -> Response:
    """The link's A4 poster with its QR code, to print and put up."""
    link = _own_link(join_link_id)
    org = OrgSettings.current(db.session).org_name
    pdf = poster_pdf(_join_url(link), link.school.name, org, link.expires_at,
                     link.staff_group.name if link.staff_group else None)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="join-link-{link.id}.pdf"'})


@bp.route("/dsl/join-links/<int:join_link_id>/withdraw", methods=["POST"])
@allow(Role.DSL, Role.ADMIN)
def withdraw(join_link_id: int) -> Response:
    """Stop a link working at once."""
    link = _own_link(join_link_id)
    if ConfirmForm().validate_on_submit():
        revoke_link(db.session, link, current_user, now())
        flash(f"Withdrew the join link '{link.label}'. It no longer works.", "success")
    return redirect(url_for("join.links"))


@bp.route("/dsl/join-requests/<int:join_request_id>/approve", methods=["POST"])
@allow(Role.DSL, Role.ADMIN)
def approve_request(join_request_id: int) -> Response:
    """Make the newcomer's account; they can sign in with the password they chose."""
    found = _own_request(join_request_id)
    if ConfirmForm().validate_on_submit():
        by_provider = bool(found.oidc_subject)
        how = "the school account they joined with" if by_provider else "the password they chose"
        try:
            user = approve(db.session, found, current_user, now())
        except AccountError as exc:
            flash(exc.message, "error")
        else:
            problem = _tell(found, by_provider)
            flash(f"Approved {user.full_name}. They can now sign in with {user.email} and {how}"
                  + (f"; the e-mail telling them so {problem}." if problem else ", and are e-mailed to say so."),
                  "error" if problem else "success")
    return redirect(url_for("join.links"))


@bp.route("/dsl/join-requests/<int:join_request_id>/reject", methods=["POST"])
@allow(Role.DSL, Role.ADMIN)
def reject_request(join_request_id: int) -> Response:
    """Turn a request down."""
    found = _own_request(join_request_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            reject(db.session, found, current_user, now(), form.reason.data or "")
        except AccountError as exc:
            flash(exc.message, "error")
        else:
            problem = _tell(found, by_provider=False)
            flash(f"Rejected the request from {found.first_name} {found.last_name}"
                  + (f"; the e-mail telling them so {problem}." if problem else "; they are e-mailed to say so."),
                  "error" if problem else "success")
    return redirect(url_for("join.links"))


def _tell(found: JoinRequest, by_provider: bool) -> str | None:
    return tell_newcomer(db.session, found, sign_in_url=external_url(base_url(), "auth.sign_in"),
                         by_provider=by_provider, now=now())


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(JOIN_POSTS, methods=["POST"], key_func=get_remote_address, scope="join")
@allow(PUBLIC)
def join(token: str) -> str | Response | tuple[str, int]:
    """A newcomer's page: who they are and a password; then they wait for the DSL."""
    link = find_link(db.session, current_app.config["SECRET_KEY"], token)
    state = link_state(link, now())
    if link is None or state is not LinkState.OPEN:
        return render_template("join/problem.html", message=state.value), 404 if link is None else 410
    form = JoinForm()
    if form.validate_on_submit() and not _provider_required(form):
        data = JoinInput(first_name=form.first_name.data or "", last_name=form.last_name.data or "",
                         email=form.email.data or "", password=form.password.data or "")
        try:
            request_to_join(db.session, link, data, now())
        except AccountError as exc:
            attach_error(form, exc)
        except LinkUnusable as exc:
            return render_template("join/problem.html", message=exc.state.value), 410
        else:
            return _requested(link, JoinedBy.REQUESTED, None)
    return render_template("join/join.html", form=form, link=link, token=token,
                           providers=all_providers(db.session, current_app.config))


def _provider_required(form: JoinForm) -> bool:
    """Refuse a password for an e-mail whose domain must use a provider, naming its button."""
    provider = required_provider_for(all_providers(db.session, current_app.config), form.email.data or "")
    if provider is None:
        return False
    form.email.errors = [*form.email.errors, f"Addresses at this domain join with the “{provider.label}” button."]
    return True


def join_by_provider(token: str, provider: ProviderConfig, claims: dict[str, Any]) -> str | tuple[str, int]:
    """Finish joining by a link with a provider's verified claims (called from the provider's callback)."""
    link = find_link(db.session, current_app.config["SECRET_KEY"], token)
    if link is None:
        return render_template("join/problem.html", message=LinkState.UNKNOWN.value), 404
    try:
        outcome = join_with_provider(db.session, link, provider, claims, now())
    except LinkUnusable as exc:
        return render_template("join/problem.html", message=exc.state.value), 410
    return _requested(link, outcome, provider)


def _requested(link: JoinLink, outcome: JoinedBy, provider: ProviderConfig | None) -> str:
    return render_template("join/requested.html", link=link, has_account=outcome is JoinedBy.HAS_ACCOUNT,
                           provider=provider)
