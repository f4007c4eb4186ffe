"""Stored XSS: hostile text in names, school names and bank content stays text on every page, PDF and export."""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from flask import Flask

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Course, CourseBank, Question, QuestionBank

from ..conftest import TEST_CONFIG
from .objects import build_url, client_for, seed, url_values

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Each field gets its own marker, so the test can tell which field a page displayed.
FIELDS = {
    "first name": "Fn" + SCRIPT,
    "last name": "Ln" + IMG,
    "school": "Sc" + IMG + SCRIPT,
    "course title": "Ct" + SCRIPT + IMG,
    "bank title": "Bt" + IMG,
    "prompt": "Pr" + SCRIPT + IMG,
    "option": "Op" + IMG,
    "explanation": "Ex" + SCRIPT + IMG,
    "learning": "Le" + SCRIPT + " " + IMG,
}
# Pages that must show these fields (as text), so "inert" cannot pass just because nothing was shown.
MUST_SHOW = {
    "main.home": {"first name", "last name"},
    "staff.my_training": {"course title"},
    "staff.course": {"course title", "learning"},
    "staff.attempt": {"prompt", "option"},
    "staff.result": {"prompt", "option", "explanation"},
    "staff.my_certificates": {"course title"},
    "public.verify_code": {"first name", "last name", "course title"},
    "dsl.dashboard": {"first name", "last name", "school"},
    "dsl.person": {"first name", "last name", "course title", "school"},
    "reminders.confirm": {"first name", "last name"},
    "external.queue": {"first name", "last name"},
    "external.group": {"first name", "last name"},
    "admin.certificates": {"first name", "last name", "course title", "school"},
    "admin.users": {"first name", "last name", "school"},
    "admin.schools": {"school"},
    "admin.banks": {"bank title"},
    "admin.bank": {"bank title", "prompt", "option"},
    "admin.courses": {"course title"},
}
VIEWERS = ("anonymous", "staff", "dsl", "admin")


class _Scan(HTMLParser):
    """Collects the page's visible text and anything that would run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.live: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.live.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.live.append(f"<script {values}>")
        if tag in ("img", "iframe", "object", "embed") and values.get("src") == "x":
            self.live.append(f"<{tag} src=x>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def scan(html: str) -> tuple[str, list[str]]:
    """The page's text and every live script-bearing construct found in it."""
    parser = _Scan()
    parser.feed(html)
    parser.close()
    return "".join(parser.text), parser.live


def _hostile_course(session) -> Course:
    bank = QuestionBank(slug="hostile", title=FIELDS["bank title"], edition="2026-01", summary=FIELDS["bank title"],
                        learning=f"## Read\n\n{FIELDS['learning']}\n\n[click](javascript:alert(1))",
                        sources=[{"id": "s", "title": "Source" + IMG, "url": "https://example.org/s?q=\"><b>"}])
    session.add(bank)
    for i in range(3):
        options = [{"text": FIELDS["option"], "correct": True}, {"text": f"Other {i}", "correct": False}]
        session.add(Question(bank=bank, qid=f"x{i}", version=1, type="single", prompt=f"{FIELDS['prompt']} {i}",
                             options=options, explanation=FIELDS["explanation"], source_id="s",
                             source_title="Source" + SCRIPT, source_url="https://example.org/s?q=\"><b>", tags=[],
                             content_hash=f"x{i}"))
    course = Course(title=FIELDS["course title"], summary=FIELDS["course title"], time_limit_minutes=10,
                    pass_mark_pct=50, max_attempts_per_day=5, cooldown_minutes=0, validity_months=12)
    course.banks = [CourseBank(bank=bank, question_count=3, position=0)]
    session.add(course)
    session.flush()
    return course


def _get_routes(app: Flask) -> list[tuple[str, set[str]]]:
    return sorted({(rule.endpoint, frozenset(rule.arguments)) for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint != "static"})


ROUTES = _get_routes(create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"}))


@pytest.fixture()
def hostile(app: Flask) -> dict:
    """The cast of the route tests, with hostile names, school and course; staff has also started a new attempt."""
    with app.app_context():
        cast = seed(db.session, first_name=FIELDS["first name"], last_name=FIELDS["last name"],
                    school_a=FIELDS["school"], course=_hostile_course(db.session))
    staff = client_for(app, cast, "staff")
    started = staff.post(f"/courses/{cast.course_id}/start")
    running = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))
    return {"cast": cast, "running_attempt": running}


def _url_for_viewer(app: Flask, endpoint: str, arguments: set[str], values: dict, running: int) -> str:
    if endpoint == "staff.attempt":  # the quiz page of the attempt in progress, not the finished one
        values = {**values, "attempt_id": running}
    return build_url(app, endpoint, set(arguments), values)


