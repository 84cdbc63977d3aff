"""Tenant-defined identifiers (``custom_patterns`` in the policy), matched with RE2."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from sendward.domain.patterns import compile_pattern


@dataclass(frozen=True)
class CustomMatcher:
    patterns: tuple[tuple[str, str], ...]  # (name, RE2 pattern)

    @classmethod
    def from_policy(cls, policy) -> "CustomMatcher":
        return cls(tuple((p.name, p.pattern) for p in policy.custom_patterns))

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def find(self, text: str) -> dict[str, list[str]]:
        """Pattern name -> the values found (kept in memory only)."""
        found = {}
        for name, pattern in self.patterns:
            values = [m.group(0) for m in compile_pattern(pattern).finditer(text)]
            if values:
                found[name] = values
        return found

    def matching_lines(self, name: str, texts: list[str]) -> list[bool]:
        """For each text: does pattern ``name`` occur in it? One RE2 pass over all of them."""
        pattern = compile_pattern(dict(self.patterns)[name])
        joined = "\n".join(t.replace("\n", " ") for t in texts)
        starts, position = [], 0
        for text in texts:
            starts.append(position)
            position += len(text) + 1
        hits = [False] * len(texts)
        for match in pattern.finditer(joined):
            hits[bisect.bisect_right(starts, match.start()) - 1] = True
        return hits

    def first_match(self, value: str) -> str | None:
        for name, pattern in self.patterns:
            if compile_pattern(pattern).search(value):
                return name
        return None
