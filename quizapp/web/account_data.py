"""Subject access: a person's data as one streamed ZIP, for themself (My account) or an admin."""
from __future__ import annotations

from flask import Response, stream_with_context
from flask_login import current_user

from ..audit import record
from ..config import now
from ..extensions import db
from ..models import OrgSettings, User
from ..people.privacy_zip import export_zip
from .account import bp
from .permissions import SIGNED_IN, allow


def data_response(person: User) -> Response:
    """Audit the download and stream the ZIP of everything held about `person` (caller checked who may)."""
    moment, org = now(), OrgSettings.current(db.session).org_name
    record(db.session, current_user, "user.export_data", f"user:{person.id}", subject=person.id,
           own=current_user.id == person.id)
    name = f"my-data-{moment:%Y-%m-%d}.zip" if current_user.id == person.id else \
        f"person-{person.id}-data-{moment:%Y-%m-%d}.zip"
    return Response(stream_with_context(export_zip(db.session, person.id, org, moment)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/my-data.zip")
@allow(SIGNED_IN)
def my_data() -> Response:
    """Everything held about the signed-in person: data.json, summary.html and their files."""
    return data_response(current_user)
