"""PowerPoint presentations (.pptx): slides (hidden ones marked), tables, notes, comments, embedded files."""

from __future__ import annotations

import posixpath
import re

from sendward.detection.extractors import xml
from sendward.detection.extractors.safezip import SafeZip
from sendward.detection.extractors.state import ScanState
from sendward.detection.model import COMMENTS, Embedded, Table, Text

HIDDEN_SLIDE = "hidden_slide"


def extract(data: bytes, state: ScanState):
    package = SafeZip(data, state, "PowerPoint presentation")
    for name in sorted(package.names(), key=_natural):
        match = re.fullmatch(r"ppt/(slides/slide|notesSlides/notesSlide)(\d+)\.xml", name)
        if not match:
            continue
        state.deadline.check()
        root = xml.parse(package.read(name), name)
        hidden = HIDDEN_SLIDE if root.get("show") in ("0", "false") else None
        what = "slide" if match.group(1).startswith("slides") else "notes of slide"
        label = f"{what} {match.group(2)}"
        texts = [xml.text_of(p) for p in root.iter() if xml.local(p.tag) == "p"]
        yield Text(name=label, text="\n".join(texts), hidden=hidden)
        for index, table in enumerate(_tables(root), start=1):
            yield Table(name=f"{label} table {index}", rows=table, hidden=hidden)
    comments = [
        xml.text_of(e)
        for name in package.names()
        if name.startswith("ppt/comments/") and name.endswith(".xml")
        for e in xml.parse(package.read(name), name).iter()
        if xml.local(e.tag) == "text"
    ]
    if comments:
        yield Text(name="comments", text="\n".join(comments), hidden=COMMENTS)
    for name in package.names():
        if name.startswith("ppt/embeddings/") and not name.endswith("/"):
            yield Embedded(name=posixpath.basename(name), content=package.read(name), skippable=True)


def _tables(root):
    for table in root.iter():
        if xml.local(table.tag) != "tbl":
            continue
        rows = []
        for row in table:
            if xml.local(row.tag) == "tr":
                rows.append([" ".join(xml.text_of(c).split()) for c in row if xml.local(c.tag) == "tc"])
        if len(rows) > 1:
            yield rows


def _natural(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
