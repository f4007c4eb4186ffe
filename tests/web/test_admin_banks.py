"""The admin "Question banks" and "Courses" screens, and the banks commands over the database."""
import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Course, Question, QuestionBank

from ..conftest import sign_in

SHIPPED = Path(__file__).resolve().parents[2] / "question_banks"
GIFT = """// a small GIFT bank
::gq-001::Which number should you ring in an emergency?{=999 ~101 ~111####999 is for emergencies.}

::gq-002::Staff should promise to keep a disclosure secret.{F####Never promise secrecy: tell the DSL.}
"""


def _import_shipped(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["banks", "import"])
    assert result.exit_code == 0, result.output


def test_banks_import_is_idempotent_and_creates_one_course_per_bank(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["banks", "import"])
    assert first.exit_code == 0, first.output
    assert "sextortion-signs: 35 added" in first.output or "sextortion-signs:" in first.output
    with app.app_context():
        banks = db.session.scalar(select(func.count()).select_from(QuestionBank))
        courses = db.session.scalars(select(Course)).all()
        assert banks == len(list(SHIPPED.glob("*.yaml"))) == len(courses)
        assert all(c.question_count == 12 and c.time_limit_minutes == 15 and c.pass_mark_pct == 80
                   and c.validity_months == 12 for c in courses)
        questions = db.session.scalar(select(func.count()).select_from(Question))
    second = runner.invoke(args=["banks", "import"])
    assert ", 0 added, 0 changed, 0 retired" in second.output.replace(": 0 added", ", 0 added")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Question)) == questions
        assert db.session.scalar(select(func.count()).select_from(Course)) == len(courses)


def test_changed_question_gets_a_version_and_missing_one_retires(app: Flask, tmp_path: Path) -> None:
    _import_shipped(app)
    text = (SHIPPED / "doxing.yaml").read_text()
    first_prompt = re.search(r"prompt: (.+)", text).group(1)
    edited = text.replace(first_prompt, first_prompt.rstrip() + " (edited)", 1)
    edited = re.sub(r"\n  - id: dx-034\n.*\Z", "\n", edited, flags=re.S)  # drop the last question
    path = tmp_path / "doxing.yaml"
    path.write_text(edited)
    result = app.test_cli_runner().invoke(args=["banks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "doxing: 0 added, 1 changed, 1 retired" in result.output
    with app.app_context():
        rows = db.session.scalars(select(Question).where(Question.qid == "dx-001")
                                  .order_by(Question.version)).all()
        assert [r.version for r in rows] == [1, 2]
        assert rows[0].superseded_at is not None and rows[1].prompt.endswith("(edited)")
        retired = db.session.scalar(select(Question).where(Question.qid == "dx-034"))
        assert retired.retired_at is not None


def test_broken_file_imports_nothing_and_names_the_line(app: Flask, tmp_path: Path) -> None:
    text = (SHIPPED / "doxing.yaml").read_text().replace("type: single", "type: essay", 1)
    path = tmp_path / "doxing.yaml"
    path.write_text(text)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["banks", "import", str(path)])
    assert result.exit_code == 1
    assert re.search(r"doxing\.yaml:\d+", result.output) and "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionBank)) == 0
    assert runner.invoke(args=["banks", "validate", str(path)]).exit_code == 1
    assert runner.invoke(args=["banks", "validate"]).exit_code == 0


def test_export_round_trips_through_gift(app: Flask, tmp_path: Path) -> None:
    _import_shipped(app)
    out = tmp_path / "doxing.gift"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["banks", "export", "doxing", "--format", "gift", "-o", str(out)]).exit_code == 0
    result = runner.invoke(args=["banks", "import", str(out), "--bank-id", "doxing", "--title", "Doxing"])
    assert result.exit_code == 0, result.output
    assert "0 added, 0 changed, 0 retired, 34 unchanged" in result.output


def _admin(client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])


def test_admin_upload_previews_then_applies(app: Flask, client: FlaskClient, people: dict) -> None:
    _admin(client, people)
    data = {"file": (io.BytesIO(GIFT.encode()), "small.gift"), "format": "", "bank_id": "small-bank",
            "title": "Small bank"}
    preview = client.post("/admin/banks/upload", data=data, content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "add 2 questions" in html and "Apply import" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionBank)) == 0
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', html).group(1)
    applied = client.post("/admin/banks/apply", data={"payload": payload})
    assert applied.status_code == 302 and applied.headers["Location"].endswith("/admin/banks/small-bank")
    page = client.get("/admin/banks/small-bank").get_data(as_text=True)
    assert "Which number should you ring in an emergency?" in page and "Download as gift" in page
    assert client.post("/admin/banks/apply", data={"payload": payload + "x"}).status_code == 302


def test_admin_upload_with_errors_lists_them_by_line(client: FlaskClient, people: dict) -> None:
    _admin(client, people)
    bad = "::gq-001::Essay please{}\n\n::gq-002::Pick one{=a ~A ~c}\n"  # not skipped: the box is not ticked
    data = {"file": (io.BytesIO(bad.encode()), "bad.gift"), "bank_id": "bad", "title": "Bad"}
    response = client.post("/admin/banks/upload", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "nothing was imported" in html
    assert "bad.gift:1" in html and "bad.gift:3" in html


def test_admin_courses_create_validate_and_close(app: Flask, client: FlaskClient, people: dict) -> None:
    _import_shipped(app)
    with app.app_context():
        bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == "doxing"))
        bank_id = bank.id
    _admin(client, people)
    form = {"title": "Doxing refresher", "summary": "Short", "time_limit_minutes": "10", "pass_mark_pct": "75",
            "max_attempts_per_day": "2", "cooldown_minutes": "0", "validity_months": "24", "active": "y",
            f"bank-{bank_id}": "500"}
    bad = client.post("/admin/courses/new", data=form).get_data(as_text=True)
    assert "has 34 live questions; draw between 0 and 34" in bad
    form[f"bank-{bank_id}"] = "8"
    assert client.post("/admin/courses/new", data=form).status_code == 302
    listing = client.get("/admin/courses").get_data(as_text=True)
    assert "Doxing refresher" in listing and "8 questions, 10 min, pass 75 %" in listing
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == "Doxing refresher"))
        course_id = course.id
    client.post(f"/admin/courses/{course_id}/active")
    with app.app_context():
        assert db.session.get(Course, course_id).active is False
    duplicate = client.post("/admin/courses/new", data=form).get_data(as_text=True)
    assert "Another course already has this title." in duplicate


def test_staff_cannot_reach_admin_banks_or_courses(client: FlaskClient, people: dict) -> None:
    sign_in(client, people["staff_email"])
    for url in ("/admin/banks", "/admin/courses", "/admin/courses/new"):
        assert client.get(url).status_code == 403
