"""The rules a bank must keep, each returning (place, message) pairs: options by type, learning page, ids."""
from __future__ import annotations

from datetime import date
from typing import Any

Loc = tuple[str | int, ...]
PAIRED = ("matching", "ordering")  # answered by giving each option a value, not by ticking
MIN_OPTIONS, MAX_OPTIONS = 3, 6
MIN_SINGLE_OPTIONS = 2  # a two-option single choice ("Yes" / "No") is common in real exports
MIN_ITEMS, MAX_ITEMS = 2, 8  # matching pairs and ordering steps
MIN_WORDS, MAX_WORDS = 300, 800
TRUE_FALSE_TEXTS = ("True", "False")


def question_problems(kind: str, options: list[tuple[str, bool]]) -> list[tuple[Loc, str]]:
    """Every broken option rule of one question (its type and (text, correct) pairs), with where it applies."""
    problems: list[tuple[Loc, str]] = []
    correct = sum(1 for _, right in options if right)
    if kind == "true_false":
        if sorted(text for text, _ in options) != sorted(TRUE_FALSE_TEXTS):
            problems.append((("options",), 'true_false needs exactly the two options "True" and "False"'))
        if correct != 1:
            problems.append((("options",), f"true_false needs exactly one correct option (found {correct})"))
        return problems
    least, most = (MIN_ITEMS, MAX_ITEMS) if kind in PAIRED else (
        MIN_SINGLE_OPTIONS if kind == "single" else MIN_OPTIONS, MAX_OPTIONS)
    if not least <= len(options) <= most:
        problems.append((("options",), f"{kind} needs {least} to {most} options (found {len(options)})"))
    if kind in PAIRED and correct:
        problems.append((("options",), f"{kind} options are not marked correct: "
                                       + ("each has a match" if kind == "matching" else "their order is the answer")))
    if kind == "single" and correct != 1:
        problems.append((("options",), f"single needs exactly one correct option (found {correct})"))
    if kind == "multiple" and correct == 0:
        problems.append((("options",), "multiple needs at least one correct option (found none)"))
    if kind == "multiple" and options and correct == len(options):
        problems.append((("options",), "multiple needs at least one wrong option (all are marked correct)"))
    seen: dict[str, int] = {}
    for index, (text, _) in enumerate(options):
        key = text.strip().casefold()
        if key in seen:
            problems.append((("options", index), f"option {index + 1} repeats option {seen[key] + 1} ('{text}')"))
        seen.setdefault(key, index)
    return problems


def paired_problems(kind: str, matches: list[str]) -> list[tuple[Loc, str]]:
    """Matching needs a match on every option; no other type may have one."""
    if kind == "matching":
        return [(("options", i), f"option {i + 1} needs a match (the answer that goes with it)")
                for i, match in enumerate(matches) if not match.strip()]
    return [(("options", i), f"option {i + 1}: only matching questions have a match")
            for i, match in enumerate(matches) if match.strip()]


def count_words(text: str) -> int:
    """Words in a Markdown text, not counting bare markup such as '##' or '-'."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def learning_problems(learning: Any, required: bool) -> list[tuple[Loc, str]]:
    """The learning page must be 300-800 words when given, and is required in bank files."""
    if not isinstance(learning, str):
        return []
    words = count_words(learning)
    if not learning.strip():
        return [(("learning",), f"learning is required: a Markdown page of {MIN_WORDS}-{MAX_WORDS} words")] \
            if required else []
    if not MIN_WORDS <= words <= MAX_WORDS:
        return [(("learning",), f"learning must be {MIN_WORDS}-{MAX_WORDS} words (found {words})")]
    return []


def review_problems(reviewed_on: date | None, review_by: date | None) -> list[tuple[Loc, str]]:
    """A review-by date must come after the date the bank was last reviewed."""
    if reviewed_on and review_by and review_by <= reviewed_on:
        return [(("review_by",), f"review_by ({review_by}) must be after reviewed_on ({reviewed_on})")]
    return []


def bank_problems(source_ids: list[Any], questions: list[tuple[Any, Any]]) -> list[tuple[Loc, str]]:
    """Rules across a bank: unique source and question ids, and every cited source declared."""
    problems: list[tuple[Loc, str]] = []
    for index, source_id in _repeats(source_ids):
        problems.append((("sources", index, "id"), f"source id '{source_id}' is declared more than once"))
    for index, question_id in _repeats([qid for qid, _ in questions]):
        problems.append((("questions", index, "id"), f"question id '{question_id}' is used by more than one question"))
    declared = {s for s in source_ids if isinstance(s, str)}
    for index, (_, source) in enumerate(questions):
        if isinstance(source, str) and source.strip() and source.strip() not in declared:
            problems.append((("questions", index, "source"), f"source '{source.strip()}' is not declared in sources"))
    return problems


def _repeats(values: list[Any]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    repeats = []
    for index, value in enumerate(values):
        if isinstance(value, str):
            if value.strip() in seen:
                repeats.append((index, value.strip()))
            seen.add(value.strip())
    return repeats
