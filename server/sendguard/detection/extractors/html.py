"""HTML (files and message bodies): visible text, and tables as tables."""

from __future__ import annotations

from html.parser import HTMLParser

from sendguard.detection.extractors.decoding import decode
from sendguard.detection.extractors.state import ScanState
from sendguard.detection.limits import Unscannable
from sendguard.detection.model import Table, Text

_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "blockquote", "pre"}
_SKIP = {"script", "style", "head", "title", "template"}


def extract(data: bytes, state: ScanState):
    yield from html_parts(decode(data), state.limits.max_text_chars)


def html_parts(markup: str, max_chars: int):
    if len(markup) > max_chars:
        raise Unscannable("too_large", f"more than {max_chars:,} characters")
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    yield Text(name="text", text="".join(parser.text))
    for index, rows in enumerate(parser.tables, start=1):
        if len(rows) > 1:
            yield Table(name=f"table {index}", rows=rows)


def html_to_text(markup: str) -> str:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return "".join(parser.text)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._open_tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "table":
            self._open_tables.append([])
        elif tag == "tr" and self._open_tables:
            self._open_tables[-1].append([])
        elif tag in ("td", "th") and self._open_tables:
            self._cell = []
        if tag in _BLOCK:
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in ("td", "th") and self._cell is not None and self._open_tables:
            rows = self._open_tables[-1]
            if not rows:
                rows.append([])
            rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._open_tables:
            self.tables.append(self._open_tables.pop())
        if tag in _BLOCK or tag in ("td", "th"):
            self.text.append("\n" if tag in _BLOCK else "\t")

    def handle_data(self, data):
        if self._skip_depth:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
