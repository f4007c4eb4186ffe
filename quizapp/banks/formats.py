"""The bank formats behind one interface, and the step they share: plain data validated into a bank, with lines."""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from .schema import (
    BankError,
    BankInvalid,
    BankSpec,
    Loc,
    OptionSpec,
    QuestionSpec,
    RuleViolations,
    SourceSpec,
    bank_problems,
    is_slug,
    learning_problems,
    question_problems,
)

FORMATS = ("yaml", "gift", "moodle-xml", "aiken")
IMPORTED_SOURCE = "imported"
_EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".gift": "gift", ".xml": "moodle-xml", ".txt": "aiken"}
_BOOL = TypeAdapter(bool)
LineMap = dict[Loc, int]


class ParsedBank(NamedTuple):
    """A file read into plain bank data, before validation, with the line of each part and any problems."""

    data: Any
    lines: LineMap
    errors: list[BankError]
    unsupported: list[BankError]


@dataclass(frozen=True)
class ReadResult:
    """A bank read from a file, and the questions left out because their type is not supported."""

    bank: BankSpec
    skipped: list[BankError] = field(default_factory=list)


@dataclass(frozen=True)
class Interchange:
    """One interchange format: how to parse it, how to write it, and how it words a missing field."""

    parse: Callable[[str, str], ParsedBank]
    write: Callable[[BankSpec], str]
    missing: dict[str, str]


_REGISTRY: dict[str, Interchange] = {}


def register(fmt: str, interchange: Interchange) -> None:
    """Make an interchange format available to read_bank and write_bank (each format module registers itself)."""
    _REGISTRY[fmt] = interchange


def _interchange(fmt: str) -> Interchange:
    if fmt not in _REGISTRY:
        raise ValueError(f"Unknown format '{fmt}'. Choose one of: {', '.join(FORMATS)}.")
    return _REGISTRY[fmt]


def format_from_filename(name: str) -> str:
    """The format a file name's extension implies; ValueError if it implies none."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(f"{ext} ({fmt})" for ext, fmt in _EXTENSIONS.items())
        raise ValueError(f"Cannot tell the format of '{name}' from its extension. Use one of {known}, "
                         "or name the format (GIFT files saved by Moodle end in .txt: use --format gift).")
    return _EXTENSIONS[suffix]


def read_bank(text: str, fmt: str, *, filename: str, bank_id: str | None = None, title: str | None = None,
              skip_unsupported: bool = False) -> ReadResult:
    """Read a bank in any format; raises BankInvalid with every problem (unsupported types too, unless skipped)."""
    codec = _interchange(fmt)
    parsed = codec.parse(text.removeprefix("\ufeff"), filename)  # files saved by Windows tools may start with a BOM
    errors = parsed.errors if skip_unsupported else parsed.errors + parsed.unsupported
    if parsed.data is None and errors:  # the file could not be read at all
        raise BankInvalid(errors)
    if fmt == "yaml":
        overrides = {k: v for k, v in (("id", bank_id), ("title", title)) if v is not None}
        data = {**parsed.data, **overrides} if isinstance(parsed.data, dict) else parsed.data
    else:
        data = complete_import(parsed.data, filename, bank_id=bank_id, title=title)
        if not data["questions"] and not errors:
            errors = [BankError(filename, None, None, "the file has no questions that can be imported")]
    bank = validate_data(data, filename, parsed.lines, require_learning=fmt == "yaml", missing=codec.missing,
                         errors=errors)
    return ReadResult(bank, parsed.unsupported if skip_unsupported else [])


def write_bank(bank: BankSpec, fmt: str) -> str:
    """The bank written in a format (ValueError if the format cannot hold some of its questions)."""
    return _interchange(fmt).write(bank)


def complete_import(data: dict[str, Any], filename: str, *, bank_id: str | None = None,
                    title: str | None = None) -> dict[str, Any]:
    """Fill in what interchange files lack: bank details, question ids, and a source for uncited questions."""
    name = PurePath(filename).name
    bank_id = bank_id or _text(data.get("id")) or slugify(PurePath(filename).stem) or "imported-bank"
    questions: list[dict[str, Any]] = []
    for question in data.get("questions", []):
        question = dict(question)
        ordinal = question.pop("_n", len(questions) + 1)
        given = _text(question.get("id"))
        question["id"] = given if given and is_slug(given) else f"{bank_id}-{ordinal:03d}"
        question["source"] = _text(question.get("source")) or IMPORTED_SOURCE
        questions.append(question)
    sources = list(data.get("sources", []))
    declared = [s.get("id") for s in sources if isinstance(s, dict)]
    if IMPORTED_SOURCE not in declared and any(q["source"] == IMPORTED_SOURCE for q in questions):
        sources.append({"id": IMPORTED_SOURCE, "title": f"Imported from {name}"})
    return {"id": bank_id, "title": title or _text(data.get("title")) or f"Imported from {name}",
            "edition": _text(data.get("edition")) or date.today().strftime("%Y-%m"),
            "summary": _text(data.get("summary")) or f"Questions imported from {name}.",
            "learning": "", "sources": sources, "questions": questions,
            **{key: data[key] for key in ("reviewed_on", "review_by", "as_of_notes") if data.get(key)}}


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def slugify(text: str) -> str:
    """Lower-case letters, digits and single hyphens: 'Online Safety' -> 'online-safety'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")


def validate_data(data: Any, filename: str, lines: Mapping[Loc, int], *, require_learning: bool,
                  missing: Mapping[str, str] | None = None, errors: list[BankError] | None = None) -> BankSpec:
    """Validate plain bank data, raising BankInvalid with every problem placed on its line."""
    found = list(errors or [])
    bank = None
    if not isinstance(data, dict):
        found.append(BankError(filename, 1, None, "a bank must be a mapping with id, title, edition, summary, "
                                                  "learning, sources and questions"))
    else:
        try:
            bank = BankSpec.model_validate(data, context={"require_learning": require_learning})
        except ValidationError as exc:
            place = _Placer(data, filename, lines)
            for err in exc.errors():
                found.extend(place.describe(err, missing or {}))
            found.extend(place.cross_rules(require_learning))
    if found or bank is None:
        raise BankInvalid(list(dict.fromkeys(found)))
    return bank


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


class _Placer:
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
