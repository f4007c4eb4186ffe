"""Moodle XML import and export, with a parser that refuses DTDs and entities (uploads are untrusted)."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any
from xml.parsers import expat

from .formats import Interchange, LineMap, ParsedBank, category_tags, register, slugify, with_tags
from .html import html_to_text
from .loader import BANK_META, bank_meta, meta_comment, read_meta
from .moodle_files import BadImage, embedded_images, questiontext_xml
from .moodle_pairs import PAIRED_KINDS, pairs_xml, read_pairs
from .schema import BankError, BankSpec, QuestionSpec, is_slug
from .weights import WeightProblem, classify

MISSING = {"explanation": "no <generalfeedback> text to use as the explanation"}
HTML_FORMATS = ("html", "moodle_auto_format")


@dataclass
class Element:
    """An XML element with the line it starts on (xml.etree does not keep lines)."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)

    def find(self, *path: str) -> Element | None:
        """The first descendant along path of child tags, or None."""
        node: Element | None = self
        for tag in path:
            node = next((c for c in node.children if c.tag == tag), None) if node else None
        return node

    def text(self, *path: str) -> str | None:
        """The character data of the element at path (CDATA included), or None if it is absent."""
        node = self.find(*path)
        return "".join(node.parts) if node else None


class XmlRefused(ValueError):
    """XML that is refused before any of it is used, with the line that made us stop."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def parse_xml(text: str) -> Element:
    """Parse XML safely: no DOCTYPE, so no entity expansion (billion laughs) and no external entities (XXE)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    document = Element("#document", {}, 1)
    stack = [document]

    def start(tag: str, attrs: dict[str, str]) -> None:
        """Open an element, noting its line."""
        element = Element(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(element)
        stack.append(element)

    def refuse(*_: Any) -> int:
        """Stop at the first DOCTYPE or entity declaration."""
        raise XmlRefused("the file declares a DOCTYPE or entities, which are refused for safety",
                         parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.CharacterDataHandler = lambda data: stack[-1].parts.append(data)
    parser.CommentHandler = lambda body: stack[-1].comments.append((parser.CurrentLineNumber, body))
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.Parse(text, True)
    return document


def parse_moodle_xml(text: str, filename: str) -> ParsedBank:
    """Read a Moodle XML quiz file into plain bank data, noting every problem with its line."""
    try:
        quiz = parse_xml(text).find("quiz")
    except XmlRefused as exc:
        return ParsedBank(None, {}, [BankError(filename, exc.line, None, str(exc))], [])
    except expat.ExpatError as exc:
        message = f"the XML is not well formed: {expat.ErrorString(exc.code)}"
        return ParsedBank(None, {}, [BankError(filename, exc.lineno, None, message)], [])
    if quiz is None:
        return ParsedBank(None, {}, [BankError(filename, 1, None, "a Moodle XML file must have a <quiz> root")], [])
    reader = _Reader(filename)
    reader.read_meta(quiz)
    ordinal = 0
    for element in quiz.children:
        if element.tag == "question" and element.attrs.get("type") == "category":
            reader.category = category_tags(element.text("category", "text") or "", reader.data.get("title"))
        elif element.tag == "question":
            ordinal += 1
            reader.read_question(element, ordinal)
    return ParsedBank(reader.data, reader.lines, reader.errors, reader.unsupported, reader.notes)


class _Reader:
    """Collects questions, lines and problems while walking a <quiz>."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.data: dict[str, Any] = {"questions": []}
        self.lines: LineMap = {}
        self.errors: list[BankError] = []
        self.unsupported: list[BankError] = []
        self.notes: list[BankError] = []
        self.category: list[str] = []  # tags from the last <question type="category">, for those that follow

    def read_meta(self, quiz: Element) -> None:
        """Bank details and sources from quizapp comments, as write_moodle_xml leaves them."""
        for line, body in quiz.comments:
            self._meta(body, line, None)

    def _meta(self, body: str, line: int, question: dict[str, Any] | None) -> None:
        try:
            found = read_meta(body)
        except ValueError as exc:
            self.errors.append(BankError(self.filename, line, None, str(exc)))
            return
        kind, payload = found or ("", {})
        if kind == "source":
            self.data.setdefault("sources", []).append(payload)
        elif kind == "bank" and question is None:
            self.data.update({k: v for k, v in payload.items() if k in BANK_META})
        elif kind == "question" and question is not None:
            question.update({k: v for k, v in payload.items() if k in ("source", "tags")})

    def read_question(self, element: Element, ordinal: int) -> None:
        """One <question>: multichoice and truefalse become questions, other types are reported."""
        kind = element.attrs.get("type", "")
        name = (element.text("name", "text") or "").strip() or None
        if kind not in ("multichoice", "truefalse", *PAIRED_KINDS):
            self.unsupported.append(BankError(self.filename, element.line, name, f"'{kind}' questions are not "
                                              "supported; only multichoice, truefalse, matching and ordering can "
                                              "be imported"))
            return
        idnumber = (element.text("idnumber") or "").strip()
        question: dict[str, Any] = {"id": idnumber if is_slug(idnumber) else name, "_n": ordinal}
        index = len(self.data["questions"])
        self.lines[("questions", index)] = element.line
        fmt = _format_of(element.find("questiontext"), "html")
        question["prompt"] = _convert(element.text("questiontext", "text"), fmt)
        try:
            images, file_notes = embedded_images(element, fmt)
        except BadImage as exc:
            self.unsupported.append(BankError(self.filename, exc.line, name, str(exc)))
            return
        if images:
            question["images"] = images
        self.notes += [BankError(self.filename, line, name, message) for line, message in file_notes]
        feedback = _convert(element.text("generalfeedback", "text"), _format_of(element.find("generalfeedback"), fmt))
        if feedback:
            question["explanation"] = feedback
        tag_list = element.find("tags")
        tags = [slugify(t.text("text") or "") for t in tag_list.children if t.tag == "tag"] if tag_list else []
        question["tags"] = list(dict.fromkeys(t for t in tags if t))
        for line, body in element.comments:
            self._meta(body, line, question)
        try:
            question["type"], question["options"], note = self._options(element, kind, fmt, index, question["id"])
        except WeightProblem as exc:
            self.unsupported.append(BankError(self.filename, element.line, name, str(exc)))
            return
        if note:
            self.notes.append(BankError(self.filename, element.line, name, note))
        self.data["questions"].append(with_tags(question, self.category))

    def _options(self, element: Element, kind: str, fmt: str, index: int,
                 name: str | None) -> tuple[str, list[dict[str, Any]], str | None]:
        if kind in PAIRED_KINDS:
            options, note = read_pairs(element, fmt, _convert)
            return kind, options, note
        answers = [a for a in element.children if a.tag == "answer"]
        texts, weights, said = [], [], []
        for position, answer in enumerate(answers):
            self.lines[("questions", index, "options", position)] = answer.line
            texts.append(_convert(answer.text("text"), _format_of(answer, fmt)))
            weights.append(self._fraction(answer, name))
            said.append(_convert(answer.text("feedback", "text"), _format_of(answer.find("feedback"), fmt)))
        if kind == "truefalse":
            correct = [w > 0 for w in weights]
            note = None
        else:
            single = (element.text("single") or "true").strip().lower() not in ("false", "0", "")
            kind, correct, note = classify(weights, single)
        options = [{"text": t, "correct": c, "feedback": f} for t, c, f in zip(texts, correct, said, strict=True)]
        return ("true_false", _true_false(options), None) if kind == "truefalse" else (kind, options, note)

    def _fraction(self, answer: Element, name: str | None) -> float:
        raw = answer.attrs.get("fraction", "0")
        try:
            return float(raw)
        except ValueError:
            self.errors.append(BankError(self.filename, answer.line, name, f"answer fraction '{raw}' is not a number"))
            return 0.0


def _true_false(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Moodle writes the answers as 'true' and 'false'; very old files relied on the order (true first).
    texts = [o["text"].strip().lower() for o in options]
    if sorted(texts) != ["false", "true"]:
        texts = ["true", "false"]
    return [{**o, "text": text.capitalize()} for text, o in zip(texts, options, strict=True)]


def _format_of(element: Element | None, default: str) -> str:
    return (element.attrs.get("format") or default).strip() if element else default


def _convert(text: str | None, fmt: str) -> str:
    if text is None:
        return ""
    if fmt == "moodle_auto_format":
        text = text.replace("\n", "<br>")  # in Moodle's auto-format a line break is meant as one
    return html_to_text(text) if fmt in HTML_FORMATS else text.strip()


def write_moodle_xml(bank: BankSpec) -> str:
    """The bank as Moodle XML: multichoice (single or multiple) and truefalse, in plain_text format."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>",
           f"<!-- {meta_comment('bank', bank_meta(bank))} -->"]
    out += [f"<!-- {meta_comment('source', s.model_dump(exclude_none=True))} -->" for s in bank.sources]
    out += ['  <question type="category">',
            f"    <category><text>{escape('$course$/top/' + bank.title.replace('/', '//'))}</text></category>",
            "  </question>"]
    for question in bank.questions:
        out += _question_xml(question)
    out.append("</quiz>")
    return "\n".join(out) + "\n"


def _question_xml(question: QuestionSpec) -> list[str]:
    kind = {"true_false": "truefalse", "matching": "matching", "ordering": "ordering"}.get(question.type,
                                                                                         "multichoice")
    meta = meta_comment("question", {"source": question.source})
    out = [f'  <question type="{kind}">', f"    <!-- {meta} -->",
           f"    <name><text>{escape(question.id)}</text></name>",
           questiontext_xml(question, _cdata),
           f'    <generalfeedback format="plain_text"><text>{_cdata(question.explanation)}</text></generalfeedback>',
           "    <defaultgrade>1</defaultgrade>",
           f"    <penalty>{'1' if kind == 'truefalse' else '0.3333333'}</penalty>",
           "    <hidden>0</hidden>", f"    <idnumber>{escape(question.id)}</idnumber>"]
    if kind == "multichoice":
        out += [f"    <single>{'true' if question.type == 'single' else 'false'}</single>",
                "    <shuffleanswers>true</shuffleanswers>", "    <answernumbering>abc</answernumbering>"]
    out += pairs_xml(question, _cdata) if kind in PAIRED_KINDS else []
    choices = [] if kind in PAIRED_KINDS else list(zip(question.options, moodle_fractions(question), strict=True))
    for option, fraction in choices:
        text = option.text.lower() if kind == "truefalse" else option.text
        fmt = "moodle_auto_format" if kind == "truefalse" else "plain_text"
        out.append(f'    <answer fraction="{fraction}" format="{fmt}"><text>{_cdata(text)}</text>'
                   f'<feedback format="plain_text"><text>{_cdata(option.feedback) if option.feedback else ""}</text>'
                   '</feedback></answer>')
    if question.tags:
        out.append("    <tags>" + "".join(f"<tag><text>{escape(t)}</text></tag>" for t in question.tags) + "</tags>")
    out.append("  </question>")
    return out


def moodle_fractions(question: QuestionSpec) -> list[str]:
    """Moodle grades: 100 or 0; for multiple response 100 shared by the right options and -100 by the wrong."""
    if question.type != "multiple":
        return ["100" if o.correct else "0" for o in question.options]
    right = sum(1 for o in question.options if o.correct)
    wrong = len(question.options) - right
    # Moodle only accepts its own list of grades (50, 33.33333, 25, 20...): five decimals match them.
    return [f"{(100 / right if o.correct else -100 / wrong):.5f}".rstrip("0").rstrip(".") for o in question.options]


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


register("moodle-xml", Interchange(parse_moodle_xml, write_moodle_xml, MISSING))
