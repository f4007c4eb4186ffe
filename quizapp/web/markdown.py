"""Markdown for learning pages: raw HTML disabled, so bank text can never inject markup."""
from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(text: str, *, shift_headings: int = 1) -> Markup:
    """Render Markdown to safe HTML, pushing headings down so the page keeps a single h1."""
    html = _renderer().render(text or "")
    for level in range(6 - shift_headings, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + shift_headings}>").replace(
            f"</h{level}>", f"</h{level + shift_headings}>")
    # Safe to mark: markdown-it escapes all text and raw HTML is switched off above.
    return Markup(html)  # nosec B704
