"""Turn an HTML mail body into plain text that the quote stripper can read.

Only the standard library's ``html.parser`` is used. Block elements become line
breaks, ``<script>``/``<style>`` vanish, and the content of ``<blockquote>`` is
prefixed with ``> `` per nesting level, so that an HTML-only reply loses its quoted
part exactly like a plain-text one does.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that end a line of text: the reader sees them as separate lines.
_BREAK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
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
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    }
)
# Elements after which a blank line separates paragraphs.
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})
_DROP_TAGS = frozenset({"script", "style", "head", "title", "template"})
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._buf: list[str] = []
        self._buf_depth = 0
        self._quote_depth = 0
        self._drop_depth = 0
        self._pre_depth = 0

    # -- line assembly -------------------------------------------------
    def _flush(self) -> None:
        text = "".join(self._buf)
        self._buf = []
        if self._pre_depth == 0:
            text = text.strip()
        if text:
            prefix = "> " * self._buf_depth
            for piece in text.split("\n"):
                self.lines.append((prefix + piece).rstrip())
        self._buf_depth = self._quote_depth

    def _blank(self) -> None:
        self._flush()
        # Collapse runs of empty lines: HTML nests blocks freely, mail text doesn't.
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _write(self, text: str) -> None:
        if not self._buf:
            self._buf_depth = self._quote_depth
        self._buf.append(text)

    # -- parser callbacks ----------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_TAGS:
            self._drop_depth += 1
            return
        if tag == "br":
            if self._buf:
                self._flush()
            else:
                self.lines.append("> " * self._quote_depth if self._quote_depth else "")
            return
        if tag == "p":
            self._blank()
        elif tag in _BREAK_TAGS:
            self._flush()
        if tag == "blockquote":
            self._quote_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        elif tag == "li":
            self._write("- ")
        elif tag in ("td", "th") and self._buf:
            self._write("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            self._drop_depth = max(0, self._drop_depth - 1)
            return
        if tag == "blockquote":
            self._flush()
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "pre":
            self._flush()
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag in _PARAGRAPH_TAGS:
            self._blank()
        elif tag in _BREAK_TAGS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._drop_depth:
            return
        if self._pre_depth:
            # Inside <pre> line breaks are content: emit each line, quoted if needed.
            parts = data.split("\n")
            for part in parts[:-1]:
                self._write(part)
                self._flush()
            self._write(parts[-1])
            return
        text = _SPACE.sub(" ", data)
        if text.strip() or self._buf:
            self._write(text)


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML body, blockquotes as ``> `` lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    parser._flush()
    lines = parser.lines
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)
