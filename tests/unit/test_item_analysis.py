"""Item analysis against figures worked by hand (facility, Moodle's discrimination index, wrong options)."""
from __future__ import annotations

import math

import pytest
from sqlalchemy.orm import Session

from quizapp.banks.analysis import (
    FLAG_EASY,
    FLAG_HARD,
    FLAG_NEGATIVE,
    ItemStats,
    OptionCount,
    Scope,
    csv_rows,
    discrimination_index,
    got_wrong_most,
    hardest_first,
    item_analysis,
)
from quizapp.engine.choices import choice_mask

from ..factories import make_user
from ..web.analysis_helpers import T0, analysis_course, hand_worked, sit


def _people(session: Session, n: int, school: str = "School A", group: str = "Teaching staff") -> list:
    return [make_user(session, "staff", school=school, group=group) for _ in range(n)]


def test_discrimination_from_sums_matches_the_worked_correlation() -> None:
    # q-000: x = 1 1 0 0, rest = 2 1 1 1 -> r = (4*3 - 2*5) / sqrt((4*2 - 4) * (4*7 - 25)) = 2 / sqrt(12)
    assert discrimination_index(4, 2, 5, 3, 2, 7) == pytest.approx(100 * 2 / math.sqrt(12))
    assert discrimination_index(4, 4, 5, 5, 4, 7) is None  # everyone right: the mark never varies
    assert discrimination_index(1, 1, 2, 2, 1, 4) is None


def test_choice_mask_means_the_same_option_whatever_the_shuffle() -> None:
    first = [{"id": "a", "text": "Wrong"}, {"id": "b", "text": "Also wrong"}, {"id": "c", "text": "Right"}]
    second = [{"id": "x", "text": "Right"}, {"id": "y", "text": "Wrong"}, {"id": "z", "text": "Also wrong"}]
    assert choice_mask(first, ["a"]) == choice_mask(second, ["y"]) == 0b100  # "Wrong" sorts third
    assert choice_mask(first, ["b", "c"]) == 0b011
    assert choice_mask(first, []) is None


def test_hand_worked_course(session: Session) -> None:
    course = analysis_course(session)
    hand_worked(session, course, _people(session, 4))
    items = {i.qid: i for i in item_analysis(session, Scope(course_id=course.id))}
    single, multiple, true_false = items["q-000"], items["q-001"], items["q-002"]
    assert [i.attempts for i in items.values()] == [4, 4, 4]
    assert (single.facility, multiple.facility, true_false.facility) == (50.0, 50.0, 75.0)
    assert single.discrimination == pytest.approx(57.735, abs=1e-3)  # 2 / sqrt(12)
    # q-001: x = 1 0 0 1, rest = 2 2 1 0 -> (4*2 - 2*5) / sqrt(4 * (4*9 - 25)) = -2 / sqrt(44)
    assert multiple.discrimination == pytest.approx(-30.151, abs=1e-3)
    # q-002: x = 1 1 1 0, rest = 2 1 0 1 -> 4*3 - 3*4 = 0
    assert true_false.discrimination == pytest.approx(0.0)
    assert single.most_chosen_wrong == OptionCount("Wrong 0", False, 2)
    assert multiple.most_chosen_wrong == OptionCount("Wrong C1", False, 1)
    assert {o.text: o.chosen for o in multiple.options} == {"Right A1": 4, "Right B1": 2, "Wrong C1": 1}
    assert true_false.most_chosen_wrong == OptionCount("False", False, 1)
    assert (single.confidently_wrong, single.rated) == (1, 2)
    assert (multiple.confidently_wrong, multiple.rated) == (0, 1)
    assert multiple.flags == [FLAG_NEGATIVE] and single.flags == [] and true_false.flags == []


def test_scope_filters_period_school_and_group(session: Session) -> None:
    course = analysis_course(session)
    hand_worked(session, course, _people(session, 4))
    far = _people(session, 1, school="School B", group="Support staff")[0]
    sit(session, far, course, {"q-000": ["Also wrong 0"], "q-001": ["Wrong C1"], "q-002": ["False"]},
        T0.replace(month=12))
    school_b = far.school_id
    only_b = item_analysis(session, Scope(course_id=course.id, school_id=school_b))
    assert [(i.attempts, i.right, i.flags) for i in only_b] == [(1, 0, [FLAG_HARD])] * 3
    assert only_b[0].discrimination is None
    assert {i.attempts for i in item_analysis(session, Scope(course_id=course.id))} == {5}
    november = Scope(course_id=course.id, start=T0.date(), end=T0.date())
    assert {i.attempts for i in item_analysis(session, november)} == {4}
    assert item_analysis(session, Scope(course_id=course.id, group_id=far.staff_group_id))[0].attempts == 1
    assert item_analysis(session, Scope(course_id=course.id, end=T0.date().replace(day=1))) == []
    assert item_analysis(session, Scope(course_id=course.id, bank_id=course.banks[0].bank_id + 999)) == []


def test_queries_stay_fixed_whatever_the_number_of_attempts(session: Session, queries) -> None:  # type: ignore
    course = analysis_course(session)
    hand_worked(session, course, _people(session, 4))
    session.commit()
    with queries() as few:
        item_analysis(session, Scope(course_id=course.id))
    for person in _people(session, 6):
        sit(session, person, course, {"q-002": ["False"]})
    session.commit()
    session.expunge_all()
    with queries() as more:
        assert {i.attempts for i in item_analysis(session, Scope())} == {10}
    assert len(few) == len(more) == 3


def test_flags_wrong_most_and_csv() -> None:
    def item(qid: str, right: int, disc: float | None) -> ItemStats:
        return ItemStats(1, "Course", 1, qid, 1, "=1+1", "Because.", 100, right, disc, 0, 0,
                         [OptionCount("-Wrong", False, 100 - right)])

    easy, hard, fine = item("e", 96, 20.0), item("h", 29, -5.0), item("f", 60, 30.0)
    assert easy.flags == [FLAG_EASY] and hard.flags == [FLAG_HARD, FLAG_NEGATIVE] and fine.flags == []
    assert [i.qid for i in got_wrong_most([easy, hard, fine], limit=2)] == ["h", "f"]
    everyone_right = item("r", 100, None)
    assert [i.qid for i in hardest_first([everyone_right, easy, hard])] == ["h", "e", "r"]
    assert got_wrong_most([everyone_right]) == []
    header, body = csv_rows([hard])
    row = dict(zip(header, body[0], strict=True))
    assert row["Question"] == "'=1+1" and row["Most chosen wrong option"] == "'-Wrong"
    assert row["Discrimination index"] == "-5.0" and row["Facility (% right)"] == "29.0"
