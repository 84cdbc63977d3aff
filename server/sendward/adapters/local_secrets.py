"""Secrets kept in the data directory when none is configured (the embedded default)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def create_secret_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path``, readable by this user only (0600), unless a file is already there.

    Written to a temporary file and linked into place, so when workers race the first writer wins
    and every process reads the same secret; a half-written file is never seen.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(8)}.tmp")  # unique per thread too
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    try:
        os.link(temporary, path)  # first writer wins when workers race
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def read_or_create_secret(path: Path) -> str:
    """The secret in ``path``, created (mode 0600) by whichever process gets there first."""
    path = Path(path)
    if not path.exists():
        create_secret_file(path, secrets.token_hex(32).encode())
    return path.read_text().strip()


def load_user_hash_key(configured: str | None, data_dir: Path) -> bytes:
    """The key of the user pseudonyms: the configured one (shared by every instance), else one kept in the data directory."""
    if configured:
        return configured.encode()
    return read_or_create_secret(Path(data_dir) / "user-hash.key").encode()
