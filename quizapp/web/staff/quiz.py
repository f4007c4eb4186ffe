"""The quiz itself: the page, saving each answer, submitting, and the review."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from ...audit import record_view
from ...certificates.issue import on_pass
from ...config import now
from ...engine import timing
from ...engine.questions import kind_of
from ...engine.refusal import Refused
from ...engine.review import review_shows
from ...extensions import db
from ...models import Attempt, AttemptState, Certificate, FinishReason
from ...quiz.answers import NotWritten, save_all, save_answer, why_not_saved
from ...quiz.attempts import finalise, finalise_if_overdue
from ..forms import ConfirmForm
from ..permissions import SIGNED_IN, allow, can_see_person
from ..security import keep_changes
from . import bp

# The "How sure are you?" radios' values; a prefix no option id can have (ids are URL-safe base64).
SURE_YES, SURE_NO = "sure:yes", "sure:no"
# The most chosen ids, and the longest id, a posted answer may carry: the save writes what is posted before it
# checks it (and rolls back a refusal), so what it may write is bounded here, well above any real question's.
POSTED_MAX = 64


def _own_attempt(attempt_id: int, with_questions: bool = True) -> Attempt:
    """The signed-in person's own attempt; anyone else's is a 404."""
    attempt = db.session.get(Attempt, attempt_id,
                             options=[selectinload(Attempt.questions)] if with_questions else None)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _answers_from_form() -> dict[int, list[str]]:
    answers: dict[int, list[str]] = {}
    for key in request.form:
        if key.startswith("q") and key[1:].isdigit():
            # A select left at "Choose a match" sends an empty value: nothing chosen for that item yet.
            answers[int(key[1:])] = [value for value in request.form.getlist(key) if value]
    return answers


def _sure_from_form() -> dict[int, bool]:
    """ "How sure are you?" per question ("s<id>" = sure:yes / sure:no), where the course asks."""
    return {int(key[1:]): request.form[key] == SURE_YES for key in request.form
            if key.startswith("s") and key[1:].isdigit() and request.form[key] in (SURE_YES, SURE_NO)}


@bp.route("/attempts/<int:attempt_id>")
@allow(SIGNED_IN)
def attempt(attempt_id: int) -> str | Response:
    """The quiz page: saved answers ticked, the deadline from the server's clock."""
    attempt = _own_attempt(attempt_id)
    moment = now()
    if finalise_if_overdue(db.session, attempt, moment, on_pass):
        return redirect(url_for("staff.result", attempt_id=attempt.id))
    return render_template("staff/quiz.html", attempt=attempt, form=ConfirmForm(), kind_of=kind_of,
                           seconds_left=timing.seconds_left(attempt.deadline_at, moment),
                           grace_seconds=int(timing.GRACE.total_seconds()))


def _bounded(item_id: int, options: list[object]) -> bool:
    """A question id a database integer can hold, and a bounded list of option ids."""
    if not 0 < item_id < 2**31 or len(options) > POSTED_MAX:
        return False
    return all(isinstance(o, str) and len(o) <= POSTED_MAX for o in options)


def _posted_answer() -> tuple[int, list[str], bool | None] | None:
    """(question id, option ids, sure) from the page script's JSON, or None when it cannot be read."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return None
    item_id, options, sure = payload.get("question"), payload.get("options"), payload.get("sure")
    if not isinstance(item_id, int) or not isinstance(options, list) or not _bounded(item_id, options):
        return None
    return (item_id, options, sure) if sure is None or isinstance(sure, bool) else None


@bp.route("/attempts/<int:attempt_id>/answers", methods=["POST"])
@allow(SIGNED_IN)
def save(attempt_id: int) -> tuple[Response, int]:
    """Save one answer (JSON from the page's script): {"question": id, "options": [ids], "sure": true|false|null}."""
    answer = _posted_answer()
    if answer is None:
        _own_attempt(attempt_id, with_questions=False)  # someone else's attempt is still a 404
        return jsonify(saved=False, message="The answer could not be read. Reload the page and try again."), 400
    item_id, options, sure = answer
    moment = now()
    try:
        saved = save_answer(db.session, current_user.id, attempt_id, item_id, options, moment, sure=sure)
    except Refused as exc:
        return _not_saved(attempt_id, item_id, exc, moment)
    return jsonify(saved=True, options=saved.options,
                   seconds_left=timing.seconds_left(saved.deadline_at, moment)), 200


def _not_saved(attempt_id: int, item_id: int, refusal: Refused, moment: datetime) -> tuple[Response, int]:
    """Why a save was refused; an attempt found past its deadline is finished here, and that must stand."""
    db.session.rollback()  # the save writes before it checks: a refused answer must not stay
    attempt = _own_attempt(attempt_id)  # someone else's attempt is a 404, whatever the refusal said
    message = why_not_saved(attempt, item_id, moment) if isinstance(refusal, NotWritten) else str(refusal)
    closed = finalise_if_overdue(db.session, attempt, moment, on_pass)
    keep_changes("a refused save may have finalised the attempt, which must stand")
    return jsonify(saved=False, message=message, finished=closed,
                   result_url=url_for("staff.result", attempt_id=attempt.id) if closed else None), (
        409 if closed or attempt.state != AttemptState.IN_PROGRESS.value else 400)


@bp.route("/attempts/<int:attempt_id>/token")
@allow(SIGNED_IN)
def token(attempt_id: int) -> Response:
    """A fresh CSRF token for the quiz page, so a long attempt never loses a save to an expired one."""
    _own_attempt(attempt_id, with_questions=False)
    return jsonify(csrf_token=generate_csrf())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@allow(SIGNED_IN)
def submit(attempt_id: int) -> Response:
    """Save whatever the form carries (works without JavaScript), then finish and grade once."""
    attempt = _own_attempt(attempt_id)
    moment = now()
    if attempt.state == AttemptState.IN_PROGRESS.value:
        problems = save_all(db.session, attempt, _answers_from_form(), moment, _sure_from_form())
        for problem in dict.fromkeys(problems):
            flash(problem, "error")
        reason = (
            FinishReason.SUBMITTED if timing.accepts_saves(attempt.deadline_at, moment) else FinishReason.TIME_EXPIRED
        )
        finalise(db.session, attempt, moment, reason, on_pass)
    return redirect(url_for("staff.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@allow(SIGNED_IN)
def result(attempt_id: int) -> str | Response:
    """Score, pass or not, and a review of every question with the explanation and its source."""
    attempt = db.session.get(Attempt, attempt_id, options=[selectinload(Attempt.questions)])
    if attempt is None or not can_see_person(current_user, attempt.user):
        abort(404)
    if attempt.user_id == current_user.id and not finalise_if_overdue(db.session, attempt, now(), on_pass):
        return redirect(url_for("staff.attempt", attempt_id=attempt.id))
    if attempt.state == AttemptState.IN_PROGRESS.value:
        abort(404)
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.attempt_id == attempt.id).order_by(Certificate.id.desc()).limit(1)
    )
    record_view(db.session, current_user, attempt.user, "attempt.review_view", f"attempt:{attempt.id}", now())
    shows = review_shows(attempt.course.failed_review, bool(attempt.passed), attempt.user_id == current_user.id)
    return render_template("staff/result.html", attempt=attempt, certificate=certificate, shows=shows,
                           kind_of=kind_of)
