"""Importing a new edition of a bank in use asks whether it is material and what changed, on screen and in the CLI."""
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import BankEdition, OrgSettings, Question

from ..clock import Clock
from ..conftest import sign_in

GIFT = """::gq-001::Which number should you ring in an emergency?{=999 ~101 ~111####999 is for emergencies.}

::gq-002::Staff should promise to keep a disclosure secret.{F####Never promise secrecy: tell the DSL.}
"""
EDITED = GIFT.replace("Which number", "Which phone number") + """
::gq-003::Who do you tell about a concern?{=The DSL ~Nobody ~A friend####Always the DSL.}
"""


def _preview(client: FlaskClient, text: str) -> tuple[int, str]:
    data = {"file": (io.BytesIO(text.encode()), "small.gift"), "format": "", "bank_id": "small-bank",
            "title": "Small bank"}
    response = client.post("/admin/banks/upload", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def _payload(html: str) -> str:
    found = re.search(r'name="payload" type="hidden" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _versions(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Question)) or 0


def test_new_bank_is_not_asked_but_a_new_edition_is(app: Flask, client: FlaskClient, people: dict,
                                                    clock: Clock) -> None:
    sign_in(client, people["admin_email"])
    status, html = _preview(client, GIFT)
    assert status == 200 and "Is this a material change?" not in html
    assert client.post("/admin/banks/apply", data={"payload": _payload(html)}).status_code == 302
    status, html = _preview(client, EDITED)
    assert "Is this a material change?" in html and "What changed" in html
    payload = _payload(html)
    before = _versions(app)

    refused = client.post("/admin/banks/apply", data={"payload": payload})
    assert refused.status_code == 400 and "Say whether the change is material." in refused.get_data(as_text=True)
    refused = client.post("/admin/banks/apply", data={"payload": payload, "material": "yes", "what_changed": " "})
    assert refused.status_code == 400 and "Say what changed" in refused.get_data(as_text=True)
    assert _versions(app) == before  # nothing applied

    with app.app_context():
        OrgSettings.current(db.session).update_days = 14
        db.session.commit()
    applied = client.post("/admin/banks/apply", data={"payload": payload, "material": "yes",
                                                      "what_changed": "Ring 999 wording; a new question on the DSL."})
    assert applied.status_code == 302 and _versions(app) == before + 2
    with app.app_context():
        (edition,) = db.session.scalars(select(BankEdition)).all()
        assert edition.material and edition.question_ids == ["gq-001", "gq-003"]
        assert edition.update_required_by == date(2026, 12, 7)  # 23 November + 14 days
        assert edition.what_changed == "Ring 999 wording; a new question on the DSL."
        assert edition.imported_by_id == people["admin"]
    page = client.get("/admin/banks/small-bank").get_data(as_text=True)
    assert "<h2>Editions</h2>" in page and "7 December 2026" in page
    assert "Ring 999 wording; a new question on the DSL." in page and "gq-001, gq-003" in page


def test_not_material_edition_has_no_deadline(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    client.post("/admin/banks/apply", data={"payload": _payload(_preview(client, GIFT)[1])})
    html = _preview(client, EDITED)[1]
    assert client.post("/admin/banks/apply", data={"payload": _payload(html), "material": "no"}).status_code == 302
    with app.app_context():
        (edition,) = db.session.scalars(select(BankEdition)).all()
        assert not edition.material and edition.update_required_by is None


def test_cli_material_edition_needs_a_note(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    first, second = tmp_path / "first.gift", tmp_path / "second.gift"
    first.write_text(GIFT)
    second.write_text(EDITED)
    args = ["banks", "import", "--bank-id", "small-bank", "--title", "Small bank"]
    assert runner.invoke(args=[*args, str(first)]).exit_code == 0
    before = _versions(app)
    refused = runner.invoke(args=[*args, "--material", str(second)])
    assert refused.exit_code == 2 and "Say what changed" in refused.output and _versions(app) == before
    app.config["CLOCK"] = Clock(datetime(2026, 12, 3, 8, 0, tzinfo=UTC))
    done = runner.invoke(args=[*args, "--material", "--what-changed", "New DSL question.", str(second)])
    assert done.exit_code == 0, done.output
    assert "material: update required by 2027-01-02" in done.output
    with app.app_context():
        (edition,) = db.session.scalars(select(BankEdition)).all()
        assert edition.material and edition.what_changed == "New DSL question."
