"""Moodle GIFT import and export (multiple choice, multiple response and true/false)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .formats import Interchange, LineMap, ParsedBank, category_tags, register, with_tags
from .html import html_to_text, read_html
from .loader import BANK_META, bank_meta, meta_comment, read_meta
from .moodle_xml import moodle_fractions
from .schema import BankError, BankSpec, QuestionSpec
from .weights import WeightProblem, classify

MISSING = {"explanation": "no general feedback (####) to use as the explanation"}
# GIFT's escapes, swapped for private-use characters while the question is split up, then restored.
_ESCAPES = ["\\\\", "\\~", "\\=", "\\#", "\\{", "\\}", "\\:", "\\n"]
_PLAIN = ["\\", "~", "=", "#", "{", "}", ":", "\n"]
_HOLDERS = [chr(0xE000 + i) for i in range(len(_ESCAPES))]
_FORMAT_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Unsupported(Exception):
    """A GIFT question type this app cannot ask."""


class _Broken(Exception):
    """A question whose GIFT cannot be read."""


def parse_gift(text: str, filename: str) -> ParsedBank:
    """Read a GIFT file into plain bank data, noting every problem and unsupported question with its line."""
    data: dict[str, Any] = {"questions": []}
    lines: LineMap = {}
    errors: list[BankError] = []
    unsupported: list[BankError] = []
    notes: list[BankError] = []
    ordinal = 0
    category: list[str] = []
    for block in _blocks(text):
        body, meta = _strip_comments(block, filename, data, errors)
        if body and body[0][1].lstrip().startswith("$CATEGORY:"):
            category = category_tags(body[0][1].split(":", 1)[1], data.get("title"))  # tags what follows
            continue
        if not body:
            continue
        ordinal += 1
        start = body[0][0]
        try:
            question = {**parse_question("\n".join(line for _, line in body)), **meta, "_n": ordinal}
        except _Unsupported as exc:
            unsupported.append(BankError(filename, start, _name_of(body[0][1]), str(exc)))
            continue
        except _Broken as exc:
            errors.append(BankError(filename, start, _name_of(body[0][1]), str(exc)))
            continue
        lines[("questions", len(data["questions"]))] = start
        question = with_tags(question, category)
        note = question.pop("_note", None)
        if note:
            notes.append(BankError(filename, start, _name_of(body[0][1]), note))
        data["questions"].append(question)
    return ParsedBank(data, lines, errors, unsupported, notes)


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Runs of non-blank lines with their line numbers: GIFT questions are separated by blank lines."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _strip_comments(block: list[tuple[int, str]], filename: str, bank: dict[str, Any],
                    errors: list[BankError]) -> tuple[list[tuple[int, str]], dict[str, Any]]:
    """The block without // comments, and the question details read from quizapp comments."""
    body, question_meta = [], {}
    for number, line in block:
        if not line.strip().startswith("//"):
            body.append((number, line))
            continue
        try:
            found = read_meta(line.strip()[2:])
        except ValueError as exc:
            errors.append(BankError(filename, number, None, str(exc)))
            continue
        if found and found[0] == "source":
            bank.setdefault("sources", []).append(found[1])
        elif found and found[0] == "bank":
            bank.update({k: v for k, v in found[1].items() if k in BANK_META})
        elif found:
            question_meta.update({k: v for k, v in found[1].items() if k in ("source", "tags")})
    return body, question_meta


def _name_of(first_line: str) -> str | None:
    match = re.match(r"^\s*::(.*?)::", first_line)
    return match.group(1).strip() if match else None


def parse_question(text: str) -> dict[str, Any]:
    """One GIFT question (comments removed) as plain question data."""
    text = _hold_escapes(text.strip())
    name = None
    if text.startswith("::") and "::" in text[2:]:
        name, text = text[2:].split("::", 1)
        name, text = _release(name).strip(), text.strip()
    fmt_match = _FORMAT_RE.match(text)
    fmt = fmt_match.group(1) if fmt_match else "moodle"
    text = text[fmt_match.end():] if fmt_match else text
    start, end = text.find("{"), text.find("}", max(text.find("{"), 0))
    if start == -1 and end == -1:
        raise _Unsupported("a description (text with no answers) is not a question; it cannot be imported")
    if start == -1 or end == -1:
        raise _Broken("the answers must be inside { and }: a brace is missing")
    answers, after = text[start + 1:end].strip(), text[end + 1:]
    prompt = text[:start] + ("_____" + after if after.strip() else "")  # GIFT's 'missing word' form
    question: dict[str, Any] = {"id": name, "prompt": _text(prompt, fmt)}
    if "####" in answers:
        answers, feedback = answers[:answers.rfind("####")].strip(), answers[answers.rfind("####") + 4:]
        if _text(feedback, fmt):
            question["explanation"] = _text(feedback, fmt)
    question["type"], question["options"], question["_note"] = _answers(answers, fmt)
    if fmt == "html" and read_html(_release(prompt)).images:
        # GIFT cannot carry the image itself, so say so rather than ask a question about a missing picture.
        pictures = "the question's image was left out: GIFT files cannot hold images (export as Moodle XML)"
        question["_note"] = "; ".join(n for n in (question["_note"], pictures) if n)
    return question


