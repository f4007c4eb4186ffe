"""Admin screen "Policies": what is due for review, add a policy, change its settings, publish a new version."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from ...audit import record
from ...config import now
from ...extensions import db
from ...models import Policy, Role, StaffGroup
from ...policies.documents import MAX_BYTES, Document, DocumentError, check_markdown, check_pdf
from ...policies.publish import PolicyError, PolicyInput, VersionInput, create_policy, publish_version, update_policy
from ...policies.reviews import review_state
from ..errors import MESSAGES
from ..permissions import allow
from . import bp
from .policy_forms import NewPolicyForm, NewVersionForm, PolicySettingsForm, VersionForm

# Room for a 20 MB PDF and the rest of the form; the app's usual limit is lower.
UPLOAD_LIMIT = MAX_BYTES + 1024 * 1024
TOO_LARGE = "The file is larger than 20 MB: choose a smaller PDF."


def _policy_or_404(policy_id: int) -> Policy:
    policy = db.session.get(Policy, policy_id)
    if policy is None:
        abort(404)
    return policy


def _groups() -> list[StaffGroup]:
    return list(db.session.scalars(select(StaffGroup).order_by(StaffGroup.name)))


def _chosen_groups() -> list[int]:
    return [int(g) for g in request.form.getlist("groups") if g.isdigit()]


def _settings(form: PolicySettingsForm) -> PolicyInput:
    return PolicyInput(title=form.title.data or "", owner=form.owner.data or "",
                       all_staff=form.audience.data != "groups",
                       days_to_acknowledge=form.days_to_acknowledge.data or 0, review_by=form.review_by.data,
                       group_ids=_chosen_groups())


def _document(form: VersionForm, errors: dict[str, str]) -> Document | None:
    """The checked document of the chosen kind; a bad one adds its message, on its field, to `errors`."""
    try:
        if form.kind.data == "pdf":
            upload = form.document.data
            return check_pdf(upload.read(MAX_BYTES + 1) if upload else b"", "document")
        return check_markdown(form.markdown.data or "", "markdown")
    except DocumentError as exc:
        errors.setdefault(exc.field, exc.message)
        return None


def _version(form: VersionForm, document: Document, material: bool = True, note: str = "") -> VersionInput:
    return VersionInput(label=form.label.data or "", effective_on=form.effective_on.data, document=document,
                        material=material, note=note)


def _posted(form: VersionForm) -> tuple[Document | None, dict[str, str]]:
    """Check the form and its document together, so every problem is shown at once; the document if all is well."""
    form.validate()
    errors = _errors(form)
    document = _document(form, errors)
    return (None if errors else document), errors


def _errors(form: VersionForm | PolicySettingsForm) -> dict[str, str]:
    return {name: field.errors[0] for name, field in form._fields.items() if field.errors}


UPLOADS = {"admin.policy_new": ("admin/policy_form.html", NewPolicyForm),
           "admin.policy_version_new": ("admin/policy_version.html", NewVersionForm)}


def _may_upload() -> bool:
    return request.endpoint in UPLOADS and current_user.is_authenticated and current_user.role == Role.ADMIN.value


@bp.url_value_preprocessor
def _room_for_a_policy_pdf(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Let an admin's policy upload be up to 20 MB: set before the CSRF check reads the body, for admins only."""
    if request.method == "POST" and _may_upload():
        request.max_content_length = UPLOAD_LIMIT


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """A file over 20 MB is refused before it is read: say so on the file field (other admin uploads as usual)."""
    if not _may_upload():
        title, body = MESSAGES[413]
        return render_template("error.html", code=413, title=title, body=body, retry_after=None), 413
    template, kind = UPLOADS[request.endpoint or ""]
    form = kind(formdata=None)
    form.document.errors = [TOO_LARGE]
    policy = _policy_or_404(int((request.view_args or {}).get("policy_id", 0))) if kind is NewVersionForm else None
    return render_template(template, form=form, policy=policy, groups=_groups(), chosen=set(),
                           errors={"document": TOO_LARGE}), 413


