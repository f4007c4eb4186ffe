"""A registry of question types behind one interface: how an answer is checked and graded."""
from __future__ import annotations

import random
import secrets
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from .refusal import Refused

# A question as frozen into an attempt: the options shown (with fresh random ids) and the right answer's parts.
Snapshot = tuple[list[dict[str, str]], list[str]]


class QuestionKind(ABC):
    """One question type: its input control and its grading rule."""

    name: str
    input_type: str  # "radio", "checkbox" or "select"
    analysed = True  # item analysis counts how often each option is chosen

    def freeze(self, options: Sequence[dict[str, Any]], rng: random.Random) -> Snapshot:
        """The options shuffled, each with a fresh random id, and the ids of the right ones."""
        shuffled = list(options)
        rng.shuffle(shuffled)
        # Random ids: the browser cannot tell options apart from their ids, and an id is never valid elsewhere.
        frozen = [_snapshot(secrets.token_urlsafe(9), option) for option in shuffled]
        return frozen, [f["id"] for f, option in zip(frozen, shuffled, strict=True) if option.get("correct")]

    def clean(self, option_ids: Sequence[str], answer: Sequence[str],
              options: Sequence[dict[str, Any]] = ()) -> list[str]:
        """Return the answer as a de-duplicated list in option order, or raise Refused."""
        chosen = set(answer)
        unknown = chosen - set(option_ids)
        if unknown:
            raise Refused("That answer is not one of this question's options.")
        self.check_count(len(chosen))
        return [option for option in option_ids if option in chosen]

    def check_count(self, count: int) -> None:
        """Raise Refused if this many options cannot be chosen together."""
        if count > 1:
            raise Refused("Choose only one answer for this question.")

    @abstractmethod
    def grade(self, correct_ids: Sequence[str], answer: Sequence[str] | None) -> bool:
        """Whether the answer earns the mark."""


class SingleChoice(QuestionKind):
    """Exactly one right option."""

    name = "single"
    input_type = "radio"

    def grade(self, correct_ids: Sequence[str], answer: Sequence[str] | None) -> bool:
        """Right when the one chosen option is the right one."""
        return answer is not None and bool(answer) and list(answer) == list(correct_ids)


class TrueFalse(SingleChoice):
    """A statement that is true or false."""

    name = "true_false"


class MultipleResponse(QuestionKind):
    """Several right options; all-or-nothing: every right one and no wrong one."""

    name = "multiple"
    input_type = "checkbox"

    def check_count(self, count: int) -> None:
        """Any number of options may be ticked."""

    def grade(self, correct_ids: Sequence[str], answer: Sequence[str] | None) -> bool:
        """Right only when the ticked set equals the right set."""
        return answer is not None and set(answer) == set(correct_ids)


def _snapshot(option_id: str, option: dict[str, Any]) -> dict[str, str]:
    # Per-answer feedback rides with its option, to be shown in the review beside the option when chosen.
    feedback = option.get("feedback")
    return {"id": option_id, "text": option["text"], **({"feedback": feedback} if feedback else {})}


def _registry() -> dict[str, QuestionKind]:
    from .assignments import Matching, Ordering  # they build on QuestionKind, defined above

    kinds = (SingleChoice(), TrueFalse(), MultipleResponse(), Matching(), Ordering())
    return {kind.name: kind for kind in kinds}


REGISTRY: dict[str, QuestionKind] = _registry()


def kind_of(type_name: str) -> QuestionKind:
    """The registered handler for a question type name."""
    return REGISTRY[type_name]


def score(results: Sequence[bool], pass_mark_pct: int) -> tuple[int, int, bool]:
    """Return (correct count, score % rounded down, passed) where passing compares the exact fraction."""
    total = len(results)
    correct = sum(1 for result in results if result)
    if total == 0:
        return 0, 0, False
    return correct, (100 * correct) // total, correct * 100 >= pass_mark_pct * total
