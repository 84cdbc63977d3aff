"""Per-user correspondent models (recipients.misdirected) in the database, sealed.

A row holds what the sync learnt from one user's Sent Items: the model as compressed JSON
sealed with AES-GCM (it names addresses and display names, for "did you mean"), the user's
object id sealed the same way (the sync job needs it to call Graph), where the next
incremental sync starts, and when the last one ran. The associated data binds each sealed
value to its row, so a value copied into another user's row does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Engine

from sendward.domain.correspondents import UnreadableModel, tenant_key_from  # noqa: F401 (the store's callers use both)
from sendward.kernel import as_utc, utcnow
from sendward.adapters.storage.errors import translate_errors
from sendward.adapters.storage.tables import correspondent_models as table

NONCE_BYTES = 12
MAX_MODEL_BYTES = 64 * 1024 * 1024  # what a stored model may inflate to


def sealing_key_from(user_hash_key: bytes) -> bytes:
    return hmac.new(user_hash_key, b"sendward correspondent models v1", hashlib.sha256).digest()


@dataclass(frozen=True)
class StoredModel:
    user_id: str
    data: dict[str, Any]
    delta_link: str | None
    complete: bool
    messages: int
    synced_at: datetime


@translate_errors
@dataclass
class CorrespondentStore:
    engine: Engine
    sealing_key: bytes
    clock: Any = field(default=utcnow)

    def __post_init__(self):
        self._aead = AESGCM(self.sealing_key)

    def load(self, tenant_id: str, user_hash: str) -> StoredModel | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(table).where(table.c.tenant_id == tenant_id, table.c.user_hash == user_hash)
            ).first()
        if row is None:
            return None
        label = f"{tenant_id}:{user_hash}"
        data = json.loads(_inflate(self._open(row.model, label + ":model")))
        return StoredModel(
            user_id=self._open(row.user_ref, label + ":user").decode(),
            data=data,
            delta_link=self._open(base64.b64decode(row.delta_link), label + ":link").decode() if row.delta_link else None,
            complete=row.complete,
            messages=row.messages,
            synced_at=as_utc(row.synced_at),
        )

    def save(
        self, tenant_id: str, user_hash: str, user_id: str, data: dict, *, delta_link: str | None, complete: bool,
        messages: int,
    ) -> None:
        label = f"{tenant_id}:{user_hash}"
        values = {
            "user_ref": self._seal(user_id.encode(), label + ":user"),
            "model": self._seal(zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6), label + ":model"),
            # The link names the user's mailbox: sealed like the rest.
            "delta_link": base64.b64encode(self._seal(delta_link.encode(), label + ":link")).decode() if delta_link else None,
            "complete": complete,
            "messages": messages,
            "synced_at": self.clock(),
        }
        with self.engine.begin() as connection:
            updated = connection.execute(
                sa.update(table).where(table.c.tenant_id == tenant_id, table.c.user_hash == user_hash).values(**values)
            ).rowcount
            if not updated:
                connection.execute(sa.insert(table).values(tenant_id=tenant_id, user_hash=user_hash, **values))

    def delete_user(self, tenant_id: str, user_hash: str) -> bool:
        with self.engine.begin() as connection:
            return bool(
                connection.execute(
                    sa.delete(table).where(table.c.tenant_id == tenant_id, table.c.user_hash == user_hash)
                ).rowcount
            )

    def purge(self, before: datetime, tenant_id: str | None = None, *, dry_run: bool = False) -> int:
        """Models not synced since ``before`` (people who left, mailboxes no longer synced)."""
        where = [table.c.synced_at < before]
        if tenant_id is not None:
            where.append(table.c.tenant_id == tenant_id)
        with self.engine.begin() as connection:
            if dry_run:
                return connection.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
            return connection.execute(sa.delete(table).where(*where)).rowcount

    def users(self, tenant_id: str | None = None) -> list[tuple[str, str, str]]:
        """(tenant id, user hash, user object id) of every stored model."""
        query = sa.select(table.c.tenant_id, table.c.user_hash, table.c.user_ref).order_by(
            table.c.tenant_id, table.c.user_hash
        )
        if tenant_id is not None:
            query = query.where(table.c.tenant_id == tenant_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        found = []
        for tenant, user_hash, user_ref in rows:
            try:
                found.append((tenant, user_hash, self._open(user_ref, f"{tenant}:{user_hash}:user").decode()))
            except UnreadableModel:
                continue
        return found

    def _seal(self, value: bytes, label: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, value, label.encode())

    def _open(self, sealed: bytes, label: str) -> bytes:
        try:
            return self._aead.decrypt(bytes(sealed[:NONCE_BYTES]), bytes(sealed[NONCE_BYTES:]), label.encode())
        except (InvalidTag, ValueError, TypeError):
            raise UnreadableModel("a stored correspondent model does not open with this key") from None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_MODEL_BYTES)
    if inflater.unconsumed_tail:
        raise UnreadableModel("a stored correspondent model inflates past the limit")
    return out
