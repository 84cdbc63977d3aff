"""Audit records that could not be written yet: kept in memory and written when the database is back.

A send must never wait for the audit store, and a short database outage must not
lose the record of what was decided. The outbox is bounded: past its limit the
oldest records go (and the loss is logged with a count), so an outage cannot
exhaust memory. Records hold counts and rule ids only.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from sendward.domain.records import DecisionRecord, StorageUnavailable
from sendward.services.ports import DecisionStore

log = logging.getLogger(__name__)


class AuditOutbox:
    def __init__(self, storage: DecisionStore, max_pending: int = 10_000):
        self.storage = storage
        self.max_pending = max_pending
        self._pending: deque[DecisionRecord] = deque()
        self._lock = threading.Lock()
        self.dropped = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def record(self, record: DecisionRecord) -> bool:
        """Write ``record`` (after any waiting ones); keep it for later if the database fails."""
        with self._lock:
            self._pending.append(record)
            if len(self._pending) > self.max_pending:
                self._pending.popleft()
                self.dropped += 1
                log.error("audit outbox full: %d decisions dropped so far", self.dropped)
            return self._flush_locked()

    def flush(self) -> bool:
        with self._lock:
            return self._flush_locked()

    def _flush_locked(self) -> bool:
        while self._pending:
            try:
                self.storage.record_decision(self._pending[0])
            except StorageUnavailable as error:
                log.warning("audit write deferred (%s): %d waiting", type(error.__cause__ or error).__name__, len(self._pending))
                return False
            self._pending.popleft()
        return True
