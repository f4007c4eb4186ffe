"""Admin screen: Sign-in settings (identity providers) and removing a person's provider link."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ...config import base_url
from ...extensions import db
from ...models import OidcLink, OidcProvider, Role, User
from ...people.fields import AccountError
from ...people.oidc_accounts import links_of, remove_link
from ...people.oidc_providers import env_provider
from ...people.oidc_settings import ProviderInput, delete_provider, save_provider
from ..forms import ConfirmForm
from ..oidc import CALLBACK_PATH
from ..permissions import allow
from . import bp
from .sign_in_forms import ProviderForm
from .users_forms import attach_error


def _input(form: ProviderForm) -> ProviderInput:
    return ProviderInput(label=form.label.data or "", preset=form.preset.data or "", issuer=form.issuer.data or "",
                         client_id=form.client_id.data or "", client_secret=form.client_secret.data or "",
                         domains=form.domains.data or "", create_users=bool(form.create_users.data),
                         required=bool(form.required.data), school_id=form.school.data or None,
                         staff_group_id=form.staff_group.data or None)


def _initial(row: OidcProvider) -> dict[str, object]:
    return {"label": row.label, "preset": row.preset, "issuer": row.issuer, "client_id": row.client_id,
            "domains": row.domains.replace(",", ", "), "create_users": row.create_users, "required": row.required,
            "school": row.school_id or 0, "staff_group": row.staff_group_id or 0}


@bp.route("/sign-in")
@allow(Role.ADMIN)
def sign_in_settings() -> str:
    """Every identity provider, the one from the environment included, and the redirect URI to register."""
    rows = db.session.scalars(select(OidcProvider).order_by(OidcProvider.label)).all()
    return render_template("admin/sign_in.html", rows=rows, env=env_provider(current_app.config),
                           redirect_uri=base_url().rstrip("/") + CALLBACK_PATH, delete_form=ConfirmForm())


def _form_page(row: OidcProvider | None) -> str | Response:
    form = ProviderForm(data=None if request.method == "POST" or row is None else _initial(row))
    form.load_choices(db.session)
    if form.validate_on_submit():
        try:
            saved = save_provider(db.session, current_app.config["SECRET_KEY"], _input(form), current_user, row)
        except AccountError as exc:
            attach_error(form, exc)
        else:
            flash(f"Saved {saved.label}.", "success")
            return redirect(url_for("admin.sign_in_settings"))
    return render_template("admin/sign_in_form.html", form=form, row=row)


@bp.route("/sign-in/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def sign_in_provider_new() -> str | Response:
    """Add an identity provider."""
    return _form_page(None)


def _row(provider_id: int) -> OidcProvider:
    row = db.session.get(OidcProvider, provider_id)
    if row is None:
        abort(404)
    return row


@bp.route("/sign-in/<int:provider_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def sign_in_provider_edit(provider_id: int) -> str | Response:
    """Change an identity provider (a blank client secret keeps the stored one)."""
    return _form_page(_row(provider_id))


@bp.route("/sign-in/<int:provider_id>/delete", methods=["POST"])
@allow(Role.ADMIN)
def sign_in_provider_delete(provider_id: int) -> Response:
    """Remove an identity provider."""
    row = _row(provider_id)
    if ConfirmForm().validate_on_submit():
        label = row.label
        delete_provider(db.session, current_user, row)
        flash(f"Removed {label}.", "success")
    return redirect(url_for("admin.sign_in_settings"))


@bp.app_template_global()
def sign_in_links(person: User) -> list[OidcLink]:
    """A person's provider links, for their admin page."""
    return links_of(db.session, person)


@bp.route("/users/<int:user_id>/sign-in-links/<int:link_id>/remove", methods=["POST"])
@allow(Role.ADMIN)
def user_remove_link(user_id: int, link_id: int) -> Response:
    """Remove a person's link to a provider account; their next sign-in there must match by e-mail again."""
    link = db.session.get(OidcLink, link_id)
    if link is None or link.user_id != user_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        remove_link(db.session, current_user, link)
        flash("Removed the sign-in link.", "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))
