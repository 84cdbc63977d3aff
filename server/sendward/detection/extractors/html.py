"""HTML (files and message bodies): visible text, and tables as tables."""

from __future__ import annotations

from html.parser import HTMLParser

from sendward.detection.extractors.decoding import decode
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import Table, Text, is_data_table

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
        yield Table(name=f"table {index}", rows=rows)


def html_to_text(markup: str) -> str:
    """All visible text, tables included (for reading the topic of a message)."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    cells = "\n".join("\t".join(row) for table in parser.tables for row in table)
    return "".join(parser.text) + "\n" + cells


class _Parser(HTMLParser):
    """Visible text, with data tables set apart; a page laid out with tables stays text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._open: list[tuple[list[list[str]], list[str]]] = []  # (rows, text) per open table
        self._cell: list[str] | None = None
        self._skip_depth = 0

    @property
    def _out(self) -> list[str]:
        return self._open[-1][1] if self._open else self.text

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "table":
            self._open.append(([], []))
        elif tag == "tr" and self._open:
            self._open[-1][0].append([])
        elif tag in ("td", "th") and self._open:
            self._cell = []
        if tag in _BLOCK:
            self._out.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in ("td", "th") and self._cell is not None and self._open:
            rows = self._open[-1][0]
            if not rows:
                rows.append([])
            rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._open:
            rows, text = self._open.pop()
            if is_data_table(rows):
                self.tables.append(rows)
            else:
                self._out.extend(text)
        if tag in _BLOCK or tag in ("td", "th"):
            self._out.append("\n" if tag in _BLOCK else "\t")

    def handle_data(self, data):
        if self._skip_depth:
            return
        self._out.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def close(self):
        super().close()
        while self._open:  # unclosed tables: keep their text
            rows, text = self._open.pop()
            self._out.extend(text)
