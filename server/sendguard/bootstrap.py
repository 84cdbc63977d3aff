"""Wire the adapters to the services for a configuration (Cosmic Python's bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass

from sendguard.adapters.cache.memory import MemoryScanCache
from sendguard.adapters.identity.dev import DevIdentity
from sendguard.adapters.identity.tokens import TokenValidator
from sendguard.adapters.storage import schema
from sendguard.adapters.storage.repository import Storage
from sendguard.config import ConfigError, Settings
from sendguard.detection.scanner import Scanner
from sendguard.services.audit import load_user_hash_key
from sendguard.services.decide import DecisionService
from sendguard.services.policies import PolicyService
from sendguard.services.scoring import Scorer


@dataclass
class Container:
    settings: Settings
    storage: Storage
    validator: TokenValidator
    policies: PolicyService
    scorer: Scorer
    decisions: DecisionService
    dev_identity: DevIdentity | None = None


def bootstrap(settings: Settings, *, migrate: bool = True, scanner: Scanner | None = None) -> Container:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = schema.make_engine(settings.sqlalchemy_url)
    if migrate:
        schema.upgrade(engine)
    storage = Storage(engine)
    dev_identity = None
    if settings.identity == "dev":
        dev_identity = DevIdentity(settings.data_dir)
        validator = dev_identity.validator()
    else:
        raise ConfigError("SENDGUARD_IDENTITY=entra is not available in this build")
    policies = PolicyService(storage)
    scorer = Scorer(
        scanner=scanner or Scanner(model_path=settings.spacy_model),
        default_fail_mode=settings.fail_mode,
        time_budget_ms=settings.time_budget_ms,
        scan_cache=MemoryScanCache(),
    )
    decisions = DecisionService(
        scorer=scorer,
        policies=policies,
        storage=storage,
        user_hash_key=load_user_hash_key(settings.user_hash_key, settings.data_dir),
    )
    return Container(
        settings=settings,
        storage=storage,
        validator=validator,
        policies=policies,
        scorer=scorer,
        decisions=decisions,
        dev_identity=dev_identity,
    )
