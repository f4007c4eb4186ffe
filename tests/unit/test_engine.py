"""The pure quiz domain, with the clock injected."""
import random
from datetime import UTC, datetime, timedelta

import pytest

from quizapp.engine import rules, timing
from quizapp.engine.draw import Candidate, draw
from quizapp.engine.questions import kind_of, score
from quizapp.engine.refusal import Refused

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_deadline_without_extra_time() -> None:
    assert timing.deadline(T0, 15, 0) == T0 + timedelta(minutes=15)


def test_deadline_with_extra_time() -> None:
    assert timing.deadline(T0, 15, 25) == T0 + timedelta(minutes=18, seconds=45)
    assert timing.describe_allowance(15, 25) == "18 minutes 45 seconds, including your 25 % extra time"
    assert timing.describe_allowance(15, 0) == "15 minutes"


def test_grace_accepts_the_save_in_flight_and_refuses_later_ones() -> None:
    deadline = T0 + timedelta(minutes=15)
    assert rules.reason_not_to_save(deadline, deadline - timedelta(seconds=1)) is None
    assert rules.reason_not_to_save(deadline, deadline + timing.GRACE) is None
    late = rules.reason_not_to_save(deadline, deadline + timing.GRACE + timedelta(seconds=1))
    assert late is not None and "Time is up" in late
    assert timedelta(seconds=30) >= timing.GRACE


def _ctx(past, max_per_day=3, cooldown=30, course_active=True, person_active=True) -> rules.StartContext:
    return rules.StartContext(course_active, person_active, max_per_day, cooldown, tuple(past))


def test_attempts_per_day_blocks_with_the_time_it_frees_up() -> None:
    past = [rules.PastAttempt(T0 + timedelta(hours=h), T0 + timedelta(hours=h, minutes=10), True) for h in (0, 1, 2)]
    now = T0 + timedelta(hours=3)
    reasons = rules.reasons_not_to_start(_ctx(past), now)
    assert reasons == ["You have used all 3 attempts allowed in 24 hours. "
                       "You can start again at 09:00 UTC on 24 November 2026."]
    assert rules.attempts_left_today(_ctx(past), now) == 0
    assert rules.reasons_not_to_start(_ctx(past), T0 + timedelta(hours=24, seconds=1)) == []


def test_cooldown_after_a_fail_only() -> None:
    failed = [rules.PastAttempt(T0, T0 + timedelta(minutes=10), False)]
    reasons = rules.reasons_not_to_start(_ctx(failed), T0 + timedelta(minutes=20))
    assert len(reasons) == 1 and "30-minute pause" in reasons[0] and "09:40 UTC" in reasons[0]
    assert rules.reasons_not_to_start(_ctx(failed), T0 + timedelta(minutes=40)) == []
    passed = [rules.PastAttempt(T0, T0 + timedelta(minutes=10), True)]
    assert rules.reasons_not_to_start(_ctx(passed), T0 + timedelta(minutes=11)) == []


def test_inactive_course_and_person_each_give_a_reason() -> None:
    reasons = rules.reasons_not_to_start(_ctx([], course_active=False, person_active=False), T0)
    assert reasons == ["This course is not open at the moment.", "Your account is not active."]


def test_grading_single_true_false_and_multiple() -> None:
    assert kind_of("single").grade(["a"], ["a"]) is True
    assert kind_of("single").grade(["a"], ["b"]) is False
    assert kind_of("single").grade(["a"], None) is False
    assert kind_of("true_false").grade(["t"], ["t"]) is True
    multiple = kind_of("multiple")
    assert multiple.grade(["a", "b"], ["b", "a"]) is True
    assert multiple.grade(["a", "b"], ["a"]) is False  # all or nothing
    assert multiple.grade(["a", "b"], ["a", "b", "c"]) is False
    assert multiple.grade(["a"], []) is False


def test_answers_are_checked_against_the_question() -> None:
    with pytest.raises(Refused):
        kind_of("single").clean(["a", "b"], ["z"])
    with pytest.raises(Refused):
        kind_of("single").clean(["a", "b"], ["a", "b"])
    assert kind_of("multiple").clean(["a", "b", "c"], ["c", "a", "a"]) == ["a", "c"]


