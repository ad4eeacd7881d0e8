"""HTML to text: an HTML document (body part or attachment) -> the text a reader sees, one block a line."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose end starts a new line; cells end with a tab so a table row stays on one line.
BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
        "title",
    ]
)
CELLS = frozenset({"td", "th"})
HIDDEN = frozenset({"script", "style"})
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


class TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.chunks.append("\n")
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.hidden:
                self.chunks.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.chunks.append("\n")
        elif tag in CELLS:
            self.chunks.append("\t")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """Visible text of ``html``: scripts, styles and head dropped, entities decoded, no-break
    spaces made ordinary so ``010203&nbsp;1234`` reads as one number with a space."""
    collector = TextCollector()
    collector.feed(html)
    collector.close()
    lines = (SPACES.sub(" ", line).strip() for line in "".join(collector.chunks).split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
