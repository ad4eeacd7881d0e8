"""HTML to text: an HTML document (body part or attachment) -> the text a reader sees, one block a line.

Parsed with lexbor (selectolax): linear on hostile markup, where the standard library's parser
takes minutes on a few megabytes of unclosed tags.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

# Elements that start and end a line; cells end with a tab so a table row stays on one line.
BLOCKS = (
    "address,article,aside,blockquote,br,dd,div,dl,dt,fieldset,figcaption,figure,footer,form,"
    "h1,h2,h3,h4,h5,h6,header,hr,li,main,nav,ol,p,pre,section,table,tr,ul,title"
)
CELLS = "td,th"
HIDDEN = ["script", "style"]
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> str:
    """Visible text of ``html``: scripts and styles dropped, entities decoded, image alt texts
    kept, and no-break spaces made ordinary so ``010203&nbsp;1234`` reads as one number."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(HIDDEN)
    for node in tree.css(BLOCKS):
        node.insert_before("\n")
        node.insert_after("\n")
    for node in tree.css(CELLS):
        node.insert_after("\t")
    for node in tree.css("img[alt]"):
        node.insert_after(f" {node.attributes.get('alt') or ''} ")
    root = tree.root
    text = root.text(separator="") if root is not None else ""
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
