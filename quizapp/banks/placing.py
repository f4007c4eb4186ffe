"""Where a problem in a bank is: pydantic errors in plain words, each placed on its line and question."""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .rules import Loc, bank_problems, learning_problems, question_problems
from .schema import BankError, BankSpec, OptionSpec, QuestionSpec, RuleViolations, SourceSpec

_BOOL = TypeAdapter(bool)


def question_id_at(data: Any, loc: Loc) -> str | None:
    """The id of the question a location is in ('question 3' if it has none), or None outside questions."""
    questions = data.get("questions") if isinstance(data, dict) else None
    if len(loc) > 1 and loc[0] == "questions" and isinstance(loc[1], int) and isinstance(questions, list):
        item = questions[loc[1]] if loc[1] < len(questions) else None
        if not isinstance(item, dict):
            return None
        qid = item.get("id")
        return qid.strip() if isinstance(qid, str) and qid.strip() else f"question {loc[1] + 1}"
    return None


class Placer:
    """Turns pydantic errors into BankErrors with the line and question id they belong to."""

    def __init__(self, data: dict[str, Any], filename: str, lines: Mapping[Loc, int]) -> None:
        self.data, self.filename, self.lines = data, filename, lines

    def error(self, loc: Loc, message: str) -> BankError:
        """A BankError placed on the nearest known line for loc."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return BankError(self.filename, self.lines[loc[:end]], question_id_at(self.data, loc), message)
        return BankError(self.filename, None, question_id_at(self.data, loc), message)

    def describe(self, err: Any, missing: Mapping[str, str]) -> list[BankError]:
        """One pydantic error as BankErrors (a group of broken rules becomes one per rule)."""
        loc = tuple(err["loc"])
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, RuleViolations):
            return [self.error(loc + sub, message) for sub, message in cause.problems]
        return [self.error(loc, plain_message(err, missing))]

    def cross_rules(self, require_learning: bool) -> list[BankError]:
        """Bank-wide rules on the raw data, which pydantic skips while any field is invalid."""
        raw_sources, raw_questions = self.data.get("sources"), self.data.get("questions")
        sources: list[Any] = raw_sources if isinstance(raw_sources, list) else []
        questions: list[Any] = raw_questions if isinstance(raw_questions, list) else []
        source_ids = [s.get("id") if isinstance(s, dict) else None for s in sources]
        refs = [(q.get("id"), q.get("source")) if isinstance(q, dict) else (None, None) for q in questions]
        problems = learning_problems(self.data.get("learning"), require_learning) + bank_problems(source_ids, refs)
        for index, question in enumerate(questions):
            problems += [(("questions", index) + sub, message) for sub, message in _raw_question_rules(question)]
        return [self.error(loc, message) for loc, message in problems]


def _raw_question_rules(question: Any) -> list[tuple[Loc, str]]:
    """The option rules for a question that failed validation elsewhere, where its options can be read."""
    if not isinstance(question, dict) or not isinstance(question.get("options"), list):
        return []
    if question.get("type") not in ("single", "multiple", "true_false"):
        return []
    pairs = []
    for option in question["options"]:
        if not isinstance(option, dict) or not isinstance(option.get("text"), str):
            return []
        try:
            pairs.append((option["text"].strip(), _BOOL.validate_python(option.get("correct", False))))
        except ValidationError:
            return []
    return question_problems(question["type"], pairs)


def plain_message(err: Any, missing: Mapping[str, str]) -> str:
    """A pydantic error in plain words, naming the field ('unknown key 'corect'', 'prompt is required')."""
    loc, kind, found = tuple(err["loc"]), err["type"], err.get("input")
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    label = f"{field.rstrip('s')} {loc[-1] + 1}" if loc and isinstance(loc[-1], int) else field
    prefix = _item_prefix(loc)
    if kind == "missing":
        return prefix + missing.get(field, f"{field} is required")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(loc[:-1]), n=1)
        return prefix + f"unknown key '{loc[-1]}'" + (f" (did you mean '{close[0]}'?)" if close else "")
    if kind == "string_too_short" or (kind == "string_type" and found is None):
        return prefix + f"{label} must not be empty"
    if kind == "string_too_long":
        return prefix + f"{label} is too long (at most {err['ctx']['max_length']} characters)"
    if kind == "string_type":
        return prefix + f"{label} must be text (found {_kind_of(found)})"
    if kind == "literal_error":
        return prefix + f"{label} must be one of {err['ctx']['expected']} (found '{found}')"
    if kind in ("bool_parsing", "bool_type"):
        return prefix + f"{label} must be true or false (found '{found}')"
    if kind == "list_type":
        return prefix + f"{label} must be a list (found {_kind_of(found)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return prefix + f"{label} must be a mapping of keys and values (found {_kind_of(found)})"
    if kind == "value_error":
        text = str(err["ctx"]["error"])
        return prefix + (f"{label} {text}" if text.startswith("'") else text)
    return prefix + str(err.get("msg", "is not valid"))


def _known_keys(loc: Loc) -> list[str]:
    model: type[Any] = {0: BankSpec, 2: SourceSpec if loc[:1] == ("sources",) else QuestionSpec, 4: OptionSpec}.get(
        len(loc), BankSpec)
    return list(model.model_fields)


def _item_prefix(loc: Loc) -> str:
    # Name the option or source inside its question or list, since they have no ids of their own.
    for index in range(len(loc) - 2, -1, -1):
        position = loc[index + 1]
        if loc[index] in ("options", "sources") and isinstance(position, int) and len(loc) > index + 2:
            return f"{str(loc[index]).rstrip('s')} {position + 1}: "
    return ""


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return f"'{value}'"
