"""Whole journeys in a real browser against the real server: staff quiz to certificate, the deadline, DSL and admin."""
from __future__ import annotations

import re
import shutil
import subprocess  # nosec B404 - runs poppler's pdftoppm on a file this test wrote
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from quizapp.certificates.pdf import format_date
from quizapp.engine.timing import GRACE
from quizapp.models import Attempt, AttemptQuestion, Certificate

from .conftest import LiveServer, sign_in, tool_unavailable

pytestmark = pytest.mark.e2e

FOCUSED = """() => { const el = document.activeElement;
  const fs = el && el.closest ? el.closest('fieldset[data-question]') : null;
  return {tag: el.tagName, type: el.type || '', value: el.value || '', text: (el.textContent || '').trim(),
          question: fs ? fs.dataset.question : null, checked: !!el.checked}; }"""


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertions."""
    from playwright.sync_api import expect as pw_expect

    return pw_expect(target)


def _attempt_id(page: Any) -> int:
    match = re.search(r"/attempts/(\d+)", page.url)
    assert match, f"not on a quiz page: {page.url}"
    return int(match.group(1))


def _items(live: LiveServer, attempt_id: int) -> list[AttemptQuestion]:
    with live.session() as session:
        return list(session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
                                    .order_by(AttemptQuestion.position)))


def _tab_until(page: Any, wanted: Callable[[dict], bool], what: str, limit: int = 60) -> dict:
    """Press Tab until the focused element is the one wanted (the keyboard is the only input)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError(f"{what} could not be reached with the Tab key in {limit} presses")


def _press_and_save(page: Any, key: str) -> None:
    """Press a key that changes an answer and wait for the server to confirm the save."""
    with page.expect_response(lambda r: r.url.endswith("/answers") and r.request.method == "POST") as saved:
        page.keyboard.press(key)
    assert saved.value.status == 200, saved.value.text()


def _answer_with_keyboard(page: Any, item: AttemptQuestion) -> None:
    """Reach the question with Tab, choose its right options with Space or the arrow keys, wait for "Saved"."""
    focused = _tab_until(page, lambda f: f["question"] == str(item.id), f"question {item.position}")
    option_ids = [o["id"] for o in item.options]
    if item.type == "multiple":  # checkboxes: Tab walks them in order, Space ticks
        for index, option_id in enumerate(option_ids):
            if index:
                page.keyboard.press("Tab")
                focused = page.evaluate(FOCUSED)
            assert focused["value"] == option_id
            if option_id in item.correct_option_ids:
                _press_and_save(page, "Space")
    else:  # radios: Tab lands on the first option, the arrow keys move and choose
        target = item.correct_option_ids[0]
        assert focused["value"] == option_ids[0]
        if target == option_ids[0]:
            _press_and_save(page, "Space")
        while page.evaluate(FOCUSED)["value"] != target:
            _press_and_save(page, "ArrowDown")
    fieldset = page.locator(f'fieldset[data-question="{item.id}"]')
    expect(fieldset.locator(".question-status")).to_have_text("Saved")
    for option_id in item.correct_option_ids:
        expect(fieldset.locator(f'input[value="{option_id}"]')).to_be_checked()


def _timer_seconds(page: Any) -> int:
    timer = page.get_by_role("timer", name="Time remaining")
    expect(timer).to_have_text(re.compile(r"^\d+:\d\d$"))
    minutes, seconds = timer.inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)


