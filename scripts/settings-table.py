"""Write the settings table of docs/reference.md from the Settings model (server/sendward/config.py).

Each field's description and shown default are the table's text: change them there, then run
`.venv/bin/python scripts/settings-table.py`. tests/docs/test_reference.py fails while they differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference.md"
sys.path.insert(0, str(ROOT / "server"))

from sendward.config import settings_table  # noqa: E402


def table_span(lines: list[str]) -> tuple[int, int]:
    """[start, end) of the first table after the "## Settings" heading."""
    start = lines.index("## Settings\n")
    while not lines[start].startswith("|"):
        start += 1
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return start, end


def main() -> int:
    lines = REFERENCE.read_text(encoding="utf-8").splitlines(keepends=True)
    start, end = table_span(lines)
    rendered = settings_table()
    if "".join(lines[start:end]) == rendered:
        print("docs/reference.md: the settings table is up to date")
        return 0
    REFERENCE.write_text("".join(lines[:start]) + rendered + "".join(lines[end:]), encoding="utf-8")
    print("docs/reference.md: settings table rewritten from sendward.config.Settings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
