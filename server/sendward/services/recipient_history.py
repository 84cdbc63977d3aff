"""Learn each user's correspondents from their Sent Items and Inbox, and hand the model to the scorer.

``HistorySync.sync(tenant, user)`` runs one incremental round of the delta query on Sent Items,
then on the Inbox, for a user (``sendward history sync``, which an operator schedules),
continuing where the last one stopped; a delta link Graph has forgotten (410) starts that
folder over (Sent Items: the whole model). Messages are counted once (their ids are kept as
keyed hashes), in time order. From the Inbox only who sent each message and who else it went
to are learnt.

``StoredCorrespondents`` is the scorer's ``CorrespondentHistory``: the caller's model from the
database, kept warm in process for a few minutes. A user with no model yet gets none for this
draft (the rule then judges nobody) and a first sync of a few pages in the background, so the
send never waits for Graph.

Nothing here logs an address, a name or a subject: only counts and error types.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from cachetools import TTLCache

from sendward.domain.correspondents import (
    CorrespondentModel,
    HistoryRestart,
    UnreadableModel,
    model_from_dict,
    model_to_dict,
    tenant_key_from,
)
from sendward.kernel import Deadline
from sendward.drafts.history import received_message, sent_message
from sendward.services.audit import user_hash

log = logging.getLogger(__name__)
MAX_SEEN_IDS = 50_000  # message ids remembered per user (the most recent), so an update is not counted twice
# While a user's model has learnt fewer messages than this, it is seeded with the people Graph says
# they work with (cold start); beyond it the seed is dropped. Above the rule's default (20) so a
# policy asking for more history still has it.
SEED_BELOW = 50
FIRST_USE_PAGES = 5  # the background sync on first use stops here; the scheduled sync does the rest
MAX_BACKGROUND_SYNCS = 4  # at once per process: a Monday morning of new users must not flood Graph


@dataclass(frozen=True)
class SyncResult:
    pages: int
    messages: int  # new messages learnt in this run
    total: int  # messages in the model
    complete: bool  # the round reached a delta link (False: stopped at max_pages, continues next time)
    restarted: bool  # the delta link had expired: the user was synced from the start
    seeded: int = 0  # people in the model's cold-start seed after this run
    received: int = 0  # new received messages learnt in this run (Inbox)


@dataclass
class _Round:
    items: list  # what ``parse`` made of the new items (not seen before)
    pages: int
    link: str | None  # where the next round starts
    complete: bool
    restarted: bool


class HistorySync:
    def __init__(
        self, sent_items, store, user_hash_key: bytes, *, page_seconds: float = 60.0, people=None,
        seed_below: int = SEED_BELOW,
    ):
        """``people``: a RelevantPeople port, to seed a model that has learnt little (None: no seed)."""
        self.people = people
        self.seed_below = seed_below
        self.sent_items = sent_items
        self.store = store
        self.user_hash_key = user_hash_key
        self.page_seconds = page_seconds

    def sync(self, tenant_id: str, user_id: str, *, max_pages: int | None = None, caller=None) -> SyncResult:
        """``caller``: the user's own validated caller (on-behalf-of tokens); else the application acts.
        ``max_pages``: per folder."""
        caller = caller or SimpleNamespace(tenant_id=tenant_id, user_id=user_id)
        user = user_hash(self.user_hash_key, tenant_id, user_id)
        key = tenant_key_from(self.user_hash_key, tenant_id)
        model, seen, link, inbox = self._load(tenant_id, user, user_id, key)
        sent = self._round(caller, link, self.sent_items.first_link(user_id), seen, key, max_pages, sent_message)
        if sent.restarted:
            model, inbox = CorrespondentModel(key=key), {}
        parsed = sent.items
        for _, message in sorted(parsed, key=lambda p: p[1].sent_at):
            model.add(message)
        senders = Counter(address for address, _ in parsed if address)
        if senders:  # the user's own address (their Sent Items' usual From), kept sealed with the model
            inbox["own"] = senders.most_common(1)[0][0]
        received = self._inbox(caller, user_id, model, inbox, key, max_pages, own=inbox.get("own", ""))
        self._seed(model, caller)
        self._save(tenant_id, user, user_id, model, seen, sent.link, sent.complete, inbox)
        return SyncResult(
            sent.pages, len(parsed), model.messages, sent.complete, sent.restarted, len(model.people), received
        )

    def _round(self, caller, link, first_link, seen: dict, key, max_pages, parse) -> _Round:
        """One folder's delta round from ``link``; an expired link starts the folder over once."""
        items, pages, restarted = [], 0, False
        while max_pages is None or pages < max_pages:
            try:
                page = self.sent_items.page(caller, Deadline(self.page_seconds), link)
            except HistoryRestart:
                if restarted:
                    raise
                seen.clear()
                items, link, restarted = [], first_link, True
                continue
            pages += 1
            items.extend(self._new_items(page.items, seen, key, parse))
            if page.delta_link or not page.next_link:
                return _Round(items, pages, page.delta_link, True, restarted)
            link = page.next_link
        return _Round(items, pages, link, False, restarted)

    def _inbox(self, caller, user_id, model, inbox: dict, key, max_pages, own: str) -> int:
        """Learn the Inbox's new messages; a failure leaves what was learnt from it as it was."""
        first = self.sent_items.first_link(user_id, "inbox")
        seen = dict.fromkeys(inbox.get("seen", ()))
        try:
            found = self._round(caller, inbox.get("link") or first, first, seen, key, max_pages, received_message)
        except Exception as error:  # Graph refused or was away: Sent Items are learnt all the same
            log.warning("recipient history: inbox not read: %s", type(error).__name__)
            return 0
        if found.restarted:
            model.forget_received()
        messages = found.items
        for message in sorted(messages, key=lambda m: m.received_at):
            model.add_received(message, own)
        inbox.update(link=found.link, seen=list(seen)[-MAX_SEEN_IDS:])
        return len(messages)

    def _seed(self, model: CorrespondentModel, caller) -> None:
        """Cold start: while little is learnt, the people Graph says the user works with, and those
        Exchange suggests beside them; a failure (no People.Read consent) leaves the model as it is."""
        if self.people is None:
            return
        if model.messages >= self.seed_below:
            if model.people:
                model.seed(())  # learnt enough from the user's own mail
            return
        try:
            relevant = list(self.people.relevant(caller, Deadline(self.page_seconds)))
        except Exception as error:
            log.warning("recipient history: relevant people not read: %s", type(error).__name__)
            return
        try:
            suggested = list(self.people.suggested(caller, Deadline(self.page_seconds), [p.address for p in relevant]))
        except Exception as error:
            log.warning("recipient history: recipient suggestions not read: %s", type(error).__name__)
            suggested = []
        model.seed([*relevant, *suggested])

    def _load(self, tenant_id, user, user_id, key):
        try:
            stored = self.store.load(tenant_id, user)
        except UnreadableModel:
            stored = None  # another key, or damaged: learn it again
        if stored is None or (stored.delta_link is None and not stored.data.get("seen")):
            # Nothing yet, or a model imported from a file (`sendward history import`: no message ids, no
            # delta link): Graph's Sent Items replace it, so no message is counted twice.
            return CorrespondentModel(key=key), {}, self.sent_items.first_link(user_id), {}
        model = model_from_dict(stored.data["model"], key)
        seen = dict.fromkeys(stored.data.get("seen", ()))
        link = stored.delta_link or self.sent_items.first_link(user_id)
        return model, seen, link, dict(stored.data.get("inbox") or {})

    @staticmethod
    def _new_items(items, seen: dict, key: bytes, parse):
        for item in items:
            parsed = parse(item)
            if parsed is None:
                continue  # removed, or not a message with a time: nothing to learn
            item_id = item.get("id")
            if isinstance(item_id, str) and item_id:
                digest = hmac.new(key, b"m:" + item_id.encode(), hashlib.sha256).hexdigest()[:20]
                if digest in seen:
                    continue  # a message we know, changed (a flag, a category)
                seen[digest] = None
            yield parsed

    def _save(self, tenant_id, user, user_id, model, seen, link, complete, inbox) -> None:
        kept = list(seen)[-MAX_SEEN_IDS:]
        self.store.save(
            tenant_id, user, user_id, {"model": model_to_dict(model), "seen": kept, "inbox": inbox},
            delta_link=link, complete=complete, messages=model.messages,
        )


