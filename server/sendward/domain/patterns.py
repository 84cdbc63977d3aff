"""Tenant-defined patterns run through RE2: linear time, so no pattern can hang a scan."""

from __future__ import annotations

import functools

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    """Compile with RE2; raise ValueError with a readable reason."""
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        raise ValueError(f"not a valid pattern: {reason} (RE2 syntax: no look-arounds or back-references)") from None


def check_pattern(pattern: str) -> None:
    compiled = compile_pattern(pattern)
    if compiled.search("") is not None:
        raise ValueError("pattern matches empty text, so it would match everywhere")


def try_pattern(pattern: str, text: str, limit: int = 100) -> dict:
    """Where ``pattern`` matches in ``text``, for the admin's live tester: the first ``limit`` matches."""
    try:
        if len(pattern) > 500:
            raise ValueError("a pattern is at most 500 characters")
        check_pattern(pattern)
    except ValueError as error:
        return {"valid": False, "error": str(error), "matches": [], "count": 0}
    matches = [{"start": m.start(), "end": m.end(), "text": m.group(0)} for m in compile_pattern(pattern).finditer(text)]
    return {"valid": True, "error": None, "matches": matches[:limit], "count": len(matches)}
