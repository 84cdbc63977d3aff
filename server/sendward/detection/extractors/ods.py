"""OpenDocument spreadsheets (.ods): sheets, hidden sheets, collapsed rows and columns, annotations."""

from __future__ import annotations

from sendward.detection.extractors import xml
from sendward.detection.extractors.safezip import SafeZip
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import COMMENTS, HIDDEN_SHEET, Table, Text

_MAX_REPEAT = 1000  # repeated empty rows/columns fill a sheet to its edge: never expand those


def extract(data: bytes, state: ScanState):
    package = SafeZip(data, state, "OpenDocument spreadsheet")
    if not package.exists("content.xml"):
        raise Unscannable("corrupt", "not an OpenDocument spreadsheet: no content.xml")
    content = package.read("content.xml")
    hidden_styles = _hidden_table_styles(content)
    annotations: list[str] = []
    table = None
    for event, element in xml.iterate(content, "content.xml", events=("start", "end")):
        tag = xml.local(element.tag)
        if event == "start" and tag == "table":
            style = _attr(element, "style-name")
            table = _TableBuilder(_attr(element, "name") or "Sheet", style in hidden_styles)
        elif event == "end" and tag == "table-column" and table is not None:
            table.add_columns(element)
        elif event == "end" and tag == "annotation":
            annotations.append(xml.text_of(element))
            element.clear()
        elif event == "end" and tag == "table-row" and table is not None:
            table.add_row(element, state)
            element.clear()
        elif event == "end" and tag == "table" and table is not None:
            state.deadline.check()
            yield table.build()
            table = None
            element.clear()
    if annotations:
        yield Text(name="comments", text="\n".join(annotations), hidden=COMMENTS)


class _TableBuilder:
    def __init__(self, name: str, hidden: bool):
        self.name = name
        self.hidden = hidden
        self.rows: list[list] = []
        self.hidden_rows: set[int] = set()
        self.hidden_columns: set[int] = set()
        self.column_count = 0

    def add_columns(self, element) -> None:
        repeat = min(int(_attr(element, "number-columns-repeated") or 1), _MAX_REPEAT)
        if _attr(element, "visibility") in ("collapsed", "filter"):
            self.hidden_columns.update(range(self.column_count, self.column_count + repeat))
        self.column_count += repeat

    def add_row(self, element, state: ScanState) -> None:
        cells = []
        for cell in element:
            if xml.local(cell.tag) not in ("table-cell", "covered-table-cell"):
                continue
            value = _cell_value(cell)
            repeat = int(_attr(cell, "number-columns-repeated") or 1)
            cells.extend([value] * (min(repeat, _MAX_REPEAT) if value is not None else min(repeat, 1)))
        while cells and cells[-1] is None:
            cells.pop()
        repeat = int(_attr(element, "number-rows-repeated") or 1)
        repeat = min(repeat, _MAX_REPEAT) if cells else 1
        state.cells += len(cells) * repeat
        if state.cells > state.limits.max_cells:
            raise Unscannable("too_large", f"more than {state.limits.max_cells:,} cells")
        hidden = _attr(element, "visibility") in ("collapsed", "filter")
        for _ in range(repeat):
            if hidden:
                self.hidden_rows.add(len(self.rows))
            self.rows.append(cells)

    def build(self) -> Table:
        while self.rows and not self.rows[-1]:
            self.rows.pop()
        return Table(
            name=f"sheet '{self.name}'",
            rows=self.rows,
            hidden=HIDDEN_SHEET if self.hidden else None,
            hidden_rows=frozenset(self.hidden_rows),
            hidden_columns=frozenset(self.hidden_columns),
        )


def _cell_value(cell):
    for name in ("value", "date-value", "boolean-value", "time-value"):
        value = _attr(cell, name)
        if value is not None:
            return value
    texts = [xml.text_of(p) for p in cell if xml.local(p.tag) == "p"]
    return "\n".join(texts) if texts else None


def _hidden_table_styles(content: bytes) -> set[str]:
    """Automatic styles whose table-properties say display="false" (a hidden sheet)."""
    hidden = set()
    for _, element in xml.iterate(content, "content.xml"):
        tag = xml.local(element.tag)
        if tag == "style" and _attr(element, "family") == "table":
            for child in element:
                if xml.local(child.tag) == "table-properties" and _attr(child, "display") == "false":
                    hidden.add(_attr(element, "name"))
        elif tag == "automatic-styles":
            break
    return hidden


def _attr(element, local_name: str):
    for key, value in element.attrib.items():
        if xml.local(key) == local_name:
            return value
    return None
