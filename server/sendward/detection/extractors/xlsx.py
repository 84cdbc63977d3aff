"""Excel workbooks (.xlsx, .xlsm, .xlsb): every sheet, hidden or not, and what hides behind them.

Cell values come from calamine (fast, streaming Rust); the structure Excel keeps
beside the values (sheet states, hidden rows and columns, comments, pivot
caches, defined names) is read from the package's XML parts.
"""

from __future__ import annotations

import io
import posixpath
import re

import python_calamine

from sendward.detection.extractors import xml
from sendward.detection.extractors.safezip import SafeZip
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import (
    COMMENTS,
    DEFINED_NAMES,
    HIDDEN_SHEET,
    PIVOT_CACHE,
    VERY_HIDDEN_SHEET,
    Embedded,
    Table,
    Text,
)

_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\b(?:hidden="(?:1|true)"|ht="0(?:\.0*)?")[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN_COL = re.compile(rb'<(?:\w+:)?col\b[^>]*?\b(?:hidden="(?:1|true)"|width="0(?:\.0*)?")[^>]*>')
_COL_RANGE = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"|\bmax="(\d+)"[^>]*?\bmin="(\d+)"')
_STATES = {"hidden": HIDDEN_SHEET, "veryHidden": VERY_HIDDEN_SHEET}
# Excel names them xl/comments1.xml; other writers xl/comments/comment1.xml.
_COMMENT_PART = re.compile(r"xl/(?:comments\d*|comments/comment\d*|threadedComments/threadedComment\d*)\.xml")


def extract(data: bytes, state: ScanState):
    package = SafeZip(data, state, "Excel workbook")
    sheets = _sheets(package)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types for broken workbooks
        raise Unscannable("corrupt", f"not a readable Excel workbook ({type(error).__name__})") from None
    visible_sheets = set()
    for metadata in workbook.sheets_metadata:
        name = metadata.name
        info = sheets.get(name, {})
        hidden = _STATES.get(info.get("state", "")) or _calamine_hidden(metadata)
        if hidden is None:
            visible_sheets.add(name)
        state.deadline.check()
        yield _sheet_table(workbook, package, name, info.get("path"), hidden, state)
    yield from _comments(package)
    yield from _pivot_caches(package, visible_sheets)
    yield from _defined_names(package)
    yield from _embedded(package)


def _sheet_table(workbook, package: SafeZip, name: str, path: str | None, hidden, state: ScanState) -> Table:
    sheet = workbook.get_sheet_by_name(name)
    cells = sheet.height * sheet.width
    if cells > state.cells_left():
        raise Unscannable("too_large", f"more than {state.limits.max_cells:,} cells")
    state.cells += cells
    rows = sheet.to_python()
    first_row, first_col = sheet.start if rows else (0, 0)
    hidden_rows, hidden_columns = frozenset(), frozenset()
    if path and package.exists(path):
        raw = package.read(path)
        hidden_rows = frozenset(r - first_row for r in _hidden_rows(raw) if r >= first_row)
        hidden_columns = frozenset(c - first_col for c in _hidden_columns(raw) if c >= first_col)
    return Table(
        name=f"sheet '{name}'",
        rows=rows,
        hidden=hidden,
        hidden_rows=hidden_rows,
        hidden_columns=hidden_columns,
    )


def _calamine_hidden(metadata) -> str | None:
    visible = str(metadata.visible)
    if visible.endswith("VeryHidden"):
        return VERY_HIDDEN_SHEET
    if visible.endswith("Hidden"):
        return HIDDEN_SHEET
    return None


def _sheets(package: SafeZip) -> dict[str, dict]:
    """Sheet name -> its state ('visible', 'hidden', 'veryHidden') and its XML part."""
    if not package.exists("xl/workbook.xml"):
        return {}
    workbook = xml.parse(package.read("xl/workbook.xml"), "workbook.xml")
    targets = _relationships(package, "xl/_rels/workbook.xml.rels", "xl")
    sheets = {}
    for element in workbook.iter():
        if xml.local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if xml.local(k) == "id"), None)
        sheets[element.get("name", "")] = {
            "state": element.get("state", "visible"),
            "path": targets.get(rel_id),
        }
    return sheets


