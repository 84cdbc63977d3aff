"""What changed between two policy documents, field by field.

Fields are named by their path in the document (``rules.recipients.exposed.block_at``),
the same names the validation errors and the admin form use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_MISSING = object()


@dataclass(frozen=True)
class Change:
    field: str
    kind: str  # "changed", "added" or "removed"
    before: Any = None
    after: Any = None
    items_added: tuple = ()  # for lists of plain values: what the list gained...
    items_removed: tuple = ()  # ...and lost

    def to_json(self) -> dict[str, Any]:
        data = {
            "field": self.field,
            "change": self.kind,
            "before": self.before,
            "after": self.after,
        }
        if self.items_added or self.items_removed:
            data["items_added"] = list(self.items_added)
            data["items_removed"] = list(self.items_removed)
        return data


def diff_documents(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    _walk("", before, after, changes)
    return changes


def _walk(path: str, before: Any, after: Any, changes: list[Change]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in _ordered_keys(before, after):
            _walk(_join(path, key), before.get(key, _MISSING), after.get(key, _MISSING), changes)
        return
    if before is _MISSING:
        changes.append(Change(path, "added", after=after))
    elif after is _MISSING:
        changes.append(Change(path, "removed", before=before))
    elif before != after:
        changes.append(_changed(path, before, after))


def _changed(path: str, before: Any, after: Any) -> Change:
    if isinstance(before, list) and isinstance(after, list) and _plain(before) and _plain(after):
        return Change(
            path,
            "changed",
            before,
            after,
            items_added=tuple(v for v in after if v not in before),
            items_removed=tuple(v for v in before if v not in after),
        )
    return Change(path, "changed", before, after)


def _plain(values: list) -> bool:
    return all(isinstance(v, (str, int, float, bool)) or v is None for v in values)


def _ordered_keys(before: dict, after: dict) -> list[str]:
    keys = list(before)
    keys += [k for k in after if k not in before]
    return keys


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else str(key)
