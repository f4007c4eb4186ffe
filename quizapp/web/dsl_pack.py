"""The inspector's evidence pack (one streamed ZIP) and one person's training record (one PDF), for DSLs and admins."""
from __future__ import annotations

from datetime import date

from flask import Response, redirect, request, stream_with_context, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..audit import record, record_export_subjects
from ..compliance.asat import as_at
from ..compliance.exports import file_name, slug
from ..compliance.person import person_record
from ..compliance.policy_columns import person_policies
from ..compliance.requirements import load_requirements
from ..compliance.summary import summarise
from ..config import now
from ..extensions import db
from ..models import OrgSettings, Role, User
from ..policies.acknowledge import history as acknowledgement_history
from ..policies.standing import load_book
from ..training.ledger import cpd_ledger
from ..training.pack import PackInput, pack_stream
from ..training.queries import records_of
from ..training.record_pdf import record_pdf
from .dsl import audit_export, bp, export_file, export_rows, filter_view
from .permissions import allow, require_person


@bp.route("/evidence-pack.zip")
@allow(Role.DSL, Role.ADMIN)
def evidence_pack() -> BaseResponse:
    """Everything an inspector asks for, for the current filters and day, as one ZIP streamed as it is built."""
    view = filter_view()
    if view.matrix_filter is None:
        return redirect(url_for("dsl.dashboard", **request.args.to_dict()))  # type: ignore[arg-type]  # query args
    f, when, stamp = view.matrix_filter, view.when, now()
    rows, policies = export_rows(view, f)
    audit_export(view, f, "compliance.evidence_pack", rows=len(rows))
    record_export_subjects(db.session, current_user, "compliance.evidence_pack.person", [r.person_id for r in rows],
                           as_at=when.day.isoformat())
    base = file_name(view.scope, when.day, "csv").removesuffix(".csv")
    pack = PackInput(scope=view.scope, when=when, filters="; ".join(f"{a}: {b}" for a, b in view.described()),
                     made_by=current_user.full_name, stamp=stamp, rows=rows, courses=view.reqs.columns(f.course_id),
                     summary=summarise(db.session, f, when, view.reqs),
                     csv=export_file(view, f, rows, policies, "csv")[0],
                     xlsx=export_file(view, f, rows, policies, "xlsx")[0], export_name=base, policies=policies)
    name = f"evidence-pack_{slug(view.scope)}_{when.day.isoformat()}.zip"
    return Response(stream_with_context(pack_stream(db.session, pack)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/people/<int:person_id>/training-record.pdf")
@allow(Role.DSL, Role.ADMIN)
def person_record_pdf(person_id: int) -> Response:
    """The person page as one PDF: courses, policies, certificates, training done elsewhere, CPD and history."""
    person = require_person(current_user, db.session.get(User, person_id))
    moment = now()
    try:
        day = min(date.fromisoformat(request.args.get("as_at", "")), moment.date())
    except ValueError:
        day = moment.date()
    when = as_at(day, moment, OrgSettings.current(db.session).due_soon_days)
    data = person_record(db.session, person, when, load_requirements(db.session))
    policies = person_policies(db.session, load_book(db.session), person, when)
    # Acknowledgements made by the end of the day looked at, as the page's policy statuses are.
    acknowledged = [a for a in acknowledgement_history(db.session, person.id) if a.at < when.cutoff]
    pdf = record_pdf(data, records_of(db.session, person.id), cpd_ledger(db.session, person.id), when,
                     current_user.full_name, moment, policies, acknowledged)
    record(db.session, current_user, "person.training_record", f"user:{person.id}", subject=person,
           as_at=day.isoformat())
    name = f"training-record_{slug(person.last_name)}-{slug(person.first_name)}_{day.isoformat()}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
