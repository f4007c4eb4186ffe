"""Where a person stands on a policy, at every boundary: effect, deadline, joining, material and minor versions."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from quizapp.models import Policy, PolicyVersion
from quizapp.policies.documents import DocumentError, check_markdown, check_pdf
from quizapp.policies.reviews import alert_kind, review_state
from quizapp.policies.standing import Acknowledged, PolicyStatus, in_effect, status_for

from ..pdfs import tiny_pdf

AT = datetime(2026, 9, 1, tzinfo=UTC)


def _policy(*versions: tuple[str, date, bool]) -> Policy:
    policy = Policy(id=1, title="Child protection", owner="Head", all_staff=True, days_to_acknowledge=14,
                    review_by=date(2027, 9, 1))
    basis = 0
    for number, (label, effective, material) in enumerate(versions, start=1):
        basis = number if material or number == 1 else basis
        policy.versions.append(PolicyVersion(number=number, basis_number=basis, label=label, effective_on=effective,
                                             material=material, published_at=AT, kind="markdown", sha256="0" * 64))
    return policy


def _status(policy: Policy, day: date, acked: int | None = None, joined: date = date(2020, 1, 1)) -> PolicyStatus:
    ack = Acknowledged(acked, AT) if acked else None
    return status_for(policy, in_effect(policy, day), ack, joined, day).status


def test_nothing_is_asked_before_the_first_version_takes_effect():
    policy = _policy(("1.0", date(2026, 9, 10), True))
    assert _status(policy, date(2026, 9, 9)) is PolicyStatus.NOT_YET
    assert _status(policy, date(2026, 9, 10)) is PolicyStatus.DUE


def test_due_until_the_last_day_then_overdue():
    policy = _policy(("1.0", date(2026, 9, 1), True))
    assert _status(policy, date(2026, 9, 15)) is PolicyStatus.DUE
    assert _status(policy, date(2026, 9, 16)) is PolicyStatus.OVERDUE
    assert _status(policy, date(2026, 9, 16), acked=1) is PolicyStatus.ACKNOWLEDGED


def test_a_new_starter_gets_the_full_days_from_joining():
    policy = _policy(("1.0", date(2026, 1, 1), True))
    assert _status(policy, date(2026, 9, 20), joined=date(2026, 9, 10)) is PolicyStatus.DUE
    assert _status(policy, date(2026, 9, 25), joined=date(2026, 9, 10)) is PolicyStatus.OVERDUE


def test_minor_versions_carry_acknowledgements_and_material_ones_start_again():
    policy = _policy(("1.0", date(2026, 1, 1), True), ("1.1", date(2026, 3, 1), False),
                     ("2.0", date(2026, 9, 1), True), ("2.1", date(2026, 10, 1), False))
    assert _status(policy, date(2026, 4, 1), acked=1) is PolicyStatus.ACKNOWLEDGED
    assert _status(policy, date(2026, 9, 2), acked=2) is PolicyStatus.DUE
    assert _status(policy, date(2026, 9, 16), acked=2) is PolicyStatus.OVERDUE
    assert _status(policy, date(2026, 10, 2), acked=3) is PolicyStatus.ACKNOWLEDGED
    # A material version not yet in effect asks nothing yet.
    assert _status(policy, date(2026, 8, 31), acked=2) is PolicyStatus.ACKNOWLEDGED


def test_documents_are_checked_by_content_not_by_name():
    assert check_pdf(tiny_pdf()).kind == "pdf"
    with pytest.raises(DocumentError, match="not a PDF") as wrong:
        check_pdf(b"<html><script>alert(1)</script>%PDF-")
    assert wrong.value.field == "document"
    with pytest.raises(DocumentError, match="damaged"):
        check_pdf(b"%PDF-1.4\nnot really")
    text = check_markdown("Line one\r\nLine two\r\n")
    assert text.text == "Line one\nLine two" and text.sha256 == check_markdown("Line one\nLine two").sha256


@pytest.mark.parametrize(("today", "kind", "state"), [
    (date(2027, 6, 30), None, None),
    (date(2027, 7, 2), "two_months", "due"),
    (date(2027, 8, 2), "one_month", "due"),
    (date(2027, 8, 25), "one_week", "due"),
    (date(2027, 9, 1), "due", "overdue"),
    (date(2027, 12, 1), "due", "overdue"),
])
def test_review_alerts_and_states_by_date(today, kind, state):
    assert alert_kind(date(2027, 9, 1), today) == kind
    assert review_state(date(2027, 9, 1), today) == state
