"""The bank formats behind one interface, and the step they share: plain data validated into a bank, with lines."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any, NamedTuple

from pydantic import ValidationError

from ..engine.drafts import IMPORTED_SOURCE
from .placing import Placer
from .rules import Loc
from .schema import BankError, BankInvalid, BankSpec, is_slug

FORMATS = ("yaml", "gift", "moodle-xml", "aiken")
MAX_FILE_BYTES = 5 * 1024 * 1024  # the preview signs the whole file into its form: 5 MB stays under the 8 MB limit
MAX_QUESTIONS = 2000
_EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".gift": "gift", ".xml": "moodle-xml", ".txt": "aiken"}
LineMap = dict[Loc, int]


class ParsedBank(NamedTuple):
    """A file read into plain bank data, before validation, with the line of each part and any problems."""

    data: Any
    lines: LineMap
    errors: list[BankError]
    unsupported: list[BankError]
    notes: list[BankError] = []  # noqa: RUF012  (never changed: each parser passes its own list)


@dataclass(frozen=True)
class ReadResult:
    """A bank read from a file: the questions left out (type not supported), the drafts and notes, with lines."""

    bank: BankSpec
    skipped: list[BankError] = field(default_factory=list)
    drafts: list[BankError] = field(default_factory=list)
    notes: list[BankError] = field(default_factory=list)

    @property
    def ready_count(self) -> int:
        """How many questions can be drawn as soon as they are imported."""
        return sum(1 for question in self.bank.questions if not question.draft_reasons)

    def summary(self) -> str:
        """'bank-id: 3 ready, 2 drafts, 1 left out' for the command and the preview."""
        drafts, left_out = len(self.drafts), len(self.skipped)
        return (f"{self.bank.id}: {self.ready_count} ready, {drafts} draft{'s' if drafts != 1 else ''} "
                f"(never drawn until completed), {left_out} left out")


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
    check_size(text, filename)
    parsed = codec.parse(text.removeprefix("\ufeff"), filename)  # files saved by Windows tools may start with a BOM
    errors = parsed.errors if skip_unsupported else parsed.errors + parsed.unsupported
    if parsed.data is None and errors:  # the file could not be read at all
        raise BankInvalid(errors)
    if fmt == "yaml":
        overrides = {k: v for k, v in (("id", bank_id), ("title", title)) if v is not None}
        data = {**parsed.data, **overrides} if isinstance(parsed.data, dict) else parsed.data
        data = _fill_drafts(data, filename)
    else:
        data = complete_import(parsed.data, filename, bank_id=bank_id, title=title)
        if not data["questions"] and not errors:
            errors = [BankError(filename, None, None, "the file has no questions that can be imported")]
    count = len(data["questions"]) if isinstance(data, dict) and isinstance(data.get("questions"), list) else 0
    if count > MAX_QUESTIONS:
        raise BankInvalid([BankError(filename, None, None, f"the file has {count} questions; at most {MAX_QUESTIONS} "
                                                           "can be imported at once. Split it into smaller files.")])
    bank = validate_data(data, filename, parsed.lines, require_learning=fmt == "yaml", missing=codec.missing,
                         errors=errors, drafts=True)
    return ReadResult(bank, parsed.unsupported if skip_unsupported else [], _drafts(bank, filename, parsed.lines),
                      list(parsed.notes))


def check_size(text: str, filename: str) -> None:
    """Refuse, in plain words, a file too big to import at once."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise BankInvalid([BankError(filename, None, None, f"the file is {size / 1024 / 1024:.1f} MB; at most "
                                     f"{MAX_FILE_BYTES // 1024 // 1024} MB can be imported at once. Split it into "
                                     "smaller files.")])


def _drafts(bank: BankSpec, filename: str, lines: Mapping[Loc, int]) -> list[BankError]:
    """Each draft question with its reasons, on the line where it starts."""
    return [BankError(filename, lines.get(("questions", index)), question.id, "; ".join(question.draft_reasons))
            for index, question in enumerate(bank.questions) if question.draft_reasons]


def _fill_drafts(data: Any, filename: str) -> Any:
    """An uploaded YAML bank with a missing explanation or source taken as a draft, as other formats are."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return data
    questions = [_as_draft(q) if isinstance(q, dict) else q for q in data["questions"]]
    raw_sources = data.get("sources")
    sources: list[Any] = raw_sources if isinstance(raw_sources, list) else []
    declared = {s.get("id") for s in sources if isinstance(s, dict)}
    if IMPORTED_SOURCE not in declared and any(isinstance(q, dict) and q.get("source") == IMPORTED_SOURCE
                                               for q in questions):
        sources = [*sources, {"id": IMPORTED_SOURCE, "title": f"Imported from {PurePath(filename).name}"}]
    return {**data, "questions": questions, "sources": sources}


def _as_draft(question: dict[str, Any]) -> dict[str, Any]:
    filled = dict(question)
    if filled.get("explanation") is None:
        filled["explanation"] = ""
    if filled.get("source") is None:
        filled["source"] = IMPORTED_SOURCE
    return filled


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
        question["explanation"] = _text(question.get("explanation")) or ""  # none given: imported as a draft
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


def category_tags(path: str, bank_title: object = None) -> list[str]:
    """Tags from a Moodle category path: '$course$/top/Online safety/Sextortion' -> online-safety, sextortion.

    Moodle's own levels ($course$, top, "Default for ...") and the bank's own title (our exports' category) are
    left out; '//' is Moodle's escaped '/', kept inside a level.
    """
    levels = [level.replace("//", "/").strip() for level in re.split(r"(?<!/)/(?!/)", path.strip())]
    kept = [level for level in levels if level and not (level.startswith("$") and level.endswith("$"))
            and level.lower() != "top" and not level.startswith("Default for") and level != bank_title]
    return list(dict.fromkeys(tag for tag in (slugify(level) for level in kept) if tag))


def with_tags(question: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    """The question with extra tags after its own, each once."""
    given = question.get("tags")
    own: list[Any] = given if isinstance(given, list) else []
    return {**question, "tags": list(dict.fromkeys([*own, *tags]))} if tags else question


def slugify(text: str) -> str:
    """Lower-case letters, digits and single hyphens: 'Online Safety' -> 'online-safety'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")


def validate_data(data: Any, filename: str, lines: Mapping[Loc, int], *, require_learning: bool,
                  missing: Mapping[str, str] | None = None, errors: list[BankError] | None = None,
                  drafts: bool = False) -> BankSpec:
    """Validate plain bank data, raising BankInvalid with every problem placed on its line (drafts: imports)."""
    found = list(errors or [])
    bank = None
    if not isinstance(data, dict):
        found.append(BankError(filename, 1, None, "a bank must be a mapping with id, title, edition, summary, "
                                                  "learning, sources and questions"))
    else:
        try:
            bank = BankSpec.model_validate(data, context={"require_learning": require_learning, "drafts": drafts})
        except ValidationError as exc:
            place = Placer(data, filename, lines)
            for err in exc.errors():
                found.extend(place.describe(err, missing or {}))
            found.extend(place.cross_rules(require_learning))
    if found or bank is None:
        raise BankInvalid(list(dict.fromkeys(found)))
    return bank
