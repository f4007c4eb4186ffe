"""Home and health check."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import QuestionImage
from .permissions import PUBLIC, SIGNED_IN, allow

bp = Blueprint("main", __name__)


LANDING = {"staff": "staff.my_training", "dsl": "dsl.dashboard", "admin": "dsl.dashboard"}


def landing_url() -> str:
    """Where a person starts: staff on My training, DSLs and admins on the compliance dashboard."""
    return url_for(LANDING.get(current_user.role, "main.home"))


@bp.route("/")
@allow(PUBLIC)
def index() -> Response:
    """Send signed-in people to their starting page and everyone else to sign in."""
    return redirect(landing_url() if current_user.is_authenticated else url_for("auth.sign_in"))


@bp.route("/home")
@allow(SIGNED_IN)
def home() -> str:
    """The signed-in landing page."""
    return render_template("home.html")


@bp.route("/question-images/<digest>.png")
@allow(SIGNED_IN)
def question_image(digest: str) -> Response:
    """An image shown with a question (re-encoded PNG, named by its SHA-256), for anyone signed in."""
    image = db.session.scalar(select(QuestionImage).where(QuestionImage.sha256 == digest)) or abort(404)
    response = Response(image.data, mimetype=image.media_type)
    # Named by its content, so it never changes: keep it in this browser only (quiz images are not public).
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.route("/healthz")
@allow(PUBLIC)
def healthz() -> tuple[dict[str, str], int]:
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
