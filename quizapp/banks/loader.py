"""YAML bank files: read them with the line of every problem, write them back; and text helpers for imports."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .formats import Interchange, LineMap, ParsedBank, register, validate_data
from .placing import question_id_at
from .rules import Loc
from .schema import BankError, BankInvalid, BankSpec, QuestionSpec

NULL_TAG = "tag:yaml.org,2002:null"
MISSING = {"learning": "learning is required: a Markdown page of 300-800 words"}


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster


class _TextLoader(_BaseLoader):  # type: ignore[valid-type,misc]  # chosen at import time, so mypy cannot see it
    """Safe YAML that keeps yes/no, dates and numbers as the text written (no 'Norway problem')."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == NULL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_bank_text(text: str, filename: str, *, require_learning: bool = True) -> BankSpec:
    """Parse and validate one YAML bank, raising BankInvalid with every problem and its line."""
    return _load(text, filename, require_learning)[0]


def load_bank_file(path: str | Path) -> BankSpec:
    """Load one YAML bank file."""
    file = Path(path)
    return load_bank_text(_read(file), file.name)


def load_bank_dir(path: str | Path) -> list[BankSpec]:
    """Load every *.yaml/*.yml bank in a folder; all files' problems are raised together."""
    files = sorted(p for p in Path(path).iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))
    banks: list[BankSpec] = []
    errors: list[BankError] = []
    first_file: dict[str, str] = {}
    for file in files:
        try:
            bank, lines = _load(_read(file), file.name, True)
        except BankInvalid as exc:
            errors.extend(exc.errors)
            continue
        if bank.id in first_file:
            errors.append(BankError(file.name, lines.get(("id",)), None,
                                    f"bank id '{bank.id}' is already used by {first_file[bank.id]}"))
            continue
        first_file[bank.id] = file.name
        banks.append(bank)
    if errors:
        raise BankInvalid(errors)
    return banks


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BankInvalid([BankError(file.name, None, None, "the file is not UTF-8 text")]) from None


class _Unusual(Exception):
    """Something the quick reader leaves to the careful one: a repeated key, an anchor, an explicit tag."""


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def _scalar(event: yaml.ScalarEvent) -> str | None:
    if event.tag not in (None, "!") or event.anchor:
        raise _Unusual
    plain = event.implicit[0] and not event.style
    return None if plain and event.value in _NULLS else event.value


def _build(events: Iterator[yaml.Event]) -> Any:
    """Plain data straight from the parser's events, skipping PyYAML's slow node and constructor layers."""
    stack: list[Any] = []
    keys: list[Any] = []
    result: Any = None

    def put(value: Any) -> None:
        nonlocal result
        if not stack:
            result = value
        elif isinstance(stack[-1], list):
            stack[-1].append(value)
        elif keys[-1] is _NO_KEY:
            keys[-1] = value
        else:
            if keys[-1] in stack[-1]:
                raise _Unusual
            stack[-1][keys[-1]] = value
            keys[-1] = _NO_KEY

    for event in events:
        if isinstance(event, yaml.ScalarEvent):
            put(_scalar(event))
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor or event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise _Unusual
            stack.append({} if isinstance(event, yaml.MappingStartEvent) else [])
            keys.append(_NO_KEY)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            keys.pop()
            put(stack.pop())
        elif isinstance(event, yaml.AliasEvent):
            raise _Unusual
    return result


_NO_KEY = object()


def _quick(text: str, require_learning: bool) -> BankSpec | None:
    # Most files are valid: read and validate them once, and only re-read for line numbers when not.
    try:
        data = _build(yaml.parse(text, Loader=_TextLoader))
        return BankSpec.model_validate(data, context={"require_learning": require_learning})
    except (yaml.YAMLError, _Unusual, ValidationError, TypeError, ValueError):
        return None


def _load(text: str, filename: str, require_learning: bool) -> tuple[BankSpec, LineMap]:
    quick = _quick(text, require_learning)
    if quick is not None:
        return quick, {("id",): 1}
    data, lines, errors, *_ = parse_yaml(text, filename)
    bank = validate_data(data, filename, lines, require_learning=require_learning, missing=MISSING, errors=errors)
    return bank, lines