def test_hostile_text_is_inert_on_every_page_that_shows_it(app: Flask, hostile: dict) -> None:
    cast, values = hostile["cast"], url_values(hostile["cast"])
    shown: dict[str, set[str]] = {}
    live_found: list[str] = []
    for viewer in VIEWERS:
        client = client_for(app, cast, viewer)
        for endpoint, arguments in ROUTES:
            url = _url_for_viewer(app, endpoint, arguments, values, hostile["running_attempt"])
            response = client.get(url)
            body = response.get_data()
            response.close()
            if not response.mimetype.startswith("text/html"):
                continue
            text, live = scan(body.decode())
            live_found += [f"{viewer} {url}: {item}" for item in live]
            shown.setdefault(endpoint, set()).update(f for f, value in FIELDS.items() if value in text)
    assert not live_found, "script-bearing markup from stored text:\n" + "\n".join(live_found)
    missing = {endpoint: sorted(fields - shown.get(endpoint, set()))
               for endpoint, fields in MUST_SHOW.items() if endpoint in app.view_functions}
    assert not any(missing.values()), f"pages that should show the hostile text as text did not: {missing}"
    everywhere = set().union(*shown.values())
    assert set(FIELDS) - {"school", "bank title"} <= everywhere


def test_hostile_text_is_literal_in_the_certificate_pdf(app: Flask, hostile: dict) -> None:
    from pypdf import PdfReader

    client = client_for(app, hostile["cast"], "staff")
    response = client.get(f"/certificates/{hostile['cast'].certificate_id}/download")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    flat = "".join(text.split())
    for field in ("first name", "last name", "course title"):
        assert "".join(FIELDS[field].split()) in flat, f"the {field} is not printed literally: {text!r}"


def test_hostile_text_is_literal_in_the_training_record_and_evidence_pack(app: Flask, hostile: dict) -> None:
    import zipfile

    from pypdf import PdfReader

    client = client_for(app, hostile["cast"], "dsl")
    record = client.get(f"/dsl/people/{hostile['cast'].people['staff']}/training-record.pdf").get_data()
    from ..web.dsl_helpers import build_pack

    with zipfile.ZipFile(io.BytesIO(build_pack(client)[1].get_data())) as archive:
        summary = archive.read("summary.pdf")
    for pdf in (record, summary):
        text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        for field in ("first name", "last name", "school"):
            assert "".join(FIELDS[field].split()) in text, f"the {field} is not printed literally: {text!r}"


def _export(app: Flask, hostile: dict, endpoint: str) -> bytes:
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} does not exist yet")
    client = client_for(app, hostile["cast"], "dsl")
    response = client.get(build_url(app, endpoint, set(), url_values(hostile["cast"])))
    assert response.status_code == 200
    return response.get_data()


def test_hostile_text_is_literal_in_the_csv_export(app: Flask, hostile: dict) -> None:
    rows = list(csv.reader(io.StringIO(_export(app, hostile, "dsl.export_csv").decode("utf-8-sig"))))
    cells = {cell for row in rows for cell in row}
    joined = "\n".join(cells)
    assert FIELDS["first name"] in joined and FIELDS["last name"] in joined, rows[:3]


def test_hostile_text_is_plain_text_in_the_xlsx_export(app: Flask, hostile: dict) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(_export(app, hostile, "dsl.export_xlsx")))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    texts = [str(cell.value) for cell in cells if cell.value is not None]
    assert any(FIELDS["first name"] in t for t in texts) and any(FIELDS["last name"] in t for t in texts)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a cell became a formula"


def test_bank_files_cannot_carry_script_links() -> None:
    """Source links are printed as href, so the bank schema (the only way in) accepts http(s) URLs only."""
    from pydantic import ValidationError

    from quizapp.banks.schema import SourceSpec

    for url in ("javascript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>"):
        with pytest.raises(ValidationError):
            SourceSpec(id="s", title="A source", url=url)
    assert SourceSpec(id="s", title="A source", url="https://example.org/a").url == "https://example.org/a"


def test_the_scanner_finds_live_markup() -> None:
    """The checker itself can fail: raw payloads are caught, escaped ones are not."""
    _, live = scan(f"<p>{SCRIPT}</p><p>{IMG}</p><a href='javascript:alert(1)'>x</a>")
    assert len(live) == 4  # the script, the onerror attribute, the img src=x, the javascript: link
    text, live = scan("<p>&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</p>")
    assert not live and text == SCRIPT + IMG
