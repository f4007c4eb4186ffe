"""Files embedded in a Moodle XML question (<file encoding="base64">): images kept, everything else reported."""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from .html import read_html
from .images import ImageProblem, check_image, decode, encode

if TYPE_CHECKING:
    from .moodle_xml import Element
    from .schema import QuestionSpec

PLUGINFILE = "@@PLUGINFILE@@/"
HTML_FORMATS = ("html", "moodle_auto_format")


class BadImage(ValueError):
    """An embedded image that cannot be used (not an image, too big), with the line of its <file>."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def embedded_images(question: Element, fmt: str) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """The question text's images (checked and re-encoded), and notes, with lines, of the files left out."""
    text_element = question.find("questiontext")
    files = {f.attrs.get("name", ""): f for f in (text_element.children if text_element else []) if f.tag == "file"}
    images: list[dict[str, Any]] = []
    notes: list[tuple[int, str]] = []
    used: set[str] = set()
    refs = read_html(question.text("questiontext", "text") or "").images if fmt in HTML_FORMATS else []
    for ref in refs:
        if not ref.src.startswith(PLUGINFILE):
            notes.append((question.line, f"the image '{ref.src}' is not embedded in the file, so it was left out"))
            continue
        name = unquote(ref.src[len(PLUGINFILE):]).rsplit("/", 1)[-1]
        found = files.get(name)
        if found is None:
            notes.append((question.line, f"the image '{name}' is missing from the file, so it was left out"))
            continue
        used.add(name)
        try:
            checked = check_image(decode("".join(found.parts), name), name)
        except ImageProblem as exc:
            raise BadImage(str(exc), found.line) from None
        images.append({"name": name, "alt": ref.alt, "data": encode(checked.data)})
        if not ref.alt:
            notes.append((found.line, f"the image '{name}' has no alternative text: add one before the bank goes live"))
    notes += [(f.line, f"the embedded file '{n}' is not an image in the question text, so it was left out")
              for n, f in files.items() if n not in used]
    notes += [(f.line, f"the embedded file '{f.attrs.get('name', '')}' is not in the question text, so it was left out")
              for f in _files_elsewhere(question)]
    return images, notes


def _files_elsewhere(question: Element) -> list[Element]:
    """<file>s in feedback and answers, which are not shown here."""
    found: list[Element] = []
    stack = [c for c in question.children if c.tag != "questiontext"]
    while stack:
        node = stack.pop()
        if node.tag == "file":
            found.append(node)
        stack.extend(node.children)
    return sorted(found, key=lambda f: f.line)


def questiontext_xml(question: QuestionSpec, cdata: Callable[[str], str]) -> str:
    """The <questiontext>: plain text, or HTML with each image and its <file> when the question has images."""
    if not question.images:
        return f'    <questiontext format="plain_text"><text>{cdata(question.prompt)}</text></questiontext>'
    html = "<p>" + escape(question.prompt).replace("\n", "<br>") + "</p>" + "".join(
        f'<p><img src="{PLUGINFILE}{quote(image.name)}" alt="{escape(image.alt)}"></p>' for image in question.images)
    files = "".join(f'<file name="{escape(image.name)}" path="/" encoding="base64">{image.data}</file>'
                    for image in question.images)
    return f'    <questiontext format="html"><text>{cdata(html)}</text>{files}</questiontext>'