def _apply_errors(form: VersionForm | PolicySettingsForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        if name in form._fields and message not in form[name].errors:
            form[name].errors = [*form[name].errors, message]


@bp.route("/policies")
@allow(Role.ADMIN)
def policies() -> str:
    """Every policy with its current version, readers and review date; reviews due first."""
    rows = db.session.scalars(select(Policy).options(selectinload(Policy.versions), selectinload(Policy.required_for))
                              .order_by(Policy.review_by, Policy.title)).all()
    today = now().date()
    states = {p.id: review_state(p.review_by, today) for p in rows}
    return render_template("admin/policies.html", policies=rows, states=states,
                           due=[p for p in rows if states[p.id]])


@bp.route("/policies/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def policy_new() -> str | Response:
    """Add a policy with its first version."""
    if request.method != "POST":
        return render_template("admin/policy_form.html", form=NewPolicyForm(), groups=_groups(), chosen=set(),
                               policy=None)
    form = NewPolicyForm()
    document, errors = _posted(form)
    if document is not None:
        try:
            policy = create_policy(db.session, _settings(form), _version(form, document), current_user, now())
        except PolicyError as exc:
            errors = exc.errors
        else:
            return _published(policy, "policy.publish")
    _apply_errors(form, errors)
    return render_template("admin/policy_form.html", form=form, groups=_groups(), chosen=set(_chosen_groups()),
                           policy=None, errors=errors)


def _published(policy: Policy, action: str) -> Response:
    version = policy.versions[-1]
    record(db.session, current_user, action, f"policy:{policy.id}", title=policy.title, version=version.label,
           material=version.material, kind=version.kind, sha256=version.sha256,
           effective_on=version.effective_on.isoformat(), note=version.note)
    flash(f"'{policy.title}' version {version.label} published.", "success")
    return redirect(url_for("admin.policies"))


@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def policy_edit(policy_id: int) -> str | Response:
    """Change who must read a policy, how soon, its owner and its review date."""
    policy = _policy_or_404(policy_id)
    form = PolicySettingsForm(obj=policy, audience="all" if policy.all_staff else "groups")
    chosen = {g.id for g in policy.required_for}
    errors: dict[str, str] = {}
    if request.method == "POST":
        chosen = set(_chosen_groups())
        if form.validate():
            try:
                update_policy(db.session, policy, _settings(form))
            except PolicyError as exc:
                errors = exc.errors
            else:
                record(db.session, current_user, "policy.update", f"policy:{policy.id}", title=policy.title,
                       review_by=policy.review_by.isoformat(), all_staff=policy.all_staff,
                       groups=[g.name for g in policy.required_for], days=policy.days_to_acknowledge)
                flash(f"'{policy.title}' saved.", "success")
                return redirect(url_for("admin.policies"))
        errors = errors or _errors(form)
        _apply_errors(form, errors)
    return render_template("admin/policy_settings.html", form=form, groups=_groups(), chosen=chosen, policy=policy,
                           errors=errors)


@bp.route("/policies/<int:policy_id>/versions/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def policy_version_new(policy_id: int) -> str | Response:
    """Publish a new version: a material change asks everyone again; a minor one carries acknowledgements over."""
    policy = _policy_or_404(policy_id)
    if request.method != "POST":
        return render_template("admin/policy_version.html", form=NewVersionForm(), policy=policy)
    form = NewVersionForm()
    document, errors = _posted(form)
    if document is not None:
        data = _version(form, document, form.material.data != "no", form.note.data or "")
        try:
            publish_version(db.session, policy, data, current_user, now())
        except PolicyError as exc:
            errors = exc.errors
        else:
            return _published(policy, "policy.publish_version")
    _apply_errors(form, errors)
    return render_template("admin/policy_version.html", form=form, policy=policy, errors=errors)
