"""Matching and ordering questions through the quiz: selects labelled by each item, saved as chosen, graded once."""
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion

from ..clock import Clock
from ..conftest import sign_in
from ..factories import PAIRS, STEPS, make_pair_course
from .quiz_helpers import start_attempt


def _course(app: Flask) -> int:
    with app.app_context():
        course_id = make_pair_course(db.session)
        db.session.commit()
        return course_id


def _items(app: Flask, attempt_id: int) -> dict[str, AttemptQuestion]:
    with app.app_context():
        items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
        return {item.type: item for item in items}


def _right(item: AttemptQuestion) -> list[str]:
    names = {o["text"]: o["id"] for o in item.options}
    if item.type == "matching":
        return [f"{names[k]}={names[v]}" for k, v in PAIRS.items()]
    return [f"{names[s]}={n}" for n, s in enumerate(STEPS, start=1)]


def test_quiz_page_has_a_labelled_select_per_item_and_no_answers(app: Flask, client: FlaskClient, people: dict,
                                                                   clock: Clock) -> None:
    course_id = _course(app)
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    items = _items(app, attempt_id)
    for option in items["matching"].options + items["ordering"].options:
        if option["role"] == "item":
            assert re.search(rf'<label for="o-{option["id"]}">{re.escape(option["text"])}</label>\s*'
                             rf'<select name="q\d+" id="o-{option["id"]}">', html)
    assert html.count("<select") == len(PAIRS) + len(STEPS)
    assert "Give each step its place in the order: 1 is first." in html and ">4 (last)<" in html
    assert "Because." not in html
    positions = [o["text"] for o in items["ordering"].options]
    assert positions != STEPS  # never shown already in order


def test_answers_saved_as_chosen_then_graded_and_reviewed(app: Flask, client: FlaskClient, people: dict,
                                                         clock: Clock) -> None:
    course_id = _course(app)
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    items = _items(app, attempt_id)
    matching, ordering = items["matching"], items["ordering"]
    first = _right(matching)[:1]
    saved = client.post(f"/attempts/{attempt_id}/answers", json={"question": matching.id, "options": first})
    assert saved.status_code == 200 and saved.get_json()["options"] == first
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'value="{first[0]}" selected' in html  # a reload shows the saved choice
    bad = client.post(f"/attempts/{attempt_id}/answers", json={"question": ordering.id, "options": ["x=1"]})
    assert bad.status_code == 400
    # Without JavaScript the form carries every select, unchosen ones empty.
    form = {f"q{matching.id}": _right(matching), f"q{ordering.id}": [*_right(ordering), ""]}
    assert client.post(f"/attempts/{attempt_id}/submit", data=form).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.passed is True and attempt.correct_count == 2
    review = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "<li>DSL: Designated safeguarding lead</li>" in review
    assert "<li>Listen without judging: 1</li>" in review


def test_one_wrong_pair_or_step_loses_the_mark(app: Flask, client: FlaskClient, people: dict, clock: Clock) -> None:
    course_id = _course(app)
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    items = _items(app, attempt_id)
    steps = _right(items["ordering"])
    swapped = [steps[0].replace("=1", "=2"), steps[1].replace("=2", "=1"), *steps[2:]]
    form = {f"q{items['matching'].id}": _right(items["matching"])[:2], f"q{items['ordering'].id}": swapped}
    client.post(f"/attempts/{attempt_id}/submit", data=form)
    with app.app_context():
        results = {i.type: i.correct for i in db.session.get(Attempt, attempt_id).questions}
        assert results == {"matching": False, "ordering": False}
