"""Imported HTML: sanitised with nh3 to a small allow-list, then read as the plain text a browser would show."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

# What survives sanitising; everything else (scripts, styles, event handlers, forms, iframes) goes first.
ALLOWED_TAGS = {"p", "br", "div", "span", "b", "strong", "i", "em", "u", "sub", "sup", "ul", "ol", "li",
                "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "blockquote",
                "pre", "code", "img"}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt"}}


def sanitise(html: str) -> str:
    """HTML cut down to the allow-list (never kept raw): no scripts, styles, handlers or unsafe URLs."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https"},
                     link_rel=None, strip_comments=True)


@dataclass
class ImageRef:
    """An <img> in imported text: where it points and its alternative text."""

    src: str
    alt: str


@dataclass
class HtmlText:
    """Imported HTML read as plain text, with the images it showed."""

    text: str
    images: list[ImageRef] = field(default_factory=list)


class _TextExtractor(HTMLParser):
    """Collects the text a browser would show."""

    BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "pre"}
    HIDDEN = {"script", "style", "head", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[ImageRef] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Line breaks for <br> and block elements; hide what is inside <script> and <style>."""
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "img":
            found = dict(attrs)
            self.images.append(ImageRef(found.get("src") or "", (found.get("alt") or "").strip()))
        self.parts.append("\n" if tag == "br" else "\n\n" if tag in self.BLOCKS else "")

    def handle_endtag(self, tag: str) -> None:
        """A paragraph break after a block element."""
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        self.parts.append("\n\n" if tag in self.BLOCKS else "")

    def handle_data(self, data: str) -> None:
        """Visible text, with runs of white space shown as one space, as a browser does."""
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def read_html(html: str) -> HtmlText:
    """Sanitised HTML read as a browser shows it: tags dropped, entities decoded, and the images it held."""
    extractor = _TextExtractor()
    extractor.feed(sanitise(html))
    extractor.close()
    text = re.sub(r" *\n *", "\n", "".join(extractor.parts))
    return HtmlText(re.sub(r"\n{3,}", "\n\n", text).strip(), extractor.images)


def html_to_text(html: str) -> str:
    """Plain text from HTML as a browser shows it: tags dropped, entities decoded, scripts and styles removed."""
    return read_html(html).text
