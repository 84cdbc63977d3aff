"""Wire the adapters to the services for a configuration (Cosmic Python's bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sendward.adapters.cache.draft_signals import KeyValueDraftSignals
from sendward.adapters.cache.key_value import MemoryKeyValueCache
from sendward.adapters.cache.memory import MemoryScanCache
from sendward.adapters.cache.policies import KeyValuePolicyCache
from sendward.adapters.cache.scan_results import KeyValueScanCache
from sendward.adapters.graph.tokens import MsalGraphTokens
from sendward.adapters.identity.dev import DevIdentity
from sendward.adapters.identity.entra import entra_validator
from sendward.adapters.identity.tokens import TokenValidator
from sendward.adapters.local_secrets import load_user_hash_key
from sendward.adapters.metrics.prometheus import PrometheusMetrics
from sendward.adapters.storage.repository import Storage, open_storage
from sendward.config import Settings
from sendward.detection.isolation import ExtractionPool
from sendward.detection.scanner import Scanner
from sendward.services.decide import DecisionService
from sendward.services.policies import PolicyService
from sendward.services.ports import GraphTokens
from sendward.services.rate_limits import RateLimits
from sendward.services.recipient_history import StoredCorrespondents
from sendward.services.scoring import Scorer

if TYPE_CHECKING:
    from sendward.adapters.cache.redis import RedisStore
    from sendward.adapters.graph.factory import GraphAdapters


@dataclass
class Container:
    settings: Settings
    storage: Storage
    validator: TokenValidator
    policies: PolicyService
    scorer: Scorer
    decisions: DecisionService
    dev_identity: DevIdentity | None = None
    graph_tokens: GraphTokens | None = None  # with Entra ID: Graph tokens for the caller (or the app)
    graph: GraphAdapters | None = None
    metrics: PrometheusMetrics | None = None  # also the services' Telemetry
    rate_limits: RateLimits | None = None
    redis: RedisStore | None = None
    history: StoredCorrespondents | None = None  # recipients.misdirected's models (SENDWARD_RECIPIENT_HISTORY)


def bootstrap(
    settings: Settings, *, migrate: bool = True, scanner: Scanner | None = None, graph_tokens=None
) -> Container:
    storage = open_storage(settings, migrate=migrate)
    user_hash_key = load_user_hash_key(settings.user_hash_key, settings.data_dir)
    redis = redis_store(settings, user_hash_key)
    shared_cache = redis or MemoryKeyValueCache()  # Graph token caches, mail tips, verified domains
    dev_identity = None
    if settings.identity == "dev":
        dev_identity = DevIdentity(settings.data_dir)
        validator = dev_identity.validator()
    else:
        validator = entra_validator(settings)  # nothing is fetched until the first token arrives
        graph_tokens = graph_tokens or MsalGraphTokens(settings, shared_cache)
    policies = _policies(storage, redis)
    metrics = PrometheusMetrics(tenant_label=settings.metrics_tenant_label)
    graph = _graph_adapters(settings, graph_tokens, shared_cache, metrics)
    history = _recipient_history(settings, storage, user_hash_key, graph)
    scorer = Scorer(
        scanner=scanner or Scanner(
            model_path=settings.spacy_model,
            extraction_pool=ExtractionPool(settings.extraction_workers, settings.extraction_memory_mb),
        ),
        default_fail_mode=settings.fail_mode,
        time_budget_ms=settings.time_budget_ms,
        scan_cache=KeyValueScanCache(redis) if redis else MemoryScanCache(),
        # In process, apart from the Graph caches: many drafts must not push out the users' tokens.
        draft_signals=KeyValueDraftSignals(redis or MemoryKeyValueCache(max_entries=2048)),
        attachment_source=graph.attachments if graph else None,
        group_sizes=graph.group_sizes if graph else None,
        tenant_domains=graph.tenant_domains if graph else None,
        telemetry=metrics,
        history=history,
    )
    decisions = DecisionService(
        scorer=scorer,
        policies=policies,
        storage=storage,
        user_hash_key=user_hash_key,
        telemetry=metrics,
        precheck_budget_ms=settings.precheck_budget_ms,
    )
    rate_limits = RateLimits(
        per_user=settings.rate_limit_per_user, per_tenant=settings.rate_limit_per_tenant, shared=redis
    )
    return Container(
        settings=settings,
        storage=storage,
        validator=validator,
        policies=policies,
        scorer=scorer,
        decisions=decisions,
        dev_identity=dev_identity,
        graph_tokens=graph_tokens,
        graph=graph,
        metrics=metrics,
        rate_limits=rate_limits,
        redis=redis,
        history=history,
    )


def _recipient_history(settings: Settings, storage: Storage, user_hash_key: bytes, graph) -> StoredCorrespondents | None:
    """Stored models when the admin opted in; synced on first use when Graph can read Sent Items."""
    if not settings.recipient_history:
        return None
    from sendward.adapters.storage.correspondents import CorrespondentStore, sealing_key_from
    from sendward.services.recipient_history import HistorySync

    store = CorrespondentStore(storage.engine, sealing_key_from(user_hash_key))
    people = graph.people if graph and settings.recipient_history_people else None
    sync = HistorySync(graph.sent_items, store, user_hash_key, people=people) if graph and graph.sent_items else None
    return StoredCorrespondents(store, user_hash_key, sync=sync)


def policy_service(settings: Settings, storage: Storage) -> PolicyService:
    """For commands outside the service (`sendward policy import`): a publish reaches every instance."""
    return _policies(storage, redis_store(settings, load_user_hash_key(settings.user_hash_key, settings.data_dir)))


def _policies(storage: Storage, redis: RedisStore | None) -> PolicyService:
    return PolicyService(storage, cache=KeyValuePolicyCache(redis) if redis else None)


def redis_store(settings: Settings, user_hash_key: bytes) -> RedisStore | None:
    """The shared Redis when one is configured (values sealed under a key derived from the user-hash key)."""
    if not settings.redis_url:
        return None
    from sendward.adapters.cache.redis import RedisStore, cache_key_from

    return RedisStore(settings.redis_url, sealing_key=cache_key_from(user_hash_key), prefix=settings.redis_prefix)


def _graph_adapters(settings: Settings, graph_tokens, shared_cache, metrics) -> GraphAdapters | None:
    """Graph is read only with a GraphTokens (services.ports): Entra's MsalGraphTokens, or a test's fake."""
    if graph_tokens is None:
        return None
    from sendward.adapters.graph.factory import (
        build_graph_adapters,  # msgraph takes ~1 s to import
    )

    return build_graph_adapters(settings, graph_tokens, shared_cache, metrics)
