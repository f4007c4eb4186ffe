"""An image embedded in a Moodle XML question: stored once, drawn with its question, shown with its alt text."""
import base64
import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AttemptQuestion, Course, QuestionImage

from ..clock import Clock
from ..conftest import sign_in
from .quiz_helpers import start_attempt


def _xml() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(out, "JPEG")
    picture = base64.b64encode(out.getvalue()).decode()
    question = ('<question type="truefalse"><!-- quizapp-question: {{"source": "kcsie"}} --><name><text>{n}</text>'
                '</name><questiontext format="html"><text><![CDATA[<p>Question {n}: is this sign on the map?</p>'
                '<img src="@@PLUGINFILE@@/map.jpg" alt="A street map with the school marked">]]></text>'
                '<file name="map.jpg" path="/" encoding="base64">{p}</file></questiontext>'
                '<generalfeedback format="html"><text>Because.</text></generalfeedback>'
                '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
                "</question>")
    return ('<?xml version="1.0"?><quiz><!-- quizapp-source: {"id": "kcsie", "title": "KCSIE"} -->'
            + "".join(question.format(n=n, p=picture) for n in ("one", "two")) + "</quiz>")


def test_image_is_stored_once_drawn_and_served_to_signed_in_people(app: Flask, client: FlaskClient, people: dict,
                                                                   clock: Clock, tmp_path: Path) -> None:
    path = tmp_path / "maps.xml"
    path.write_text(_xml())
    result = app.test_cli_runner().invoke(args=["banks", "import", str(path), "--bank-id", "maps", "--title", "Maps"])
    assert result.exit_code == 0, result.output
    assert "maps: 2 ready, 0 drafts" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionImage)) == 1  # the same picture twice
        digest = db.session.scalar(select(QuestionImage.sha256))
        course_id = db.session.scalar(select(Course.id).where(Course.title == "Maps"))
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert html.count(f'<img class="question-image" src="/question-images/{digest}.png" '
                      'alt="A street map with the school marked">') == 2
    with app.app_context():
        item = db.session.scalar(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id))
        assert item.images == [{"sha256": digest, "alt": "A street map with the school marked"}]
    served = client.get(f"/question-images/{digest}.png")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert Image.open(io.BytesIO(served.data)).size == (40, 20)
    assert "private" in served.headers["Cache-Control"]
    assert client.get(f"/question-images/{'b' * 64}.png").status_code == 404
    anonymous = app.test_client().get(f"/question-images/{digest}.png")
    assert anonymous.status_code == 302 and re.search(r"/sign-in\?next=", anonymous.headers["Location"])