def import_model(
    store, user_hash_key: bytes, tenant_id: str, user_id: str, messages, received=(), own: str = ""
) -> CorrespondentModel:
    """Store a user's model learnt from a history file (`sendward history import`): their sent
    ``messages`` and the ``received`` ones (to ``own``, their address). It keeps no message ids and
    no delta link, so the first sync from Graph replaces it rather than counting it twice."""
    model = CorrespondentModel.build(messages, key=tenant_key_from(user_hash_key, tenant_id))
    for message in sorted(received, key=lambda m: m.received_at):
        model.add_received(message, own)
    store.save(
        tenant_id, user_hash(user_hash_key, tenant_id, user_id), user_id, {"model": model_to_dict(model), "seen": []},
        delta_link=None, complete=False, messages=model.messages,
    )
    return model


def forget_user(store, user_hash_key: bytes, tenant_id: str, user_id: str) -> bool:
    """Delete a user's model (a leaver, a request to erase); False when none was stored."""
    return store.delete_user(tenant_id, user_hash(user_hash_key, tenant_id, user_id))


class StoredCorrespondents:
    """The scorer's CorrespondentHistory: stored models, warm in process, a first sync on first use."""

    def __init__(
        self, store, user_hash_key: bytes, *, sync: HistorySync | None = None, first_use_pages: int = FIRST_USE_PAGES,
        ttl_seconds: float = 300, max_models: int = 512, clock=time.monotonic, refresh_after_hours: float = 12,
        now=None, max_background: int = MAX_BACKGROUND_SYNCS,
    ):
        self.store = store
        self.user_hash_key = user_hash_key
        self.sync = sync
        self.first_use_pages = first_use_pages
        self._models = TTLCache(maxsize=max_models, ttl=ttl_seconds, timer=clock)
        self._lock = threading.Lock()
        self._syncing: set[tuple[str, str]] = set()
        self.max_background = max_background
        self.last_thread: threading.Thread | None = None
        self.refresh_after = timedelta(hours=refresh_after_hours)
        self._now = now or (lambda: datetime.now(timezone.utc))

    def model(self, draft, caller, tenant_id: str):
        if caller is None or not getattr(caller, "user_id", ""):
            return None
        tenant_id = tenant_id or caller.tenant_id
        user = user_hash(self.user_hash_key, tenant_id, caller.user_id)
        with self._lock:
            cached = self._models.get((tenant_id, user))
        if cached is not None:
            return cached
        try:
            stored = self.store.load(tenant_id, user)
        except UnreadableModel:
            stored = None
        if stored is None or self._now() - stored.synced_at > self.refresh_after:
            # Nothing yet, or not synced lately (on-behalf-of deployments have no scheduled sync):
            # a bounded sync in the background, never on the send's time.
            self._sync_in_background(tenant_id, caller)
        if stored is None:
            return None
        model = model_from_dict(stored.data["model"], tenant_key_from(self.user_hash_key, tenant_id))
        with self._lock:
            self._models[(tenant_id, user)] = model
        return model

    def subject_key(self, caller, tenant_id: str) -> bytes | None:
        if caller is None or not getattr(caller, "user_id", ""):
            return None
        return tenant_key_from(self.user_hash_key, tenant_id or caller.tenant_id)

    def forget(self, tenant_id: str, user: str) -> None:
        with self._lock:
            self._models.pop((tenant_id, user), None)

    def _sync_in_background(self, tenant_id: str, caller) -> threading.Thread | None:
        if self.sync is None:
            return None
        with self._lock:
            if (tenant_id, caller.user_id) in self._syncing or len(self._syncing) >= self.max_background:
                return None  # already under way, or enough at once: a later draft tries again
            self._syncing.add((tenant_id, caller.user_id))
        thread = threading.Thread(target=self._run_sync, args=(tenant_id, caller), daemon=True)
        self.last_thread = thread
        thread.start()
        return thread

    def _run_sync(self, tenant_id: str, caller) -> None:
        try:
            result = self.sync.sync(tenant_id, caller.user_id, max_pages=self.first_use_pages, caller=caller)
            log.info("recipient history: a user synced on use, %d pages, %d messages", result.pages, result.messages)
            self.forget(tenant_id, user_hash(self.user_hash_key, tenant_id, caller.user_id))
        except Exception as error:  # Graph refused (no Mail.ReadBasic), storage away: tried again next time
            log.warning("recipient history: sync on use failed: %s", type(error).__name__)
        finally:
            with self._lock:
                self._syncing.discard((tenant_id, caller.user_id))
