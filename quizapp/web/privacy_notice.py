"""The privacy notice: what the school holds here, why, for how long, who sees it and how to ask for a copy."""
from __future__ import annotations

from flask import render_template

from ..extensions import db
from ..models import OrgSettings
from .permissions import PUBLIC, allow
from .public import bp


@bp.route("/privacy")
@allow(PUBLIC)
def privacy() -> str:
    """The plain-English privacy notice, open to anyone, with the school's name and data protection contact."""
    return render_template("public/privacy.html", settings=OrgSettings.current(db.session))