def test_score_rounds_down_and_passes_on_the_exact_fraction() -> None:
    assert score([True] * 9 + [False] * 3, 80) == (9, 75, False)
    assert score([True] * 4 + [False], 80) == (4, 80, True)
    assert score([True, True, False], 66) == (2, 66, True)
    assert score([True, True, False], 67) == (2, 66, False)


def _pool(n: int) -> list[Candidate]:
    return [Candidate(i, "single", f"Q{i}", [{"text": "right", "correct": True}, {"text": "wrong"},
                                              {"text": "also wrong"}], "because", "Source", None) for i in range(n)]


def test_draw_takes_counts_per_bank_and_hides_which_option_is_right() -> None:
    drawn = draw([("A", _pool(10), 3), ("B", _pool(5), 2)], random.Random(1))
    assert len(drawn) == 5
    for item in drawn:
        assert len(item.correct_option_ids) == 1
        assert item.correct_option_ids[0] in {o["id"] for o in item.options}
        assert all(set(o) == {"id", "text"} for o in item.options)
    ids = [o["id"] for item in drawn for o in item.options]
    assert len(ids) == len(set(ids))


def test_draw_shuffles_options() -> None:
    positions = {[o["text"] for o in draw([("A", _pool(1), 1)], random.Random(seed))[0].options].index("right")
                 for seed in range(30)}
    assert positions == {0, 1, 2}


def test_draw_refuses_when_a_bank_is_too_small() -> None:
    with pytest.raises(Refused, match="'A' has 2 live questions and the course needs 3"):
        draw([("A", _pool(2), 3)], random.Random(0))


def test_a_draft_is_never_drawn() -> None:
    pool = [*_pool(3), *[Candidate(10 + i, "single", f"Draft {i}", [{"text": "right", "correct": True},
                                                                      {"text": "wrong"}], "", "Imported", None,
                                   ready=False) for i in range(20)]]
    for seed in range(50):
        assert {d.question_id for d in draw([("A", pool, 3)], random.Random(seed))} == {0, 1, 2}
    with pytest.raises(Refused, match="the bank 'A' has 3 live questions and the course needs 4"):
        draw([("A", pool, 4)], random.Random(1))


MATCHING = [{"text": "DSL", "match": "Lead"}, {"text": "LADO", "match": "Officer"},
            {"text": "Deputy", "match": "Lead"}]
ORDERING = [{"text": "Listen"}, {"text": "Reassure"}, {"text": "Record"}]


def test_matching_is_shuffled_apart_and_graded_all_or_nothing() -> None:
    kind = kind_of("matching")
    options, correct = kind.freeze(MATCHING, random.Random(3))
    items = [o for o in options if o["role"] == "item"]
    answers = {o["text"]: o["id"] for o in options if o["role"] == "choice"}
    assert sorted(answers) == ["Lead", "Officer"]  # a shared answer is offered once
    right = [f"{i['id']}={answers[{'DSL': 'Lead', 'LADO': 'Officer', 'Deputy': 'Lead'}[i['text']]]}" for i in items]
    assert sorted(correct) == sorted(right)
    assert kind.clean([], list(reversed(right)), options) == right  # item order, whatever order they came in
    assert kind.grade(correct, right) is True
    assert kind.grade(correct, right[:2]) is False  # one item left unanswered
    first, value = right[0].split("=")
    other = next(v for v in answers.values() if v != value)
    swapped = [f"{first}={other}", *right[1:]]
    assert kind.grade(correct, swapped) is False
    with pytest.raises(Refused, match="not one of this question's options"):
        kind.clean([], [f"{items[0]['id']}=nonsense"], options)
    with pytest.raises(Refused, match="one answer for each item"):
        kind.clean([], [right[0], right[0]], options)


def test_ordering_is_never_shown_in_order_and_needs_every_position_right() -> None:
    kind = kind_of("ordering")
    for seed in range(20):
        options, correct = kind.freeze(ORDERING, random.Random(seed))
        assert [o["text"] for o in options] != ["Listen", "Reassure", "Record"]
        by_text = {o["text"]: o["id"] for o in options}
        right = [f"{by_text[t]}={n}" for n, t in enumerate(["Listen", "Reassure", "Record"], start=1)]
        assert sorted(correct) == sorted(right) and kind.grade(correct, right) is True
    assert kind.grade(correct, [r.replace("=1", "=2") for r in right]) is False
    with pytest.raises(Refused):
        kind.clean([], [f"{options[0]['id']}=4"], options)