def _answers(answers: str, fmt: str) -> tuple[str, list[dict[str, Any]], str | None]:
    if not answers:
        raise _Unsupported("essay questions ({}) are not supported")
    if answers.startswith("#"):
        raise _Unsupported("numerical questions ({#...}) are not supported")
    if "~" in answers:
        return _choices(answers, fmt)
    if "=" in answers and "->" in answers:
        return _matching(answers, fmt)
    value, *feedback = answers.split("#", 2)
    truth = _TRUE_FALSE.get(value.strip())
    if truth is None:
        raise _Unsupported("short-answer questions (only = answers) are not supported")
    # {T#shown when wrong#shown when right}: the first feedback belongs to the wrong option, the second to the right.
    wrong, right = ([_text(f, fmt) for f in feedback] + ["", ""])[:2]
    return "true_false", [{"text": "True", "correct": truth, "feedback": right if truth else wrong},
                          {"text": "False", "correct": not truth, "feedback": wrong if truth else right}], None


def _matching(answers: str, fmt: str) -> tuple[str, list[dict[str, Any]], str | None]:
    """Pairs from '=item -> match =item -> match'; Moodle's extra answers with no item ('= -> x') are dropped."""
    pairs = []
    for part in answers.split("=")[1:]:
        item, arrow, match = part.partition("->")
        if not arrow:
            raise _Broken("each matching pair needs '->' between the item and its match")
        pairs.append((_text(item, fmt), _text(match.split("#", 1)[0], fmt)))
    options = [{"text": item, "match": match} for item, match in pairs if item]
    extra = len(pairs) - len(options)
    return "matching", options, f"{extra} extra answer{'s' if extra != 1 else ''} with no item left out" if extra \
        else None


def _choices(answers: str, fmt: str) -> tuple[str, list[dict[str, Any]], str | None]:
    """The type and options from '=right ~wrong ~%50%partly', weighed all-or-nothing (weights.classify)."""
    texts, weights = [], []
    for part in answers.replace("=", "~=").split("~"):
        part = part.strip()
        if not part:
            continue
        weight = _WEIGHT_RE.match(part)
        weights.append(100.0 if part.startswith("=") else float(weight.group(1)) if weight else 0.0)
        part = part[1:] if part.startswith("=") else part[weight.end():] if weight else part
        text, _, feedback = part.partition("#")
        texts.append((_text(text, fmt), _text(feedback, fmt)))
    try:
        kind, correct, note = classify(weights, True if "=" in answers else None)
    except WeightProblem as exc:
        raise _Unsupported(str(exc)) from None
    return kind, [{"text": t, "correct": c, "feedback": f} for (t, f), c in zip(texts, correct, strict=True)], note


def _text(raw: str, fmt: str) -> str:
    own = _FORMAT_RE.match(raw)
    if own:
        fmt, raw = own.group(1), raw[own.end():]
    text = _release(raw)
    return html_to_text(text) if fmt == "html" else text.strip()


def _hold_escapes(text: str) -> str:
    text = text.translate({ord(h): None for h in _HOLDERS})
    for escaped, holder in zip(_ESCAPES, _HOLDERS, strict=True):
        text = text.replace(escaped, holder)
    return text


def _release(text: str) -> str:
    for holder, plain in zip(_HOLDERS, _PLAIN, strict=True):
        text = text.replace(holder, plain)
    return text


def escape_gift(text: str) -> str:
    """Text with GIFT's special characters escaped and line breaks written as \\n."""
    text = text.replace("\r", "").replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def write_gift(bank: BankSpec) -> str:
    """The bank as GIFT, with its id, sources and each question's source kept in // quizapp comments."""
    ordering = [q.id for q in bank.questions if q.type == "ordering"]
    if ordering:
        raise ValueError("GIFT has no ordering questions, so these cannot be exported: "
                         f"{', '.join(ordering)}. Export as YAML or Moodle XML instead.")
    out = ["// " + meta_comment("bank", bank_meta(bank))]
    out += ["// " + meta_comment("source", s.model_dump(exclude_none=True)) for s in bank.sources]
    for question in bank.questions:
        out += ["", *_question_gift(question)]
    return "\n".join(out) + "\n"


def _question_gift(question: QuestionSpec) -> list[str]:
    meta: dict[str, Any] = {"source": question.source}
    if question.tags:
        meta["tags"] = list(question.tags)
    head = f"::{escape_gift(question.id)}::[plain]{escape_gift(question.prompt)}{{"
    feedback = f"\t####{escape_gift(question.explanation)}"
    if question.type == "true_false":
        true, false = sorted(question.options, key=lambda o: o.text != "True")
        right, wrong = (true, false) if true.correct else (false, true)
        said = f"#{escape_gift(wrong.feedback)}#{escape_gift(right.feedback)}" if right.feedback or wrong.feedback \
            else ""
        return ["// " + meta_comment("question", meta), head + ("TRUE" if true.correct else "FALSE") + said,
                feedback, "}"]
    lines = ["// " + meta_comment("question", meta), head]
    if question.type == "matching":
        lines += [f"\t={escape_gift(o.text)} -> {escape_gift(o.match)}" for o in question.options]
        return [*lines, feedback, "}"]
    weights = _weights(question)
    for option, weight in zip(question.options, weights, strict=True):
        said = f"#{escape_gift(option.feedback)}" if option.feedback else ""
        lines.append(f"\t{weight}{escape_gift(option.text)}{said}")
    return [*lines, feedback, "}"]


def _weights(question: QuestionSpec) -> list[str]:
    if question.type == "multiple":
        return [f"~%{fraction}%" for fraction in moodle_fractions(question)]
    # A wrong option whose text starts with %50% would read as a weight: give it an explicit 0.
    return ["=" if o.correct else "~%0%" if o.text.startswith("%") else "~" for o in question.options]


register("gift", Interchange(parse_gift, write_gift, MISSING))
