"""Imported questions lacking an explanation or a source wait as drafts: stored, flagged, counted, never drawn."""
import io
import random
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import Course, Question, QuestionBank
from quizapp.quiz.attempts import new_attempt
from quizapp.quiz.courses import live_counts

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_user

# Two questions cite a source (ready); one has no general feedback and one no source (drafts).
GIFT = """// quizapp-source: {"id": "kcsie", "title": "Keeping children safe in education"}
// quizapp-question: {"source": "kcsie"}
::dr-001::Who do you tell first?{=The DSL ~A friend ~Nobody####The DSL, straight away.}

// quizapp-question: {"source": "kcsie"}
::dr-002::Can you promise secrecy?{F####Never.}

// quizapp-question: {"source": "kcsie"}
::dr-003::Which is a sign of neglect?{=Hunger ~A new coat}

::dr-004::Who keeps the child protection records?{=The DSL ~The caretaker####The DSL keeps them.}
"""


def _import(app: Flask, tmp_path) -> str:
    path = tmp_path / "drafts.gift"
    path.write_text(GIFT)
    result = app.test_cli_runner().invoke(args=["banks", "import", str(path), "--bank-id", "drafts",
                                                "--title", "Drafts"])
    assert result.exit_code == 0, result.output
    return result.output


def test_command_reports_ready_drafts_and_their_lines(app: Flask, tmp_path) -> None:
    output = _import(app, tmp_path)
    assert "drafts: 2 ready, 2 drafts (never drawn until completed), 0 left out" in output
    assert "draft: drafts.gift:9: dr-003: Needs an explanation" in output
    assert "draft: drafts.gift:11: dr-004: Needs a source" in output
    assert "drafts: 4 added, 0 changed, 0 retired, 0 unchanged; 2 imported as drafts (new bank)" in output
    with app.app_context():
        status = dict(db.session.execute(select(Question.qid, Question.status)).all())
        assert status == {"dr-001": "ready", "dr-002": "ready", "dr-003": "draft", "dr-004": "draft"}
        bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == "drafts"))
        assert live_counts(db.session)[bank.id] == 2
        course = db.session.scalar(select(Course).where(Course.title == "Drafts"))
        assert course.banks[0].question_count == 2  # the default course draws only what can be drawn


def test_a_draft_is_never_drawn_into_an_attempt(app: Flask, tmp_path, clock: Clock) -> None:
    _import(app, tmp_path)
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == "Drafts"))
        person = make_user(db.session)
        for seed in range(20):
            attempt = new_attempt(db.session, person, course, clock.now, random.Random(seed))
            assert sorted(item.prompt for item in attempt.questions) == [
                "Can you promise secrecy?", "Who do you tell first?"]
            db.session.rollback()


def test_the_database_refuses_a_ready_question_without_an_explanation(app: Flask, tmp_path) -> None:
    _import(app, tmp_path)
    with app.app_context():
        draft = db.session.scalar(select(Question).where(Question.qid == "dr-003"))
        draft.status = "ready"
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_admin_preview_counts_and_bank_page_flags_drafts(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    data = {"file": (io.BytesIO(GIFT.encode()), "drafts.gift"), "bank_id": "drafts", "title": "Drafts",
            "skip_unsupported": "y"}
    preview = client.post("/admin/banks/upload", data=data, content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 ready, 2 drafts, 0 left out." in html
    assert "drafts.gift:9: dr-003: Needs an explanation" in html
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/admin/banks/apply", data={"payload": payload}).status_code == 302
    page = client.get("/admin/banks/drafts").get_data(as_text=True)
    assert "2 draft questions need attention" in page
    assert "dr-003: Needs an explanation" in page and "dr-004: Needs a source" in page


def test_command_leaves_out_unsupported_types_only_when_told(app: Flask) -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "unit" / "fixtures" / "real" / "moodle-export.xml"
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["banks", "import", str(path), "--bank-id", "moodle", "--title", "From Moodle"])
    assert refused.exit_code == 1 and "moodle-export.xml:202: Who leads: 'shortanswer'" in refused.output
    assert "nothing was imported" in refused.output
    taken = runner.invoke(args=["banks", "import", str(path), "--bank-id", "moodle", "--title", "From Moodle",
                                "--skip-unsupported"])
    assert taken.exit_code == 0, taken.output
    assert "moodle: 0 ready, 7 drafts (never drawn until completed), 5 left out" in taken.output
    assert "left out: moodle-export.xml:228: Intro: 'description' questions are not supported" in taken.output
    assert "note: moodle-export.xml:122: Partial credit: partial credit was dropped" in taken.output
    with app.app_context():
        stored = db.session.scalars(select(Question.type).order_by(Question.qid)).all()
        assert stored == ["single", "multiple", "true_false", "single", "matching", "ordering", "true_false"]
        assert db.session.scalar(select(Course).where(Course.title == "From Moodle")) is None  # drafts only
