"""My training, the course page and starting a quiz."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...certificates.issue import on_pass
from ...config import now
from ...engine import rules, timing
from ...engine.refusal import Refused
from ...extensions import db
from ...models import Course, OrgSettings
from ...policies.acknowledge import to_read
from ...policies.standing import load_book
from ...quiz.attempts import in_progress, start_context, start_or_resume
from ...quiz.training import training_lines
from ...quiz.updates import owed_updates, start_update
from ...training.ledger import cpd_ledger
from ..forms import ConfirmForm
from ..markdown import render_markdown
from ..permissions import SIGNED_IN, allow
from . import bp


@bp.route("/training")
@allow(SIGNED_IN)
def my_training() -> str:
    """Each policy to read and each course, with its status and the next action."""
    moment = now()
    lines = training_lines(db.session, current_user, moment, OrgSettings.current(db.session).due_soon_days)
    policies = to_read(db.session, load_book(db.session), current_user, moment)
    return render_template("staff/my_training.html", lines=lines, to_read=policies, form=ConfirmForm(),
                           ledger=cpd_ledger(db.session, current_user.id))


def _course_or_404(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None or not course.active:
        abort(404)
    return course


@bp.route("/courses/<int:course_id>")
@allow(SIGNED_IN)
def course(course_id: int) -> str:
    """The learning page and, before starting, what the quiz involves or why it cannot start."""
    course = _course_or_404(course_id)
    moment = now()
    running = in_progress(db.session, current_user, course)
    if running is not None and timing.is_overdue(running.deadline_at, moment):
        running = None  # finalised when started or looked at; shown here as no longer running
    ctx = start_context(db.session, current_user, course)
    learning = [(link.bank, render_markdown(link.bank.learning)) for link in course.banks]
    return render_template(
        "staff/course.html", course=course, learning=learning, running=running, form=ConfirmForm(),
        update=owed_updates(db.session, current_user.id, moment).get(course.id),
        allowance=timing.describe_allowance(course.time_limit_minutes, current_user.extra_time_pct),
        reasons=[] if running else rules.reasons_not_to_start(ctx, moment),
        attempts_left=rules.attempts_left_today(ctx, moment))


@bp.route("/courses/<int:course_id>/update/start", methods=["POST"])
@allow(SIGNED_IN)
def start_update_quiz(course_id: int) -> Response:
    """Start the short update quiz a material bank edition asks for, or carry on with the quiz in progress."""
    course = _course_or_404(course_id)
    try:
        attempt = start_update(db.session, current_user, course, now(), on_pass)
    except Refused as refused:
        for reason in refused.reasons:
            flash(reason, "error")
        return redirect(url_for("staff.course", course_id=course.id))
    return redirect(url_for("staff.attempt", attempt_id=attempt.id))


@bp.route("/courses/<int:course_id>/start", methods=["POST"])
@allow(SIGNED_IN)
def start(course_id: int) -> Response:
    """Start a new attempt, or carry on with the one in progress."""
    course = _course_or_404(course_id)
    try:
        attempt = start_or_resume(db.session, current_user, course, now(), on_pass)
    except Refused as refused:
        for reason in refused.reasons:
            flash(reason, "error")
        return redirect(url_for("staff.course", course_id=course.id))
    return redirect(url_for("staff.attempt", attempt_id=attempt.id))
