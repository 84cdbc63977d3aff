"""JSON exports are tables: an array of objects (users, patients, contacts) is rows and columns.

``records(text)`` finds every array of objects in a JSON document (or JSON Lines,
one object a line), flattens nested objects into dotted column names
(``address.city``) and returns them as tables, with the rest of the document as
text. A document that is not JSON, or holds no array of objects, returns None and
is read as text. Hostile nesting is bounded: parsing errors, recursion limits
and oversized structures fall back to text.
"""

from __future__ import annotations

import json

MAX_DEPTH = 32
MAX_CHARS = 5_000_000  # larger documents are read as text: parsed objects cost ~10x their text in memory
MAX_COLUMNS = 200
NESTED_KEYS = 3  # dotted levels kept when flattening an object


def records(text: str):
    """[(path, rows)] of arrays of objects (rows[0] is the header), and the remaining document as
    text; or None when the text is not JSON holding records."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] not in ("[", "{") or len(stripped) > MAX_CHARS:
        return None
    try:
        document = json.loads(stripped)
    except (ValueError, RecursionError):
        document = _json_lines(stripped)
        if document is None:
            return None
    tables: list[tuple[str, list[list]]] = []
    try:
        remainder = _collect(document, "$", tables, 0)
    except RecursionError:
        return None
    if not tables:
        return None
    rest = json.dumps(remainder, ensure_ascii=False, indent=1) if remainder not in (None, [], {}) else ""
    return tables, rest


def _json_lines(text: str):
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(value, dict):
            return None
        rows.append(value)
    return rows or None


def _collect(value, path: str, tables: list, depth: int):
    """Moves arrays of objects into ``tables``; returns what is left of ``value``."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, list):
        objects = [v for v in value if isinstance(v, dict)]
        if len(objects) >= 2 and len(objects) >= len(value) / 2:
            tables.append((path, _rows(objects)))
            return [v for v in value if not isinstance(v, dict)]
        return [_collect(v, f"{path}[]", tables, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _collect(v, f"{path}.{k}", tables, depth + 1) for k, v in value.items()}
    return value


def _rows(objects: list[dict]) -> list[list]:
    flat = [_flatten(o) for o in objects]
    headers: dict[str, None] = {}
    for row in flat:
        for key in row:
            if len(headers) >= MAX_COLUMNS:
                break
            headers.setdefault(key, None)
    columns = list(headers)
    return [columns] + [[row.get(c) for c in columns] for row in flat]


def _flatten(obj: dict, prefix: str = "", level: int = 0) -> dict:
    out = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and level < NESTED_KEYS:
            out.update(_flatten(value, name + ".", level + 1))
        elif isinstance(value, list):
            scalars = [str(v) for v in value if not isinstance(v, (dict, list))]
            out[name] = ", ".join(scalars) if scalars else None
        elif isinstance(value, dict):
            out[name] = None
        else:
            out[name] = value
    return out
