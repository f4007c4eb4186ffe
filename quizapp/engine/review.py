"""What a finished attempt's review shows, by the course's choice (Moodle's review options are the model)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FailedReview(StrEnum):
    """What the person sees after a failed attempt; after a pass they always see everything."""

    MARKS = "marks"  # which questions were right or wrong, nothing more
    EXPLANATIONS = "explanations"  # which were wrong and the explanation, without the right option
    ANSWERS = "answers"  # which were wrong, the explanation and the right option

    @property
    def label(self) -> str:
        """The choice as the course form names it."""
        return _LABELS[self]


_LABELS = {
    FailedReview.MARKS: "Which questions were right or wrong only",
    FailedReview.EXPLANATIONS: "Which were wrong, with the explanations but not the right answers",
    FailedReview.ANSWERS: "Which were wrong, with the explanations and the right answers",
}

DEFAULT_FAILED_REVIEW = FailedReview.EXPLANATIONS


@dataclass(frozen=True)
class ReviewShows:
    """The parts of each reviewed question that may be shown."""

    explanation: bool
    right_answer: bool


def review_shows(choice: str, passed: bool, own_attempt: bool) -> ReviewShows:
    """What the review shows: everything after a pass or to a reviewer; after a fail, what the course chose."""
    if passed or not own_attempt:
        return ReviewShows(explanation=True, right_answer=True)
    failed = FailedReview(choice)
    return ReviewShows(explanation=failed is not FailedReview.MARKS, right_answer=failed is FailedReview.ANSWERS)