def parse_yaml(text: str, filename: str) -> ParsedBank:
    """Parse YAML into plain data and a map from each key path to its line; syntax errors raise BankInvalid."""
    loader = _TextLoader(text)
    lines: LineMap = {}
    repeated: list[tuple[Loc, int]] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return ParsedBank(None, lines, [], [])
        _map_lines(node, (), lines, repeated, set())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise BankInvalid([BankError(filename, line, None, f"YAML syntax error: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else None
        raise BankInvalid([BankError(filename, line, None, f"YAML syntax error: {exc}")]) from None
    finally:
        loader.dispose()
    errors = [BankError(filename, line, question_id_at(data, loc), f"key '{loc[-1]}' appears twice here; write it once")
              for loc, line in repeated]
    return ParsedBank(data, lines, errors, [])


def _map_lines(node: yaml.Node, path: Loc, lines: LineMap, repeated: list[tuple[Loc, int]],
               seen_nodes: set[int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen_nodes:  # an alias met again: its lines are already mapped
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in keys:  # PyYAML would silently keep the last one
                repeated.append((path + (key,), key_node.start_mark.line + 1))
            keys.add(key)
            lines.setdefault(path + (key,), key_node.start_mark.line + 1)
            _map_lines(value_node, path + (key,), lines, repeated, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, path + (index,), lines, repeated, seen_nodes)


def dump_bank_yaml(bank: BankSpec) -> str:
    """The bank as readable YAML (block scalars for long text) that load_bank_text reads back equal."""
    data: dict[str, Any] = {"id": bank.id, "title": bank.title, "edition": _Quoted(bank.edition),
                            "summary": _Prose(bank.summary), "learning": bank.learning,
                            "sources": [s.model_dump(exclude_none=True) for s in bank.sources],
                            "questions": [_question_data(q) for q in bank.questions]}
    if bank.reviewed_on:
        data["reviewed_on"] = _Quoted(bank.reviewed_on.isoformat())
    if bank.review_by:
        data["review_by"] = _Quoted(bank.review_by.isoformat())
    if bank.as_of_notes:
        data["as_of_notes"] = {key: _Prose(note) for key, note in bank.as_of_notes.items()}
    return yaml.dump(data, Dumper=_BankDumper, sort_keys=False, allow_unicode=True, width=100)


def _question_data(question: QuestionSpec) -> dict[str, Any]:
    options = [{"text": _Prose(o.text), **({"correct": True} if o.correct else {}),
                **({"match": _Prose(o.match)} if o.match else {}),
                **({"feedback": _Prose(o.feedback)} if o.feedback else {})} for o in question.options]
    data: dict[str, Any] = {"id": question.id, "type": question.type, "prompt": _Prose(question.prompt),
                            "options": options, "explanation": _Prose(question.explanation),
                            "source": question.source}
    if question.tags:
        data["tags"] = _Flow(question.tags)
    if question.images:
        data["images"] = [{"name": i.name, "alt": i.alt, "data": i.data} for i in question.images]
    return data


class _Quoted(str):
    """Text always written in double quotes (an edition such as "2025-03")."""


class _Prose(str):
    """Text folded over several lines (>-) when it is long."""


class _Flow(list[Any]):
    """A short list written on one line, such as [signs, myths]."""


class _BankDumper(yaml.SafeDumper):
    """Writes lists indented under their key, and short text on one line, as the shipped bank files are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Never indentless: '  - id: ...' under 'questions:'."""
        super().increase_indent(flow, False)

    def write_plain(self, text: str, split: bool = True) -> None:
        """Keep titles and URLs on one line; only prose is folded."""
        super().write_plain(text, split=False)

    def write_single_quoted(self, text: str, split: bool = True) -> None:
        """Quoted text stays on one line too."""
        super().write_single_quoted(text, split=False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ">" if isinstance(value, _Prose) and len(value) > 90 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


_BankDumper.add_representer(str, _represent_text)
_BankDumper.add_representer(_Prose, _represent_text)
_BankDumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
_BankDumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


# The bank's own fields that GIFT and Moodle XML exports carry in a quizapp-bank comment.
BANK_META = {"id", "title", "edition", "summary", "reviewed_on", "review_by", "as_of_notes"}


def bank_meta(bank: BankSpec) -> dict[str, Any]:
    """The bank fields an interchange export keeps in its quizapp-bank comment (dates as ISO text)."""
    return bank.model_dump(mode="json", include=BANK_META, exclude_none=True, exclude_defaults=False)


def meta_comment(kind: str, payload: dict[str, Any]) -> str:
    """A 'quizapp-KIND: {json}' comment body that is safe inside both GIFT and XML comments."""
    return f"quizapp-{kind}: " + json.dumps(payload, ensure_ascii=False).replace("--", "-\\u002d")


def read_meta(body: str) -> tuple[str, dict[str, Any]] | None:
    """The (kind, payload) of a quizapp comment, None for any other comment; ValueError if it is garbled."""
    match = re.match(r"^\s*quizapp-(bank|source|question):\s*(.*?)\s*$", body, re.DOTALL)
    if not match:
        return None
    try:
        payload = json.loads(match.group(2))
    except json.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict):
        raise ValueError(f"the quizapp-{match.group(1)} comment is not a JSON object")
    return match.group(1), payload


register("yaml", Interchange(parse_yaml, dump_bank_yaml, MISSING))
