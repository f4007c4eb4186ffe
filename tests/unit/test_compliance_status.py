"""Status per person x course at the boundaries, computed both ways: the page's `status_for` and the SQL twin."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.compliance.asat import as_at, present
from quizapp.compliance.cells import required_cells
from quizapp.compliance.matrix import MatrixFilter, all_rows
from quizapp.compliance.requirements import load_requirements
from quizapp.compliance.status import Status, status_for

from ..factories import make_course, make_user
from ..web.dsl_helpers import D0, T0, attempt, backdate_people, certificate, require

DAY = timedelta(days=1)


def _sql_statuses(session: Session, when, narrow: bool = False) -> dict[tuple[int, int], str]:
    cells = required_cells(when, [present(when)], narrow=narrow).subquery()
    return {(u, c): s for u, c, s in session.execute(select(cells.c.user_id, cells.c.course_id, cells.c.status))}


def _page_statuses(session: Session, when) -> dict[tuple[int, int], str]:
    reqs = load_requirements(session)
    rows = all_rows(session, MatrixFilter(), when, reqs)
    return {(r.person_id, cell.course_id): cell.status.value for r in rows for cell in r.cells}


def _case(session: Session, name: str):
    return make_user(session, "staff", first_name=name, group="Teaching staff")


def _build(session: Session) -> tuple[dict[str, int], int, int]:
    course = make_course(session, title="Annual safeguarding")
    optional = make_course(session, title="Optional extra")
    require(session, course, "Teaching staff")
    require(session, optional, "Volunteers")
    cases: dict[str, int] = {}

    def person(name: str):
        user = _case(session, name)
        cases[name] = user.id
        return user

    certificate(session, person("beyond_window"), course, T0 - 300 * DAY, D0 + 31 * DAY)
    certificate(session, person("window_last_day"), course, T0 - 300 * DAY, D0 + 30 * DAY)
    certificate(session, person("expiry_day"), course, T0 - 300 * DAY, D0)
    certificate(session, person("day_after_expiry"), course, T0 - 400 * DAY, D0 - DAY)
    certificate(session, person("revoked"), course, T0 - 10 * DAY, D0 + 200 * DAY, revoked=T0 - DAY)
    lapsed_then_revoked = person("lapsed_then_revoked")
    certificate(session, lapsed_then_revoked, course, T0 - 500 * DAY, D0 - 100 * DAY)
    certificate(session, lapsed_then_revoked, course, T0 - 10 * DAY, D0 + 200 * DAY, revoked=T0 - DAY)
    reissued = person("reissued")
    original = certificate(session, reissued, course, T0 - 300 * DAY, D0 + 10 * DAY, superseded=T0 - 2 * DAY)
    certificate(session, reissued, course, T0 - 2 * DAY, D0 + 10 * DAY, reissue_of=original)
    certificate(session, person("superseded_only"), course, T0 - 300 * DAY, D0 + 90 * DAY, superseded=T0 - DAY)
    renewed = person("renewed")
    certificate(session, renewed, course, T0 - 700 * DAY, D0 - 300 * DAY)
    certificate(session, renewed, course, T0 - 5 * DAY, D0 + 360 * DAY)
    attempt(session, person("running"), course, T0 - timedelta(minutes=5))
    attempt(session, person("timed_out"), course, T0 - timedelta(minutes=40))
    attempt(session, person("failed"), course, T0 - 3 * DAY, finished=T0 - 3 * DAY + timedelta(minutes=8),
            passed=False)
    lapsed_retaking = person("lapsed_retaking")
    certificate(session, lapsed_retaking, course, T0 - 400 * DAY, D0 - 20 * DAY)
    attempt(session, lapsed_retaking, course, T0 - timedelta(minutes=3))
    person("nothing")
    backdate_people(session)
    return cases, course.id, optional.id


EXPECTED = {
    "beyond_window": Status.COMPLIANT, "window_last_day": Status.DUE_SOON, "expiry_day": Status.DUE_SOON,
    "day_after_expiry": Status.EXPIRED, "revoked": Status.NOT_STARTED, "lapsed_then_revoked": Status.EXPIRED,
    "reissued": Status.DUE_SOON, "superseded_only": Status.NOT_STARTED, "renewed": Status.COMPLIANT,
    "running": Status.IN_PROGRESS, "timed_out": Status.NOT_STARTED, "failed": Status.NOT_STARTED,
    "lapsed_retaking": Status.EXPIRED, "nothing": Status.NOT_STARTED,
}


def test_boundaries_agree_between_sql_and_status_for(session: Session) -> None:
    cases, course_id, optional_id = _build(session)
    when = as_at(D0, T0, due_soon_days=30)
    sql, page = _sql_statuses(session, when), _page_statuses(session, when)
    assert _sql_statuses(session, when, narrow=True) == sql  # certificates read per person or all at once
    for name, expected in EXPECTED.items():
        key = (cases[name], course_id)
        assert page[key] == expected.value, name
        assert sql[key] == expected.value, name
        # Not required of teaching staff: shown as such, and never counted as a required place.
        assert page[(cases[name], optional_id)] == Status.NOT_REQUIRED.value
        assert (cases[name], optional_id) not in sql


def test_due_soon_window_follows_the_setting(session: Session) -> None:
    cases, course_id, _ = _build(session)
    narrow = as_at(D0, T0, due_soon_days=10)
    sql, page = _sql_statuses(session, narrow), _page_statuses(session, narrow)
    key = (cases["window_last_day"], course_id)  # valid for 30 more days: outside a 10-day window
    assert sql[key] == page[key] == Status.COMPLIANT.value
    key = (cases["reissued"], course_id)  # valid for exactly 10 more days
    assert sql[key] == page[key] == Status.DUE_SOON.value


@pytest.mark.parametrize(("valid_until", "running", "expected"), [
    (D0 + timedelta(days=31), False, Status.COMPLIANT),
    (D0 + timedelta(days=30), False, Status.DUE_SOON),
    (D0, True, Status.DUE_SOON),
    (D0 - timedelta(days=1), True, Status.EXPIRED),
    (None, True, Status.IN_PROGRESS),
    (None, False, Status.NOT_STARTED),
])
def test_status_for_reference_table(valid_until: date | None, running: bool, expected: Status) -> None:
    assert status_for(valid_until, running, D0, 30) is expected
