"""Secrets kept in the data directory when none is configured (the embedded default)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create_secret(path: Path) -> str:
    """The secret in ``path``, created (mode 0600) by whichever process gets there first."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(8)}.tmp")  # unique per thread too
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # first writer wins when workers race
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()
