"""Word documents (.docx): body, tables, headers and footers, notes, comments,
tracked deletions, hidden text and embedded files."""

from __future__ import annotations

import posixpath
import re

from sendward.detection.extractors import xml
from sendward.detection.extractors.safezip import SafeZip
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import COMMENTS, HIDDEN_TEXT, TRACKED_CHANGES, Embedded, Table, Text, is_data_table

_VISIBLE_PARTS = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes)\.xml")


def extract(data: bytes, state: ScanState):
    package = SafeZip(data, state, "Word document")
    if not package.exists("word/document.xml"):
        raise Unscannable("corrupt", "not a Word document: no word/document.xml")
    yield from wordprocessing_parts(package.read("word/document.xml"), "document", state)
    for name in sorted(package.names()):
        if _VISIBLE_PARTS.fullmatch(name):
            yield from wordprocessing_parts(package.read(name), posixpath.basename(name)[:-4], state)
    if package.exists("word/comments.xml"):
        comments = xml.parse(package.read("word/comments.xml"), "comments.xml")
        text = "\n".join(xml.text_of(c) for c in comments if xml.local(c.tag) == "comment")
        if text.strip():
            yield Text(name="comments", text=text, hidden=COMMENTS)
    for name in package.names():
        if name.startswith("word/embeddings/") and not name.endswith("/"):
            yield Embedded(name=posixpath.basename(name), content=package.read(name), skippable=True)


def wordprocessing_parts(content: bytes, label: str, state: ScanState):
    """Text, tables, hidden text and tracked deletions of one WordprocessingML part."""
    visible: list[str] = []
    hidden: list[str] = []
    deleted: list[str] = []
    tables: list[list[list[str]]] = []
    open_tables: list[list[list[str]]] = []
    table_text: list[str] = []  # paragraphs of the current top-level table
    cell: list[str] | None = None
    chars = 0
    for event, element in xml.iterate(content, f"{label}.xml", events=("start", "end")):
        tag = xml.local(element.tag)
        if event == "start":
            if tag == "tbl":
                open_tables.append([])
            elif tag == "tr" and open_tables:
                open_tables[-1].append([])
            elif tag == "tc" and open_tables and len(open_tables) == 1:
                cell = []
            continue
        if tag == "p":
            shown, vanished, removed = _paragraph(element)
            chars += len(shown) + len(vanished) + len(removed)
            if chars > state.limits.max_text_chars:
                raise Unscannable("too_large", f"more than {state.limits.max_text_chars:,} characters")
            if open_tables:
                table_text.append(shown)
                if cell is not None:
                    cell.append(shown)
            else:
                visible.append(shown)
            if vanished:
                hidden.append(vanished)
            if removed:
                deleted.append(removed)
            element.clear()
        elif tag == "tc" and cell is not None and len(open_tables) == 1:
            open_tables[-1][-1].append(" ".join(" ".join(cell).split()))
            cell = None
        elif tag == "tbl" and open_tables:
            finished = open_tables.pop()
            if not open_tables:
                if is_data_table(finished):
                    tables.append(finished)
                else:
                    visible.extend(table_text)  # a page laid out with a table is running text
                table_text = []
            state.deadline.check()
    yield Text(name=label if label != "document" else "document body", text="\n".join(visible))
    for index, rows in enumerate(tables, start=1):
        yield Table(name=f"{label} table {index}", rows=rows)
    if hidden:
        yield Text(name=f"{label} hidden text", text="\n".join(hidden), hidden=HIDDEN_TEXT)
    if deleted:
        yield Text(name=f"{label} tracked changes", text="\n".join(deleted), hidden=TRACKED_CHANGES)


def _paragraph(paragraph) -> tuple[str, str, str]:
    shown, vanished, removed = [], [], []
    for run in paragraph.iter():
        if xml.local(run.tag) != "r":
            continue
        target = vanished if _is_vanished(run) else shown
        for child in run:
            tag = xml.local(child.tag)
            if tag == "t":
                target.append(child.text or "")
            elif tag == "delText":
                removed.append(child.text or "")
            elif tag == "tab":
                target.append("\t")
            elif tag in ("br", "cr"):
                target.append("\n")
    return "".join(shown), "".join(vanished), "".join(removed)


def _is_vanished(run) -> bool:
    for child in run:
        if xml.local(child.tag) == "rPr":
            return any(xml.local(p.tag) in ("vanish", "specVanish") and p.get(_VAL, "true") not in ("0", "false") for p in child)
    return False


_VAL = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"
