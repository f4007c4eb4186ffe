"""Update required after a material bank edition: the pure decision, and the page and SQL agreeing on it."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.compliance.asat import as_at, present
from quizapp.compliance.cells import required_cells
from quizapp.compliance.matrix import MatrixFilter, all_rows
from quizapp.compliance.requirements import load_requirements
from quizapp.compliance.status import Status, status_for
from quizapp.engine.updates import EditionFact, owed_update, update_minutes, update_question_count
from quizapp.models import Course, User
from quizapp.quiz.training import training_lines

from ..factories import make_course, make_user
from ..update_helpers import new_edition
from ..web.dsl_helpers import D0, T0, attempt, backdate_people, certificate, require
from ..web.external_helpers import external_record

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _fact(edition_id: int, imported: datetime, by: date) -> EditionFact:
    return EditionFact(edition_id, imported, by)


def test_owed_update_needs_an_edition_after_the_pass_and_before_now() -> None:
    before, after = _fact(1, NOW - 10 * DAY, D0), _fact(2, NOW + DAY, D0)
    assert owed_update(NOW - 20 * DAY, [before, after], set(), NOW) == before
    assert owed_update(NOW - 5 * DAY, [before], set(), NOW) is None  # passed after the edition
    assert owed_update(NOW - 20 * DAY, [after], set(), NOW) is None  # not imported yet
    assert owed_update(None, [before], set(), NOW) is None  # no pass, nothing to update
    assert owed_update(NOW - 20 * DAY, [before], {1}, NOW) is None  # update quiz passed


def test_owed_update_takes_the_earliest_deadline_first() -> None:
    early, late = _fact(1, NOW - 3 * DAY, D0 + 5 * DAY), _fact(2, NOW - 9 * DAY, D0 + 9 * DAY)
    assert owed_update(NOW - 20 * DAY, [late, early], set(), NOW) == early
    assert owed_update(NOW - 20 * DAY, [late, early], {1}, NOW) == late


@pytest.mark.parametrize(("valid_until", "update_by", "expected"), [
    (D0 + 100 * DAY, D0, Status.UPDATE_REQUIRED),  # the deadline day itself is still in time
    (D0 + 100 * DAY, D0 - DAY, Status.UPDATE_OVERDUE),
    (D0 + 10 * DAY, D0 + 5 * DAY, Status.UPDATE_REQUIRED),  # beats "due soon": it is the action to take
    (D0 - DAY, D0 + 5 * DAY, Status.EXPIRED),  # lapsed: the full quiz, not an update
    (D0 + 100 * DAY, None, Status.COMPLIANT),
])
def test_status_for_with_an_update_owed(valid_until: date, update_by: date | None, expected: Status) -> None:
    assert status_for(valid_until, False, D0, 30, update_by=update_by) is expected


def test_update_quiz_size_and_time() -> None:
    assert update_question_count(3) == 3 and update_question_count(40) == 10 and update_question_count(0) == 0
    assert update_minutes(20, 20, 3) == 3 and update_minutes(15, 20, 1) == 1 and update_minutes(10, 6, 4) == 7


def _build(session: Session) -> tuple[dict[str, int], Course, Course, Course]:
    annual = make_course(session, questions=6, title="Annual safeguarding")
    prevent = make_course(session, questions=6, title="Prevent duty")
    online = make_course(session, questions=6, title="Online safety")
    require(session, annual, "Teaching staff")
    require(session, prevent, "Teaching staff")
    require(session, online, "Teaching staff")
    dsl = make_user(session, "dsl", first_name="Dee")
    users = {name: make_user(session, "staff", first_name=name) for name in (
        "before", "after", "nothing", "updated", "failed_update", "lapsed", "external_later", "overdue", "minor")}
    for name in ("before", "updated", "failed_update", "external_later"):
        certificate(session, users[name], annual, T0 - 30 * DAY, D0 + 300 * DAY)
    certificate(session, users["after"], annual, T0 - 5 * DAY, D0 + 360 * DAY)
    certificate(session, users["lapsed"], annual, T0 - 400 * DAY, D0 - 5 * DAY)
    external_record(session, users["external_later"], annual.id, D0 - 20 * DAY, D0 + 330 * DAY, decider=dsl,
                    decided_at=T0 - 20 * DAY)
    edition = new_edition(session, annual, T0 - 10 * DAY)
    for name, passed in (("updated", True), ("failed_update", False)):
        done = attempt(session, users[name], annual, T0 - 2 * DAY, finished=T0 - 2 * DAY + 5 * MINUTE, passed=passed)
        done.purpose, done.edition_id = "update", edition.id
    certificate(session, users["overdue"], prevent, T0 - 90 * DAY, D0 + 200 * DAY)
    new_edition(session, prevent, T0 - 40 * DAY)  # update required by T0 - 10 days: overdue now
    certificate(session, users["minor"], online, T0 - 90 * DAY, D0 + 200 * DAY)
    new_edition(session, online, T0 - 40 * DAY, material=False)
    backdate_people(session)
    session.flush()
    return {name: user.id for name, user in users.items()}, annual, prevent, online


EXPECTED = {"before": Status.UPDATE_REQUIRED, "after": Status.COMPLIANT, "nothing": Status.NOT_STARTED,
            "updated": Status.COMPLIANT, "failed_update": Status.UPDATE_REQUIRED, "lapsed": Status.EXPIRED,
            "external_later": Status.COMPLIANT}


def _statuses(session: Session, when, narrow: bool = False) -> tuple[dict, dict]:
    cells = required_cells(when, [present(when)], narrow=narrow).subquery()
    sql = {(u, c): s for u, c, s in session.execute(select(cells.c.user_id, cells.c.course_id, cells.c.status))}
    rows = all_rows(session, MatrixFilter(), when, load_requirements(session))
    page = {(r.person_id, cell.course_id): cell.status.value for r in rows for cell in r.cells}
    return sql, page


def _mine(session: Session, user_id: int, course_id: int) -> Status:
    user = session.get(User, user_id)
    assert user is not None
    (line,) = [line for line in training_lines(session, user, T0, 30) if line.course.id == course_id]
    return line.status


def test_sql_page_and_my_training_agree_on_who_owes_an_update(session: Session) -> None:
    cases, annual, prevent, online = _build(session)
    when = as_at(D0, T0, due_soon_days=30)
    sql, page = _statuses(session, when)
    assert _statuses(session, when, narrow=True)[0] == sql
    for name, expected in EXPECTED.items():
        key = (cases[name], annual.id)
        assert sql[key] == page[key] == expected.value, name
        assert _mine(session, cases[name], annual.id) is expected, name
    assert sql[(cases["overdue"], prevent.id)] == page[(cases["overdue"], prevent.id)] == Status.UPDATE_OVERDUE.value
    assert _mine(session, cases["overdue"], prevent.id) is Status.UPDATE_OVERDUE
    # A non-material edition marks nobody.
    assert sql[(cases["minor"], online.id)] == page[(cases["minor"], online.id)] == Status.COMPLIANT.value


def test_as_at_a_day_before_the_edition_nobody_owed_it(session: Session) -> None:
    cases, annual, _, _ = _build(session)
    when = as_at(D0 - 11 * DAY, T0 - 11 * DAY, due_soon_days=30)
    sql, page = _statuses(session, when)
    key = (cases["before"], annual.id)
    assert sql[key] == page[key] == Status.COMPLIANT.value


def test_the_matrix_cell_says_by_when(session: Session) -> None:
    cases, annual, prevent, _ = _build(session)
    rows = {r.person_id: r for r in all_rows(session, MatrixFilter(), as_at(D0, T0, 30), load_requirements(session))}
    cell = next(c for c in rows[cases["before"]].cells if c.course_id == annual.id)
    assert cell.update_by == (T0 - 10 * DAY + 30 * DAY).date()
    assert cell.described == "Update required by 13 December 2026"
    late = next(c for c in rows[cases["overdue"]].cells if c.course_id == prevent.id)
    assert late.described == "Update overdue since 14 November 2026"
