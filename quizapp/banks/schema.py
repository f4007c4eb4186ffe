"""The question-bank schema: pydantic models, the rules a bank must keep, and the errors that report them."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from ..engine.drafts import IMPORTED_SOURCE, draft_reasons
from .images import check_image, decode, encode
from .rules import (
    Loc,
    bank_problems,
    learning_problems,
    paired_problems,
    question_problems,
    review_problems,
)

QuestionKindName = Literal["single", "multiple", "true_false", "matching", "ordering"]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EDITION_RE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")



def is_slug(value: str) -> bool:
    """Whether value is a lower-case slug such as 'sx-001'."""
    return bool(SLUG_RE.match(value)) and len(value) <= 80


def _slug(value: str) -> str:
    if not is_slug(value):
        raise ValueError(f"'{value}' must be lower-case letters, digits and single hyphens (at most 80 characters)")
    return value


def _edition(value: Any) -> Any:
    # YAML turns an unquoted 2025-03-01 into a date and 2025 into a number: accept both as text.
    return value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, int) else value


def _check_edition(value: str) -> str:
    if not EDITION_RE.match(value):
        raise ValueError(f"edition must be a year and month such as 2025-03 (found '{value}')")
    return value


def _check_url(value: str | None) -> str | None:
    if value is not None and not re.match(r"^https?://\S+$", value):
        raise ValueError(f"url must start with http:// or https:// and contain no spaces (found '{value}')")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
MaybeText = Annotated[str, StringConstraints(strip_whitespace=True)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_slug)]
Edition = Annotated[str, BeforeValidator(_edition), StringConstraints(strip_whitespace=True),
                    AfterValidator(_check_edition)]
Url = Annotated[str | None, AfterValidator(_check_url)]


class RuleViolations(ValueError):
    """Several broken rules found together, each with the place (relative to the model) it applies to."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OptionSpec(_Spec):
    """One answer option of a question."""

    text: Text
    correct: bool = False
    feedback: MaybeText = ""  # shown beside this option in the review when it was chosen (GIFT #, Moodle <feedback>)
    match: MaybeText = ""  # matching only: the answer that goes with this item

    def stored(self) -> dict[str, Any]:
        """As kept in the database: feedback and match only when set, so older rows and hashes stay the same."""
        return {"text": self.text, "correct": self.correct, **({"feedback": self.feedback} if self.feedback else {}),
                **({"match": self.match} if self.match else {})}


class ImageSpec(_Spec):
    """An image shown with the prompt: PNG bytes as base64, re-encoded by Pillow, and its alternative text."""

    name: Text
    alt: MaybeText = ""
    data: Text

    @model_validator(mode="after")
    def _reencode(self) -> ImageSpec:
        # Untrusted bytes are checked and re-encoded here, whichever file they came from (idempotent: PNG is lossless).
        checked = check_image(decode(self.data, self.name), self.name)
        object.__setattr__(self, "data", encode(checked.data))
        return self

    @property
    def sha256(self) -> str:
        """The digest that names the stored image."""
        return hashlib.sha256(base64.b64decode(self.data)).hexdigest()


class SourceSpec(_Spec):
    """A published source that questions cite."""

    id: Slug
    title: Title
    url: Url = None
    published: Edition | None = None


class QuestionSpec(_Spec):
    """One question as written in a bank file."""

    id: Slug
    type: QuestionKindName
    prompt: Text
    options: list[OptionSpec]
    explanation: MaybeText
    source: Slug
    tags: list[Slug] = []
    images: list[ImageSpec] = []

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> QuestionSpec:
        problems = question_problems(self.type, [(o.text, o.correct) for o in self.options]) + paired_problems(
            self.type, [o.match for o in self.options])
        if not drafts_allowed(info.context):  # bank files are checked strictly: no drafts in them
            if not self.explanation:
                problems.insert(0, (("explanation",), "explanation must not be empty"))
            if self.source == IMPORTED_SOURCE:
                problems.append((("source",), f"source '{IMPORTED_SOURCE}' is the placeholder an import gives a "
                                              "question that cites none: cite a real source"))
        if problems:
            raise RuleViolations(problems)
        return self

    @property
    def draft_reasons(self) -> list[str]:
        """Why the question is a draft that is never drawn ([] when it is ready)."""
        return draft_reasons(self.explanation, self.source)

    def content_hash(self) -> str:
        """A stable SHA-256 of everything that changes what the question means."""
        payload = {"prompt": self.prompt, "type": self.type, "explanation": self.explanation,
                   "options": [[o.text, o.correct, *([o.feedback] if o.feedback else []),
                                *([{"match": o.match}] if o.match else [])] for o in self.options],
                   "source": self.source,
                   "tags": list(self.tags),
                   **({"images": [[i.sha256, i.alt] for i in self.images]} if self.images else {})}
        return _sha256(payload)


def drafts_allowed(context: Any) -> bool:
    """Whether validation may accept drafts: imports may, bank files checked by `banks validate` may not."""
    return not context or bool(context.get("drafts"))


class BankSpec(_Spec):
    """A whole bank: its learning page, sources and questions."""

    id: Slug
    title: Title
    edition: Edition
    summary: Text
    learning: str
    sources: list[SourceSpec]
    questions: list[QuestionSpec]
    reviewed_on: date | None = None
    review_by: date | None = None
    as_of_notes: dict[str, Text] = {}

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> BankSpec:
        require = bool(info.context and info.context.get("require_learning"))
        problems = learning_problems(self.learning, require) + bank_problems(
            [s.id for s in self.sources], [(q.id, q.source) for q in self.questions]) + review_problems(
            self.reviewed_on, self.review_by)
        if problems:
            raise RuleViolations(problems)
        return self

    def source(self, source_id: str) -> SourceSpec:
        """The declared source with this id (KeyError if there is none)."""
        for candidate in self.sources:
            if candidate.id == source_id:
                return candidate
        raise KeyError(f"bank '{self.id}' declares no source '{source_id}'")

    def content_hash(self) -> str:
        """A stable SHA-256 of the whole bank."""
        return _sha256(self.model_dump(mode="json"))


def _sha256(payload: Any) -> str:
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BankError:
    """One problem in a bank file, with where it is."""

    file: str
    line: int | None
    question_id: str | None
    message: str

    def __str__(self) -> str:
        """As 'file.yaml:42: sx-007: message', leaving out what is not known."""
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place}: {self.question_id}: {self.message}" if self.question_id else f"{place}: {self.message}"


class BankInvalid(Exception):
    """A bank (or several) that cannot be used, with every problem found."""

    def __init__(self, errors: list[BankError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line or 0))
        super().__init__("\n".join(str(error) for error in self.errors))
