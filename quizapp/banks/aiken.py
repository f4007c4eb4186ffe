"""Aiken import and export: single-answer questions; on import, our EXPLANATION: line after ANSWER:."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .formats import Interchange, LineMap, ParsedBank, register
from .schema import BankError, BankSpec

MISSING = {"explanation": "no EXPLANATION: line straight after ANSWER: to use as the explanation"}
_OPTION_RE = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER_RE = re.compile(r"^ANSWER:\s*(.*)$", re.IGNORECASE)
_EXPLANATION_RE = re.compile(r"^EXPLANATION:\s*(.*)$", re.IGNORECASE)


@dataclass
class _Draft:
    """One question as read so far."""

    line: int
    prompt: list[str]
    options: list[tuple[int, str]] = field(default_factory=list)
    answer: tuple[int, str] | None = None
    explanation: str | None = None


class _Reader:
    """Walks an Aiken file line by line, one question at a time."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.questions: list[dict[str, Any]] = []
        self.lines: LineMap = {}
        self.errors: list[BankError] = []
        self.ordinal = 0

    def error(self, line: int, message: str) -> None:
        """Note a problem on a line."""
        self.errors.append(BankError(self.filename, line, None, message))

    def feed(self, draft: _Draft | None, number: int, line: str) -> _Draft | None:
        """Take one non-blank line; return the question now being read."""
        if draft and draft.answer:
            explanation = _EXPLANATION_RE.match(line)
            if explanation and draft.explanation is None:
                draft.explanation = explanation.group(1).strip()
                return draft
            self.finish(draft)
            draft = None
        if draft is None:
            return _Draft(number, [line])
        option, answer = _OPTION_RE.match(line), _ANSWER_RE.match(line)
        if option:
            expected = chr(ord("A") + len(draft.options))
            if option.group(1) != expected:
                self.error(number, f"expected option {expected}, found {option.group(1)}")
            draft.options.append((number, option.group(2).strip()))
        elif answer:
            draft.answer = (number, answer.group(1).strip())
        elif not draft.options:
            draft.prompt.append(line)  # a question written over several lines
        else:
            self.error(number, "after the options, the next line must be 'ANSWER:' and a letter")
        return draft

    def finish(self, draft: _Draft) -> None:
        """Turn a complete question into plain data, or note why it cannot be."""
        self.ordinal += 1
        if not draft.options or draft.answer is None:
            self.error(draft.line, "a question needs options (A. ..., B. ...) and then an 'ANSWER:' line")
            return
        answer_line, letter = draft.answer
        chosen = ord(letter.upper()) - ord("A") if len(letter) == 1 else -1
        if not 0 <= chosen < len(draft.options):
            self.error(answer_line, f"'ANSWER: {letter}' does not name one of the options")
            return
        index = len(self.questions)
        texts = [text for _, text in draft.options]
        kind = "true_false" if [t.lower() for t in texts] == ["true", "false"] else "single"
        if kind == "true_false":
            texts = ["True", "False"]
        question: dict[str, Any] = {"id": None, "_n": self.ordinal, "type": kind, "prompt": " ".join(draft.prompt),
                                    "options": [{"text": t, "correct": i == chosen} for i, t in enumerate(texts)]}
        if draft.explanation:
            question["explanation"] = draft.explanation
        self.lines[("questions", index)] = draft.line
        self.lines[("questions", index, "explanation")] = answer_line
        for position, (line, _) in enumerate(draft.options):
            self.lines[("questions", index, "options", position)] = line
        self.questions.append(question)


def parse_aiken(text: str, filename: str) -> ParsedBank:
    """Read an Aiken file into plain bank data, noting every problem with its line."""
    reader = _Reader(filename)
    draft: _Draft | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line:
            draft = reader.feed(draft, number, line)
        elif draft and draft.answer:
            reader.finish(draft)
            draft = None
    if draft:
        reader.finish(draft)
    return ParsedBank({"questions": reader.questions}, reader.lines, reader.errors, [])


def write_aiken(bank: BankSpec) -> str:
    """The bank as standard Aiken; ValueError naming any multiple-response question, which Aiken cannot hold.

    Explanations are left out: Moodle treats any extra line, our EXPLANATION: too, as a broken question.
    """
    multiple = [q.id for q in bank.questions if q.type in ("multiple", "matching", "ordering")]
    if multiple:
        raise ValueError("Aiken has only single-answer questions, so these multiple-response, matching or ordering "
                         f"questions cannot be exported: {', '.join(multiple)}. Export as GIFT or Moodle XML instead.")
    blocks = []
    for question in bank.questions:
        options = list(question.options)
        if question.type == "true_false":
            options.sort(key=lambda o: o.text != "True")  # always A. True, B. False
        letter = chr(ord("A") + next(i for i, o in enumerate(options) if o.correct))
        lines = [_one_line(question.prompt)]
        lines += [f"{chr(ord('A') + i)}. {_one_line(o.text)}" for i, o in enumerate(options)]
        blocks.append("\n".join([*lines, f"ANSWER: {letter}"]))
    return "\n\n".join(blocks) + "\n"


def _one_line(text: str) -> str:
    # Aiken gives each question, option and answer a single line.
    return " ".join(text.split())


register("aiken", Interchange(parse_aiken, write_aiken, MISSING))
