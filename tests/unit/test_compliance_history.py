""""As at" an earlier day, from the stored history: people, certificates and quizzes as they stood then."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from quizapp.compliance.asat import as_at
from quizapp.compliance.matrix import MatrixFilter, all_rows, count_matching
from quizapp.compliance.requirements import load_requirements
from quizapp.compliance.status import Status
from quizapp.compliance.summary import summarise

from ..factories import make_course, make_user
from ..web.dsl_helpers import T0, attempt, backdate_people, certificate, require

D = date(2026, 6, 1)
END_OF_D = datetime(2026, 6, 2, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _statuses(session: Session, day: date) -> dict[str, str]:
    reqs = load_requirements(session)
    rows = all_rows(session, MatrixFilter(), as_at(day, T0, 30), reqs)
    return {row.first_name: row.cells[0].status.value for row in rows}


def _setup(session: Session) -> None:
    course = make_course(session, title="Annual safeguarding")
    require(session, course, "Teaching staff")
    people = {name: make_user(session, first_name=name) for name in (
        "revoked_later", "revoked_on_d", "leaver", "joiner", "retaking_over_midnight", "issued_after",
        "reissued_after")}
    certificate(session, people["revoked_later"], course, datetime(2026, 1, 10, tzinfo=UTC),
                date(2027, 1, 10), revoked=datetime(2026, 9, 1, tzinfo=UTC))
    certificate(session, people["revoked_on_d"], course, datetime(2026, 1, 10, tzinfo=UTC),
                date(2027, 1, 10), revoked=END_OF_D - 14 * HOUR)
    certificate(session, people["leaver"], course, datetime(2026, 2, 1, tzinfo=UTC), date(2026, 6, 20))
    attempt(session, people["retaking_over_midnight"], course, END_OF_D - timedelta(minutes=5), minutes=15,
            finished=END_OF_D + timedelta(minutes=5), passed=False)
    certificate(session, people["issued_after"], course, END_OF_D + HOUR, date(2027, 6, 2))
    original = certificate(session, people["reissued_after"], course, datetime(2025, 12, 1, tzinfo=UTC),
                           date(2026, 12, 1), superseded=datetime(2026, 8, 1, tzinfo=UTC))
    certificate(session, people["reissued_after"], course, datetime(2026, 8, 1, tzinfo=UTC),
                date(2026, 12, 1), reissue_of=original)
    backdate_people(session)
    people["leaver"].active, people["leaver"].deactivated_at = False, datetime(2026, 8, 1, tzinfo=UTC)
    people["joiner"].created_at = datetime(2026, 7, 1, tzinfo=UTC)
    session.flush()


def test_matrix_as_it_stood_on_an_earlier_day(session: Session) -> None:
    _setup(session)
    then = _statuses(session, D)
    assert then["revoked_later"] == Status.COMPLIANT.value  # revoked after D: it still counted at D
    assert then["revoked_on_d"] == Status.NOT_STARTED.value  # revoked during D: gone by the end of it
    assert then["leaver"] == Status.DUE_SOON.value  # deactivated after D: still on the staff at D
    assert "joiner" not in then  # added after D
    assert then["retaking_over_midnight"] == Status.IN_PROGRESS.value  # started on D, finished the next day
    assert then["issued_after"] == Status.NOT_STARTED.value
    assert then["reissued_after"] == Status.COMPLIANT.value  # the original counted until its reissue


def test_the_same_records_today(session: Session) -> None:
    _setup(session)
    now = _statuses(session, T0.date())
    assert now["revoked_later"] == Status.NOT_STARTED.value
    assert "leaver" not in now
    assert now["joiner"] == Status.NOT_STARTED.value
    assert now["retaking_over_midnight"] == Status.NOT_STARTED.value
    assert now["issued_after"] == Status.COMPLIANT.value
    assert now["reissued_after"] == Status.DUE_SOON.value  # the reissue took over: same expiry, now close


def test_summary_counts_the_earlier_day_too(session: Session) -> None:
    _setup(session)
    reqs = load_requirements(session)
    summary = summarise(session, MatrixFilter(), as_at(D, T0, 30), reqs)
    assert summary.people.staff == 6  # the joiner had not joined yet
    assert summary.places.count(Status.COMPLIANT) == 2
    assert summary.places.count(Status.DUE_SOON) == 1
    assert summary.places.count(Status.IN_PROGRESS) == 1
    assert summary.places.count(Status.NOT_STARTED) == 2
    assert summary.places.pct == 50
    assert summary.people.fully_covered == 3


def test_summary_row_count_is_the_matrix_row_count(session: Session) -> None:
    _setup(session)
    reqs = load_requirements(session)
    course_id = reqs.courses[0].id
    for day in (D, T0.date()):
        when = as_at(day, T0, 30)
        for status in ("", "covered", "not_covered", "compliant", "due_soon", "expired", "in_progress",
                       "not_started"):
            for f in (MatrixFilter(status=status), MatrixFilter(status=status, course_id=course_id, search="e"),
                      MatrixFilter(status=status, sort=f"course-{course_id}")):
                summary = summarise(session, f, when, reqs)
                rows = all_rows(session, f, when, reqs)
                assert summary.matching == count_matching(session, f, when, reqs) == len(rows), (day, f)
                assert list(summary.page_ids) == [row.person_id for row in rows], (day, f)
                if status in ("", "covered", "not_covered"):
                    expected = {"": summary.people.staff, "covered": summary.people.fully_covered,
                                "not_covered": summary.people.not_covered}[status]
                    assert len(rows) == expected, (day, f)