def _relationships(package: SafeZip, rels_path: str, base: str) -> dict[str, str]:
    if not package.exists(rels_path):
        return {}
    root = xml.parse(package.read(rels_path), rels_path)
    targets = {}
    for rel in root:
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        targets[rel.get("Id")] = path
    return targets


def _hidden_rows(raw: bytes) -> list[int]:
    if b'hidden="' not in raw and b'ht="0' not in raw:
        return []
    rows = []
    for match in _HIDDEN_ROW.finditer(raw):
        number = _ROW_NUMBER.search(match.group(0))
        if number:
            rows.append(int(number.group(1)) - 1)
    return rows


def _hidden_columns(raw: bytes) -> list[int]:
    if b"<col" not in raw and b":col" not in raw:
        return []
    columns = []
    for match in _HIDDEN_COL.finditer(raw):
        bounds = _COL_RANGE.search(match.group(0))
        if not bounds:
            continue
        low, high = (bounds.group(1), bounds.group(2)) if bounds.group(1) else (bounds.group(4), bounds.group(3))
        low_i, high_i = int(low), min(int(high), 16384)
        columns.extend(range(low_i - 1, high_i))
    return columns


def _comments(package: SafeZip):
    texts = []
    for name in package.names():
        if _COMMENT_PART.fullmatch(name):
            root = xml.parse(package.read(name), name)
            for element in root.iter():
                if xml.local(element.tag) in ("comment", "threadedComment"):
                    texts.append(xml.text_of(element))
    if texts:
        yield Text(name="comments", text="\n".join(texts), hidden=COMMENTS)


def _pivot_caches(package: SafeZip, visible_sheets: set[str]):
    """Pivot caches keep a copy of their source rows, even after the source is deleted."""
    for name in sorted(package.names()):
        match = re.fullmatch(r"xl/pivotCache/pivotCacheDefinition(\d+)\.xml", name)
        if not match:
            continue
        definition = xml.parse(package.read(name), name)
        source_sheet = next(
            (e.get("sheet") for e in definition.iter() if xml.local(e.tag) == "worksheetSource"), None
        )
        if source_sheet in visible_sheets:
            continue  # a copy of data the sender can see
        fields = [e for e in definition.iter() if xml.local(e.tag) == "cacheField"]
        headers = [f.get("name", "") for f in fields]
        shared = [[_item_value(i) for i in f.iter() if xml.local(i.tag) in _ITEM_TAGS and i is not f] for f in fields]
        records_path = f"xl/pivotCache/pivotCacheRecords{match.group(1)}.xml"
        rows = [headers]
        if package.exists(records_path):
            rows += _pivot_records(package.read(records_path), shared)
        elif any(shared):
            rows += [list(r) for r in zip(*[s or [""] for s in shared])]
        yield Table(name=f"pivot cache {match.group(1)}", rows=rows, hidden=PIVOT_CACHE)


_ITEM_TAGS = {"s", "n", "d", "b", "e", "m"}


def _item_value(element) -> str:
    return element.get("v", "")


def _pivot_records(raw: bytes, shared: list[list[str]]) -> list[list[str]]:
    rows = []
    for _, element in xml.iterate(raw, "pivot cache records"):
        if xml.local(element.tag) != "r":
            continue
        row = []
        for column, item in enumerate(element):
            tag = xml.local(item.tag)
            if tag == "x":
                index = int(item.get("v", "0") or 0)
                values = shared[column] if column < len(shared) else []
                row.append(values[index] if 0 <= index < len(values) else "")
            else:
                row.append(item.get("v", ""))
        rows.append(row)
        element.clear()
    return rows


def _defined_names(package: SafeZip):
    if not package.exists("xl/workbook.xml"):
        return
    workbook = xml.parse(package.read("xl/workbook.xml"), "workbook.xml")
    constants = [
        e.text or ""
        for e in workbook.iter()
        if xml.local(e.tag) == "definedName" and e.text and "!" not in e.text
    ]
    if constants:
        yield Text(name="defined names", text="\n".join(constants), hidden=DEFINED_NAMES)


def _embedded(package: SafeZip):
    for name in package.names():
        if name.startswith("xl/embeddings/") and not name.endswith("/"):
            yield Embedded(name=posixpath.basename(name), content=package.read(name), skippable=True)
