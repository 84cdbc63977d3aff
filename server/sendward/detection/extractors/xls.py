"""Legacy Excel workbooks (.xls, BIFF8) through xlrd, with sheet states, hidden rows/columns and notes."""

from __future__ import annotations

import logging

import xlrd

from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import COMMENTS, HIDDEN_SHEET, VERY_HIDDEN_SHEET, Table, Text

_VISIBILITY = {1: HIDDEN_SHEET, 2: VERY_HIDDEN_SHEET}
_QUIET = logging.getLogger("sendward.xlrd")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class _NoLog:
    """xlrd prints warnings about odd files to a log file object: drop them (they may quote cells)."""

    def write(self, _text):
        return None


def extract(data: bytes, state: ScanState):
    workbook = _open(data)
    try:
        notes = []
        for sheet in workbook.sheets():
            state.deadline.check()
            cells = sheet.nrows * sheet.ncols
            if cells > state.cells_left():
                raise Unscannable("too_large", f"more than {state.limits.max_cells:,} cells")
            state.cells += cells
            yield Table(
                name=f"sheet '{sheet.name}'",
                rows=[_row(workbook, sheet, r) for r in range(sheet.nrows)],
                hidden=_VISIBILITY.get(sheet.visibility),
                hidden_rows=frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden),
                hidden_columns=frozenset(c for c, info in sheet.colinfo_map.items() if info.hidden),
            )
            notes.extend(note.text for note in sheet.cell_note_map.values() if note.text)
        if notes:
            yield Text(name="comments", text="\n".join(notes), hidden=COMMENTS)
    finally:
        workbook.release_resources()


def _open(data: bytes):
    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=_NoLog())
    except xlrd.XLRDError as error:
        if "encrypt" in str(error).lower():
            raise Unscannable("encrypted", "the workbook is password-protected") from None
        raise Unscannable("corrupt", "not a readable .xls workbook") from None
    except Exception as error:  # xlrd raises assorted errors on damaged files
        raise Unscannable("corrupt", f"not a readable .xls workbook ({type(error).__name__})") from None


def _row(workbook, sheet, r: int) -> list:
    values = []
    for cell in sheet.row(r):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                values.append(xlrd.xldate.xldate_as_datetime(cell.value, workbook.datemode).date())
                continue
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                pass
        values.append(None if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else cell.value)
    return values
