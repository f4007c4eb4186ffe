"""Drawing an attempt's questions: random per bank, shuffled, each option given a fresh random id."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .questions import kind_of
from .refusal import Refused


@dataclass(frozen=True)
class Candidate:
    """A live question that may be drawn."""

    question_id: int
    type: str
    prompt: str
    options: Sequence[dict[str, Any]]  # [{"text": ..., "correct": bool}]
    explanation: str
    source_title: str
    source_url: str | None
    ready: bool = True  # False for a draft (no explanation or source yet), which is never drawn
    images: Sequence[dict[str, str]] = ()  # [{"sha256", "alt"}] shown with the prompt


@dataclass(frozen=True)
class Drawn:
    """A question as frozen into an attempt."""

    question_id: int
    type: str
    prompt: str
    options: list[dict[str, str]]
    correct_option_ids: list[str]
    explanation: str
    source_title: str
    source_url: str | None
    images: list[dict[str, str]]


def _freeze(candidate: Candidate, rng: random.Random) -> Drawn:
    options, correct = kind_of(candidate.type).freeze(candidate.options, rng)
    return Drawn(candidate.question_id, candidate.type, candidate.prompt, options, correct,
                 candidate.explanation, candidate.source_title, candidate.source_url, list(candidate.images))


def draw(pools: Sequence[tuple[str, Sequence[Candidate], int]], rng: random.Random) -> list[Drawn]:
    """Draw `count` questions from each (bank title, candidates, count) pool and shuffle them together."""
    chosen: list[Candidate] = []
    for title, pool, count in pools:
        candidates = [candidate for candidate in pool if candidate.ready]
        if len(candidates) < count:
            raise Refused(
                f"This quiz cannot start: the bank '{title}' has {len(candidates)} live questions and the course needs "
                f"{count}. Please tell your administrator."
            )
        chosen.extend(rng.sample(candidates, count))
    rng.shuffle(chosen)
    return [_freeze(candidate, rng) for candidate in chosen]
