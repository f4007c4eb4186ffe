"""Question types answered by giving each item a value, graded all-or-nothing: matching and ordering.

An answer is a list of "item id=value" strings, one per item answered, so it fits the same saved answer as the
choice types. For matching the value is the id of one of the shuffled answers; for ordering it is a position.
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from typing import Any

from .questions import QuestionKind, Snapshot
from .refusal import Refused

ITEM, CHOICE = "item", "choice"


def _new_id() -> str:
    return secrets.token_urlsafe(9)


class Assignment(QuestionKind):
    """Each item gets one value from a select; right only when every item has its right value."""

    input_type = "select"
    analysed = False  # no per-option counts: the answer is pairs, not ticked options

    def values(self, options: Sequence[dict[str, Any]]) -> list[str]:
        """The values an item may be given."""
        raise NotImplementedError

    def clean(self, option_ids: Sequence[str], answer: Sequence[str],
              options: Sequence[dict[str, Any]] = ()) -> list[str]:
        """The answer as "item=value" strings in item order, one per item at most, or Refused."""
        items = [o["id"] for o in options if o.get("role") == ITEM]
        allowed = set(self.values(options))
        given: dict[str, str] = {}
        for entry in answer:
            item, _, value = entry.partition("=")
            if item not in items or value not in allowed:
                raise Refused("That answer is not one of this question's options.")
            if item in given:
                raise Refused("Choose one answer for each item.")
            given[item] = value
        return [f"{item}={given[item]}" for item in items if item in given]

    def describe(self, options: Sequence[dict[str, Any]], answer: Sequence[str] | None) -> list[str]:
        """Each answered item in words, in the order shown: 'DSL: Designated safeguarding lead', 'Listen: 1'."""
        names = {o["id"]: o["text"] for o in options}
        given = dict(entry.partition("=")[::2] for entry in answer or [])
        return [f"{o['text']}: {names.get(given[o['id']], given[o['id']])}" for o in options
                if o.get("role") == ITEM and o["id"] in given]

    def grade(self, correct_ids: Sequence[str], answer: Sequence[str] | None) -> bool:
        """Right only when every item carries its right value."""
        return answer is not None and set(answer) == set(correct_ids)


class Matching(Assignment):
    """Match each item (a term) with its answer (a meaning); the answers are shuffled apart from the items."""

    name = "matching"

    def values(self, options: Sequence[dict[str, Any]]) -> list[str]:
        """The ids of the shuffled answers."""
        return [o["id"] for o in options if o.get("role") == CHOICE]

    def freeze(self, options: Sequence[dict[str, Any]], rng: random.Random) -> Snapshot:
        """Items and their answers shuffled separately; an answer shared by two items appears once."""
        items = list(options)
        rng.shuffle(items)
        answers = list(dict.fromkeys(o["match"] for o in options))
        rng.shuffle(answers)
        answer_ids = {text: _new_id() for text in answers}
        frozen = [{"id": _new_id(), "text": o["text"], "role": ITEM} for o in items]
        correct = [f"{f['id']}={answer_ids[o['match']]}" for f, o in zip(frozen, items, strict=True)]
        return frozen + [{"id": answer_ids[text], "text": text, "role": CHOICE} for text in answers], correct


class Ordering(Assignment):
    """Put the steps in order: each step is given its position (1 = first) from a select."""

    name = "ordering"

    def values(self, options: Sequence[dict[str, Any]]) -> list[str]:
        """Positions 1 to the number of steps."""
        return [str(n) for n in range(1, sum(1 for o in options if o.get("role") == ITEM) + 1)]

    def freeze(self, options: Sequence[dict[str, Any]], rng: random.Random) -> Snapshot:
        """The steps shuffled (never left in their right order when there is another), each with its position."""
        steps = list(enumerate(options, start=1))
        while True:
            rng.shuffle(steps)
            if len(steps) < 2 or [n for n, _ in steps] != list(range(1, len(steps) + 1)):
                break
        frozen = [{"id": _new_id(), "text": o["text"], "role": ITEM} for _, o in steps]
        return frozen, [f"{f['id']}={n}" for f, (n, _) in zip(frozen, steps, strict=True)]
