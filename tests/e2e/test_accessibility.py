"""axe-core (WCAG 2.0, 2.1, 2.2 A and AA) on every page type, and the quiz at 320 px wide / 200 % zoom.

The pages come from the url_map: every GET route is opened by the viewer its blueprint serves, with the real
objects of "staff" in school A, and checked when it answers with HTML. A new blueprint needs a viewer below.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from ..security.objects import Cast, build_url, seed, url_values
from .conftest import LiveServer, Person, check_accessibility, sign_in

pytestmark = pytest.mark.e2e

VIEWER_BY_BLUEPRINT = {"public": "anonymous", "account": "anonymous", "auth": "anonymous", "main": "staff",
                       "staff": "staff", "dsl": "dsl", "reminders": "dsl", "admin": "admin", "oidc": "anonymous",
                       "external": "dsl", "join": "dsl"}
# Pages whose blueprint serves someone else: the signed-in person's own account page.
VIEWER_BY_ENDPOINT = {"account.my_account": "staff"}


@pytest.fixture(scope="module")
def cast(live_server: LiveServer) -> Cast:
    """Six people in two schools, a passed attempt and certificate for "staff", on the live database."""
    with live_server.session() as session:
        return seed(session)


def _person(cast: Cast, role: str) -> Person:
    return Person(cast.people[role], cast.emails[role], role)


def _pages(live: LiveServer, cast: Cast, viewer: str) -> list[tuple[str, str]]:
    app, values = live.app, url_values(cast)
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        blueprint = rule.endpoint.split(".")[0]
        assert blueprint in VIEWER_BY_BLUEPRINT, (
            f"blueprint {blueprint!r} ({rule.endpoint}) has no viewer: add it to VIEWER_BY_BLUEPRINT in "
            f"tests/e2e/test_accessibility.py")
        if VIEWER_BY_ENDPOINT.get(rule.endpoint, VIEWER_BY_BLUEPRINT[blueprint]) == viewer:
            pages.append((rule.endpoint, build_url(app, rule.endpoint, set(rule.arguments), values)))
    return pages


def _running_attempt_url(page: Any, cast: Cast) -> str:
    """Start (or resume) a quiz through the course page and return the quiz page's address."""
    page.goto(f"/courses/{cast.course_id}")
    page.get_by_role("button", name=re.compile("Start quiz|Continue quiz")).click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    return page.url


def _axe_failures(page: Any, what: str) -> list[str]:
    try:
        check_accessibility(page, what)
    except AssertionError as exc:
        return [str(exc)]
    return []


@pytest.mark.parametrize("viewer", ["anonymous", "staff", "dsl", "admin"])
def test_every_page_has_no_axe_violations(viewer: str, page: Any, live_server: LiveServer, cast: Cast) -> None:
    if viewer != "anonymous":
        sign_in(page, _person(cast, viewer))
    failures, checked = [], []
    for endpoint, url in _pages(live_server, cast, viewer):
        if endpoint == "staff.attempt":
            url = _running_attempt_url(page, cast)
        probe = page.context.request.get(url, max_redirects=0)
        if "text/html" not in probe.headers.get("content-type", "") or probe.status in (301, 302, 303):
            continue  # downloads, exports, JSON and redirects: no page of their own
        page.goto(url)
        checked.append(endpoint)
        failures += _axe_failures(page, f"{endpoint} as {viewer}")
    assert checked, f"no HTML page found for {viewer}"
    assert not failures, "\n\n".join(failures)


def test_sign_in_with_errors_error_pages_and_verify_result(page: Any, live_server: LiveServer, cast: Cast) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    failures = _axe_failures(page, "sign-in with errors")
    page.goto("/no-such-page")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    failures += _axe_failures(page, "404 page")
    if "public.verify" in live_server.app.view_functions:
        page.goto("/verify")
        page.get_by_label("Certificate code").fill(cast.certificate_code)
        page.get_by_role("button", name="Check certificate").click()
        page.wait_for_load_state()
        failures += _axe_failures(page, "verify result")
        page.goto("/verify")
        page.get_by_label("Certificate code").fill("no-such-code")
        page.get_by_role("button", name="Check certificate").click()
        page.wait_for_load_state()
        failures += _axe_failures(page, "verify, unknown code")
    sign_in(page, _person(cast, "staff"))
    page.goto("/admin/audit")
    assert page.get_by_role("heading", level=1).inner_text() == "You do not have access to this page"
    failures += _axe_failures(page, "403 page")
    assert not failures, "\n\n".join(failures)


@pytest.fixture()
def narrow_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A phone-sized window: 320 CSS pixels wide, as 640 pixels at 200 % zoom."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640},
                                  device_scale_factor=2)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_quiz_works_at_320_px_wide(narrow_page: Any, live_server: LiveServer) -> None:
    page = narrow_page
    person = live_server.add_person("staff", first_name="Wilhelmina-Josephine", last_name="Abernethy-Featherstonehaugh")
    course_id = live_server.add_course(questions=4, title="A Rather Long Course Title About Online Safety Online")
    sign_in(page, person)
    page.goto(f"/courses/{course_id}")
    page.get_by_role("button", name="Start quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the quiz page scrolls sideways by {overflow}px at 320px wide"
    controls = page.locator("#quiz-form input:not([type=hidden]), #quiz-form button, header a, header button")
    assert controls.count() > 8
    for index in range(controls.count()):
        control = controls.nth(index)
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, (
            f"control {index} ({control.evaluate('e => e.outerHTML')[:80]}) is outside the 320px window: {box}")
    first = page.locator("#quiz-form fieldset").first
    with page.expect_response(lambda r: r.url.endswith("/answers")) as saved:
        first.locator("input").first.check()
    assert saved.value.status == 200
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(r"/result$"))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the result page scrolls sideways by {overflow}px at 320px wide"
    check_accessibility(page, "result page at 320px")


def test_the_checker_reports_violations(page: Any) -> None:
    """axe really runs and fails: an unlabelled field on a page without a language is caught."""
    page.set_content("<!doctype html><html><head><title>x</title></head><body><main><input type='text'>"
                     "<p style='color:#bbb;background:#fff'>faint</p></main></body></html>")
    with pytest.raises(AssertionError) as caught:
        check_accessibility(page, "a broken page")
    report = str(caught.value)
    assert "label" in report and "html-has-lang" in report and "color-contrast" in report
