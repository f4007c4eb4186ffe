"""Read YAML bank files into validated banks, naming the line of every problem, and write them back."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import ValidationError

from .schema import BankError, BankInvalid, BankSpec, Loc, QuestionSpec, RuleViolations, bank_problems, learning_problems

LineMap = dict[Loc, int]
NULL_TAG = "tag:yaml.org,2002:null"


class _TextLoader(yaml.SafeLoader):
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


def _load(text: str, filename: str, require_learning: bool) -> tuple[BankSpec, LineMap]:
    data, lines, errors = parse_yaml(text, filename)
    return validate_data(data, filename, lines, require_learning=require_learning, errors=errors), lines


def parse_yaml(text: str, filename: str) -> tuple[Any, LineMap, list[BankError]]:
    """Parse YAML text into plain data, a map from each key path to its line, and duplicate-key errors."""
    loader = _TextLoader(text)
    lines: LineMap = {}
    errors: list[BankError] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, errors
        _map_lines(node, (), lines, errors, filename, set())
        return loader.construct_document(node), lines, errors
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


def _map_lines(node: yaml.Node, path: Loc, lines: LineMap, errors: list[BankError], filename: str,
               seen_nodes: set[int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen_nodes:  # an alias met again: its lines are already mapped
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in keys:
                errors.append(BankError(filename, key_node.start_mark.line + 1, None,
                                        f"key '{key}' appears twice here; write it once"))
            keys.add(key)
            lines.setdefault(path + (key,), key_node.start_mark.line + 1)
            _map_lines(value_node, path + (key,), lines, errors, filename, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, path + (index,), lines, errors, filename, seen_nodes)


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


class _Placer:
    """Turns pydantic errors into BankErrors with the line and question id they belong to."""

    def __init__(self, data: dict[str, Any], filename: str, lines: Mapping[Loc, int]) -> None:
        self.data, self.filename, self.lines = data, filename, lines

    def error(self, loc: Loc, message: str) -> BankError:
        """A BankError placed on the nearest known line for loc."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return BankError(self.filename, self.lines[loc[:end]], self._question_id(loc), message)
        return BankError(self.filename, None, self._question_id(loc), message)

    def _question_id(self, loc: Loc) -> str | None:
        questions = self.data.get("questions")
        if len(loc) > 1 and loc[0] == "questions" and isinstance(loc[1], int) and isinstance(questions, list):
            item = questions[loc[1]] if loc[1] < len(questions) else None
            qid = item.get("id") if isinstance(item, dict) else None
            return qid.strip() if isinstance(qid, str) and qid.strip() else f"question {loc[1] + 1}"
        return None

    def describe(self, err: Any, missing: Mapping[str, str]) -> list[BankError]:
        """One pydantic error as BankErrors (a group of broken rules becomes one per rule)."""
        loc = tuple(err["loc"])
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, RuleViolations):
            return [self.error(loc + sub, message) for sub, message in cause.problems]
        return [self.error(loc, plain_message(err, missing))]

    def cross_rules(self, require_learning: bool) -> list[BankError]:
        """Bank-wide rules on the raw data, which pydantic skips while any field is invalid."""
        sources = self.data.get("sources") if isinstance(self.data.get("sources"), list) else []
        questions = self.data.get("questions") if isinstance(self.data.get("questions"), list) else []
        source_ids = [s.get("id") if isinstance(s, dict) else None for s in sources]
        refs = [(q.get("id"), q.get("source")) if isinstance(q, dict) else (None, None) for q in questions]
        problems = learning_problems(self.data.get("learning"), require_learning) + bank_problems(source_ids, refs)
        return [self.error(loc, message) for loc, message in problems]


def plain_message(err: Any, missing: Mapping[str, str]) -> str:
    """A pydantic error in plain words, naming the field ('unknown key 'corect'', 'prompt is required')."""
    loc, kind, found = tuple(err["loc"]), err["type"], err.get("input")
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    label = f"{field.rstrip('s')} {loc[-1] + 1}" if loc and isinstance(loc[-1], int) else field
    prefix = _item_prefix(loc)
    if kind == "missing":
        return prefix + missing.get(field, f"{field} is required")
    if kind == "extra_forbidden":
        return prefix + f"unknown key '{loc[-1]}'"
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


def _item_prefix(loc: Loc) -> str:
    # Name the option or source inside its question or list, since they have no ids of their own.
    for index in range(len(loc) - 2, -1, -1):
        if loc[index] in ("options", "sources") and isinstance(loc[index + 1], int) and len(loc) > index + 2:
            return f"{str(loc[index]).rstrip('s')} {loc[index + 1] + 1}: "
    return ""


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return f"'{value}'"


def dump_bank_yaml(bank: BankSpec) -> str:
    """The bank as readable YAML (block scalars for long text) that load_bank_text reads back equal."""
    data: dict[str, Any] = {"id": bank.id, "title": bank.title, "edition": _Quoted(bank.edition),
                            "summary": bank.summary, "learning": bank.learning,
                            "sources": [s.model_dump(exclude_none=True) for s in bank.sources],
                            "questions": [_question_data(q) for q in bank.questions]}
    return yaml.dump(data, Dumper=_BankDumper, sort_keys=False, allow_unicode=True, width=100)


def _question_data(question: QuestionSpec) -> dict[str, Any]:
    options = [{"text": o.text, "correct": True} if o.correct else {"text": o.text} for o in question.options]
    data: dict[str, Any] = {"id": question.id, "type": question.type, "prompt": question.prompt,
                            "options": options, "explanation": question.explanation, "source": question.source}
    if question.tags:
        data["tags"] = _Flow(question.tags)
    return data


class _Quoted(str):
    """Text always written in double quotes (an edition such as "2025-03")."""


class _Flow(list):  # type: ignore[type-arg]
    """A short list written on one line, such as [signs, myths]."""


class _BankDumper(yaml.SafeDumper):
    """Writes lists indented under their key, as the shipped bank files are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Never indentless: '  - id: ...' under 'questions:'."""
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ">" if len(value) > 90 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _represent_text)
_BankDumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
_BankDumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