def _qr_codes(path: Path) -> list[str]:
    """Rasterise the PDF at 150 dpi with poppler and decode every QR code on it with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        tool_unavailable("poppler's pdftoppm is not installed (apt package poppler-utils)")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(path.with_suffix(""))],  # nosec B603 B607
                   check=True, timeout=60)
    images = sorted(path.parent.glob(f"{path.stem}*.png"))
    assert images, "pdftoppm produced no image"
    return [code.text for image in images for code in zxingcpp.read_barcodes(Image.open(image))
            if code.format == zxingcpp.BarcodeFormat.QRCode]


def _start_quiz(page: Any, course_title: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")
    # The course title is a visually hidden part of the link's name ("... take the quiz: Title").
    link_name = re.compile(rf"Read the module and take the quiz\s*:\s*{re.escape(course_title)}")
    page.get_by_role("link", name=link_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(course_title)
    expect(page.get_by_role("heading", name="Read this first")).to_be_visible()
    expect(page.get_by_text("Read this carefully.")).to_be_visible()
    page.get_by_role("button", name="Start quiz").click()
    expect(page.get_by_role("timer", name="Time remaining")).to_be_visible()


def test_staff_takes_the_quiz_by_keyboard_and_downloads_a_verifiable_certificate(
        page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    live = live_server
    person = live.add_person("staff", first_name="Amara", last_name="Okafor-Lindqvist")
    course_id = live.add_course(questions=6, time_limit=10, title="Keyboard Safeguarding Basics")
    sign_in(page, person)
    _start_quiz(page, "Keyboard Safeguarding Basics")
    attempt_id = _attempt_id(page)
    items = _items(live, attempt_id)
    assert len(items) == 6 and {i.type for i in items} == {"single", "multiple", "true_false"}

    for item in items[:3]:
        _answer_with_keyboard(page, item)
    # A reload 90 seconds later (by the server's clock): answers still ticked, the timer carries on, not reset.
    before = _timer_seconds(page)
    live.shift(90)
    page.reload()
    for item in items[:3]:
        for option_id in item.correct_option_ids:
            expect(page.locator(f'input[value="{option_id}"]')).to_be_checked()
    after = _timer_seconds(page)
    assert before - 90 - 5 <= after <= before - 90, f"timer went from {before}s to {after}s across a reload"

    for item in items[3:]:
        _answer_with_keyboard(page, item)
    _tab_until(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Submit answers", "the Submit answers button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/result$"))
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.get_by_text("You scored 100 % (6 of 6 right)")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download certificate").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / "certificate.pdf"
    download.save_as(pdf)
    with live.session() as session:
        cert = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt_id))
        assert cert is not None and cert.user_id == person.id and cert.course_id == course_id
    text = _pdf_text(pdf)
    for expected in ("Amara Okafor-Lindqvist", "Keyboard Safeguarding Basics", cert.number,
                     format_date(cert.issued_at.date()), format_date(cert.valid_until)):
        assert expected in text, f"{expected!r} is not in the certificate text: {text!r}"
    assert _qr_codes(pdf) == [f"{live.url}/verify/{cert.code}"]
    if "public.verify_code" in live.app.view_functions:  # the QR code's address answers for this certificate
        page.goto(f"{live.url}/verify/{cert.code}")
        expect(page.get_by_text("This certificate is genuine and in date.")).to_be_visible()
        expect(page.get_by_text(cert.number)).to_be_visible()


def test_the_page_submits_itself_at_the_deadline_and_late_saves_are_refused(
        page: Any, live_server: LiveServer) -> None:
    live = live_server
    person = live.add_person("staff")
    live.add_course(questions=3, time_limit=1, cooldown=0, title="One Minute Refresher")
    sign_in(page, person)
    _start_quiz(page, "One Minute Refresher")
    attempt_id = _attempt_id(page)
    first = _items(live, attempt_id)[0]
    for option_id in first.correct_option_ids:  # every right option: the first question may be "select all"
        with page.expect_response(lambda r: r.url.endswith("/answers")) as saved:
            page.locator(f'input[value="{option_id}"]').check()
        assert saved.value.status == 200

    # Move the server's clock to 5 seconds before the deadline; the page learns it on reload.
    with live.session() as session:
        deadline = session.get(Attempt, attempt_id).deadline_at
    live.set_now(deadline - timedelta(seconds=5))
    page.reload()
    assert _timer_seconds(page) <= 5
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/result$"), timeout=15_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("One Minute Refresher: your result")
    expect(page.get_by_text("1 of 3 right")).to_be_visible()
    with live.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state == "finished" and attempt.finish_reason == "submitted"

    # A second attempt, then the clock jumps past deadline + grace while the page still shows time left.
    page.goto(page.url.rsplit("/attempts/", 1)[0] + "/training")
    _start_quiz(page, "One Minute Refresher")
    second_id = _attempt_id(page)
    assert second_id != attempt_id
    item = _items(live, second_id)[0]
    with live.session() as session:
        deadline = session.get(Attempt, second_id).deadline_at
    live.set_now(deadline + GRACE + timedelta(seconds=1))
    assert _timer_seconds(page) > 30
    answers: list[tuple[int, dict]] = []

    def pass_through(route: Any) -> None:
        # Read the server's real answer before the page navigates away from it, then hand it on unchanged.
        response = route.fetch()
        answers.append((response.status, response.json()))
        route.fulfill(response=response)

    page.route("**/answers", pass_through)
    page.locator(f'input[value="{item.options[0]["id"]}"]').check()
    # The page says which answers were not counted, and links to the result instead of leaving at once.
    expect(page.get_by_role("status")).to_contain_text("were not counted: question 1.")
    expect(page.locator(f'fieldset[data-question="{item.id}"] .question-status')).to_contain_text("Not counted")
    page.unroute("**/answers")
    [(status, body)] = answers
    assert status == 409 and body["saved"] is False and body["finished"] is True
    assert body["message"].startswith("Time is up: this answer arrived after the deadline and was not saved.")
    page.get_by_role("link", name="See your result").click()
    page.wait_for_url(re.compile(rf"/attempts/{second_id}/result$"))
    expect(page.get_by_text("Time ran out, so the answers you had saved were submitted.")).to_be_visible()
    with live.session() as session:
        late = session.get(Attempt, second_id)
        assert late.finish_reason == "time_expired"
        assert all(q.answer is None for q in late.questions)


@pytest.fixture(autouse=True)
def _real_time_after(live_server: LiveServer):
    yield
    live_server.reset_clock()


JOURNEY_3 = ("dsl.dashboard", "dsl.export_csv", "dsl.export_xlsx", "admin.certificates", "admin.certificates_zip",
             "admin.revoke_certificate", "public.verify")


def _pass_quiz_with_the_mouse(page: Any, live: LiveServer, course_title: str) -> int:
    _start_quiz(page, course_title)
    attempt_id = _attempt_id(page)
    for item in _items(live, attempt_id):
        for option_id in item.correct_option_ids:
            with page.expect_response(lambda r: r.url.endswith("/answers")) as saved:
                page.locator(f'input[value="{option_id}"]').check()
            assert saved.value.status == 200
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/result$"))
    return attempt_id


def _download(page: Any, link: Any, path: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    info.value.save_as(path)
    return path


def _check_code(page: Any, code: str) -> None:
    page.goto("/verify")
    page.get_by_label("Certificate code").fill(code)
    page.get_by_role("button", name="Check certificate").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()


def _required_course(live: LiveServer, title: str, group: str) -> None:
    from quizapp.models import Course, CourseRequirement

    from ..factories import get_or_create_group

    with live.session() as session:
        course_id = session.scalar(select(Course.id).where(Course.title == title))
        session.add(CourseRequirement(course_id=course_id, staff_group_id=get_or_create_group(session, group).id))
        session.commit()


def test_dsl_sees_and_exports_the_pass_then_the_admin_revokes_it_and_verify_says_so(
        browser: Any, page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    import csv
    import zipfile

    from openpyxl import load_workbook

    live = live_server
    missing = [endpoint for endpoint in JOURNEY_3 if endpoint not in live.app.view_functions]
    if missing:
        pytest.skip(f"not built yet: {', '.join(missing)}")
    group, title = "Journey three group", "Journey Three Required Course"
    staff = live.add_person("staff", school="School A", group=group, first_name="Oluwaseun", last_name="Brightwater")
    dsl = live.add_person("dsl", school="School A", group=None)
    admin = live.add_person("admin", school=None, group=None)
    live.add_course(questions=4, title=title)
    _required_course(live, title, group)

    sign_in(page, staff)
    attempt_id = _pass_quiz_with_the_mouse(page, live, title)
    with live.session() as session:
        cert = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt_id))
    valid_until = format_date(cert.valid_until)

    dsl_page = browser.new_context(base_url=live.url, accept_downloads=True).new_page()
    sign_in(dsl_page, dsl)
    dsl_page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance", exact=True).click()
    dsl_page.get_by_label("Name or email").fill(staff.email)
    dsl_page.get_by_role("button", name="Show", exact=True).click()
    row = dsl_page.get_by_role("row").filter(has=dsl_page.get_by_role("link", name="Brightwater, Oluwaseun"))
    expect(row).to_contain_text(f"Compliant until {valid_until}")
    csv_file = _download(dsl_page, dsl_page.get_by_role("link", name=re.compile("^Download CSV")), tmp_path / "m.csv")
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    line = next(r for r in rows if r["Email"] == staff.email)
    assert (line["Last name"], line[f"{title}: status"]) == ("Brightwater", "Compliant")
    assert line[f"{title}: valid until"] == cert.valid_until.isoformat()
    xlsx = _download(dsl_page, dsl_page.get_by_role("link", name=re.compile("^Download Excel")), tmp_path / "m.xlsx")
    sheet = load_workbook(xlsx).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(values) if "Email" in r)  # title lines may come first
    header, body = values[start], values[start + 1:]
    found = next(dict(zip(header, r, strict=True)) for r in body if staff.email in r)
    assert found[f"{title}: status"] == "Compliant"
    dsl_page.context.close()

    anonymous = browser.new_context(base_url=live.url).new_page()
    _check_code(anonymous, cert.code)
    expect(anonymous.get_by_text("This certificate is genuine and in date.")).to_be_visible()

    admin_page = browser.new_context(base_url=live.url, accept_downloads=True).new_page()
    sign_in(admin_page, admin)
    admin_page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates", exact=True).click()
    admin_page.get_by_label("Search").fill(cert.number)
    admin_page.get_by_role("button", name="Show certificates").click()
    row = admin_page.get_by_role("row").filter(has_text=cert.number)
    expect(row).to_contain_text("Oluwaseun Brightwater")
    archive = _download(admin_page, admin_page.get_by_role("link", name=re.compile("^Download all as ZIP")),
                        tmp_path / "certificates.zip")
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert "manifest.csv" in names and any(cert.number in n and n.endswith(".pdf") for n in names), names
    row.get_by_role("link", name=re.compile(rf"^Revoke\s*{re.escape(cert.number)}")).click()
    admin_page.get_by_label("Reason for revoking").fill("Issued in error: the attempt was taken by someone else.")
    admin_page.get_by_role("button", name="Revoke certificate").click()
    expect(admin_page.get_by_role("row").filter(has_text=cert.number)).to_contain_text("Revoked")
    admin_page.context.close()

    _check_code(anonymous, cert.code)
    expect(anonymous.get_by_text("This certificate was revoked on")).to_be_visible()
    expect(anonymous.get_by_text("Oluwaseun Brightwater")).to_be_visible()
    anonymous.context.close()
