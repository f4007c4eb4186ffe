"""Admin screen: certificates (search, filter, download one or all, revoke, reissue); DSLs see their school."""
from __future__ import annotations

from dataclasses import replace

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from ...audit import record, record_export_subjects
from ...certificates import search
from ...certificates.bulk import with_pdfs, zip_stream
from ...certificates.manage import Refused, reissue, reissue_refusal, revoke
from ...config import base_url, now
from ...extensions import db
from ...models import Certificate, Course, Role, School
from ..permissions import allow, require_person
from ..staff.records import download_name
from ..urls import safe_next
from . import bp
from .certificate_forms import FilterForm, ReissueForm, RevokeForm


def _filter_form() -> FilterForm:
    form = FilterForm(formdata=request.args)
    courses = db.session.execute(select(Course.id, Course.title).order_by(Course.title)).all()
    schools = ([] if current_user.role != Role.ADMIN.value else
               db.session.execute(select(School.id, School.name).order_by(School.name)).all())
    form.set_choices([(row[0], row[1]) for row in courses], [(row[0], row[1]) for row in schools])
    form.validate()
    return form


def _criteria(form: FilterForm) -> search.Criteria:
    criteria = form.criteria()
    if current_user.role != Role.ADMIN.value and criteria.school_id is not None:
        criteria = replace(criteria, school_id=None)  # the school filter is for admins only
    return criteria


@bp.route("/certificates")
@allow(Role.ADMIN, Role.DSL)
def certificates() -> str:
    """Search and list certificates, 50 a page, in a fixed number of queries."""
    form = _filter_form()
    criteria, today = _criteria(form), now().date()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    total = search.count(db.session, criteria, current_user, today)
    rows = search.page_of(db.session, criteria, current_user, today, page)
    return render_template("admin/certificates.html", form=form, rows=rows, total=total, page=page,
                           pages=max(1, -(-total // search.PAGE_SIZE)), args=criteria.as_args(), today=today,
                           is_admin=current_user.role == Role.ADMIN.value, back=request.full_path)


@bp.route("/certificates/download.zip")
@allow(Role.ADMIN, Role.DSL)
def certificates_zip() -> Response:
    """Every certificate the filter shows, on all pages, as one streamed ZIP with a manifest."""
    criteria, moment = _criteria(_filter_form()), now()
    total = search.count(db.session, criteria, current_user, moment.date())
    record(db.session, current_user, "certificate.download_zip", "certificates", count=total,
           filters=criteria.as_args())
    record_export_subjects(db.session, current_user, "certificate.download_zip.person",
                           search.holders(criteria, current_user, moment.date()))
    query = with_pdfs(search.listing(criteria, current_user, moment.date()))
    chunks = zip_stream(db.session, query, moment.date(), download_name, moment)
    name = f"certificates-{moment:%Y-%m-%d}.zip"
    return Response(stream_with_context(chunks), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _certificate(certificate_id: int) -> Certificate:
    cert = db.session.get(Certificate, certificate_id)
    if cert is None:
        abort(404)
    require_person(current_user, cert.user)
    return cert


def _back() -> str:
    return safe_next(request.values.get("next")) or url_for("admin.certificates")


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@allow(Role.ADMIN)
def revoke_certificate(certificate_id: int) -> str | BaseResponse:
    """Confirm and revoke, with a required reason."""
    cert = _certificate(certificate_id)
    form = RevokeForm()
    if cert.revoked_at is None and form.validate_on_submit():
        try:
            revoke(db.session, cert, current_user, form.reason.data or "", now())
        except Refused as exc:
            form.reason.errors = [str(exc)]
        else:
            flash(f"Certificate {cert.number} has been revoked.", "success")
            return redirect(_back())
    return render_template("admin/certificates_revoke.html", cert=cert, form=form, back=_back(),
                           today=now().date())


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["GET", "POST"])
@allow(Role.ADMIN)
def reissue_certificate(certificate_id: int) -> str | BaseResponse:
    """Confirm and reissue: a new number, code and PDF; the old certificate shows as superseded."""
    cert = _certificate(certificate_id)
    form = ReissueForm()
    current_name = cert.user.full_name
    refusal = reissue_refusal(cert)
    if refusal is None and form.validate_on_submit():
        rename = form.use_current_name.data and current_name != cert.holder_name
        try:
            new = reissue(db.session, cert, current_user, now(), base_url(), current_name if rename else None)
        except Refused as exc:
            refusal = str(exc)
        else:
            flash(f"Certificate {cert.number} has been reissued as {new.number}.", "success")
            return redirect(_back())
    return render_template("admin/certificates_reissue.html", cert=cert, form=form, back=_back(),
                           refusal=refusal, current_name=current_name, today=now().date())
