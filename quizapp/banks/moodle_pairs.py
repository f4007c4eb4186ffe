"""Moodle XML matching (`matching`) and ordering (qtype_ordering's `ordering`) questions, read and written."""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from .schema import QuestionSpec

if TYPE_CHECKING:
    from .moodle_xml import Element

Convert = Callable[[str | None, str], str]
PAIRED_KINDS = ("matching", "ordering")
# qtype_ordering's settings for "put all of them in order, marked all or nothing", as the plugin exports them.
ORDERING_SETTINGS = ("<layouttype>VERTICAL</layouttype>", "<selecttype>ALL</selecttype>",
                     "<selectcount>0</selectcount>", "<gradingtype>ALL_OR_NOTHING</gradingtype>",
                     "<showgrading>SHOW</showgrading>", "<numberingstyle>none</numberingstyle>")


def read_pairs(element: Element, fmt: str, convert: Convert) -> tuple[list[dict[str, Any]], str | None]:
    """The options of a matching or ordering <question>, and a note of anything left out."""
    if element.attrs.get("type") == "matching":
        return _matching(element, fmt, convert)
    answers = [a for a in element.children if a.tag == "answer"]
    steps = [convert(a.text("text"), (a.attrs.get("format") or fmt)) for a in answers]
    positions = [_number(a.attrs.get("fraction")) for a in answers]
    # Files that number the steps in their fraction (1, 2, 3...) may list them in any order; others list them in order.
    if all(p is not None and p > 0 for p in positions) and len(set(positions)) == len(positions):
        steps = [step for _, step in sorted(zip(positions, steps, strict=True), key=lambda pair: pair[0] or 0)]
    return [{"text": step} for step in steps], None


def _matching(element: Element, fmt: str, convert: Convert) -> tuple[list[dict[str, Any]], str | None]:
    options, extra = [], 0
    for sub in (c for c in element.children if c.tag == "subquestion"):
        item = convert(sub.text("text"), (sub.attrs.get("format") or fmt))
        match = convert(sub.text("answer", "text"), "plain_text")
        if item:
            options.append({"text": item, "match": match})
        else:
            extra += 1  # Moodle's extra wrong answer: an answer with no question of its own
    return options, f"{extra} extra answer{'s' if extra != 1 else ''} with no item left out" if extra else None


def _number(raw: str | None) -> float | None:
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def pairs_xml(question: QuestionSpec, cdata: Callable[[str], str]) -> list[str]:
    """The answer elements of a matching or ordering question."""
    if question.type == "matching":
        return ["    <shuffleanswers>true</shuffleanswers>"] + [
            f'    <subquestion format="plain_text"><text>{cdata(o.text)}</text>'
            f"<answer><text>{escape(o.match)}</text></answer></subquestion>" for o in question.options]
    return [f"    {setting}" for setting in ORDERING_SETTINGS] + [
        f'    <answer fraction="{n}" format="plain_text"><text>{cdata(o.text)}</text></answer>'
        for n, o in enumerate(question.options, start=1)]
