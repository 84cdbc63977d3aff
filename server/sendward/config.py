"""Settings from the environment (all optional; see docs/configuration.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import platformdirs


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names it."""


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("sendward", appauthor=False))


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    database_url: str | None = None  # default: SQLite in data_dir
    redis_url: str | None = None  # caches, Graph tokens and rate-limit counts shared by every instance
    redis_prefix: str = "sendward:"  # before every key, so deployments can share one Redis
    rate_limit_per_user: int = 120  # score requests per user per minute; 0: no limit
    rate_limit_per_tenant: int = 0  # score requests per tenant per minute; 0: no limit (set it when tenants share)
    identity: str = "dev"  # "dev" or "entra"; from the environment: never guessed when Entra settings are present
    client_id: str | None = None
    client_secret: str | None = None
    client_certificate_path: str | None = None
    client_certificate_thumbprint: str | None = None
    api_audience: str | None = None  # default api://<client_id>
    allowed_tenants: tuple[str, ...] = ()  # empty with entra: any tenant (multi-tenant)
    authority_host: str = "https://login.microsoftonline.com"
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_mode: str = "delegated"  # "delegated" (on-behalf-of) or "application"
    ca_bundle: str | None = None
    fail_mode: str = "open"
    time_budget_ms: int = 4000
    precheck_budget_ms: int = 30_000  # a background check's ceiling (never below time_budget_ms)
    max_request_bytes: int = 50 * 1024 * 1024
    max_attachment_bytes: int = 35 * 1024 * 1024
    extraction_workers: int = 4  # processes per serving process that parse attachments (killed at the deadline)
    extraction_memory_mb: int = 1024  # address-space cap of each extraction process
    spacy_model: str | None = None  # path of an optional spaCy NER model
    user_hash_key: str | None = None  # default: a key generated in data_dir
    session_secret: str | None = None  # signs admin page sessions; default: a key generated in data_dir
    log_level: str = "INFO"
    log_format: str | None = None  # "json" or "text"; default under `sendward serve`: text on a terminal, else json
    metrics_token: str | None = None  # when set, GET /metrics needs it as a bearer token
    metrics_tenant_label: bool = False  # count decisions per tenant id too (one series per tenant)
    addin_dir: Path | None = None  # the add-in's files (default: addin/ beside server/ in a checkout)
    addin_origins: tuple[str, ...] = ()  # origins besides the service's own that may call the API (CORS)
    # Learn each user's correspondents from their Sent Items (recipients.misdirected): off until an admin opts in.
    recipient_history: bool = False
    # ... and seed a user with little sent mail from Graph's People API and MailTips recipientSuggestions.
    recipient_history_people: bool = True
    public_url: str | None = None  # https://sendward.example.org: the add-in's configuration, CORS and allow-list

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return _sqlalchemy_url(self.database_url)
        return f"sqlite:///{self.data_dir / 'sendward.db'}"

    def with_changes(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f"SENDWARD_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw)
        if "identity" not in values:
            entra = [f"SENDWARD_{name.upper()}" for name in ENTRA_SETTINGS if name in values]
            if entra:
                raise ConfigError(
                    f"SENDWARD_IDENTITY is not set but Entra ID settings are ({', '.join(entra)}): set "
                    "SENDWARD_IDENTITY=entra to sign users in with Entra ID, or SENDWARD_IDENTITY=dev to run "
                    "the local dev identity (loopback only) regardless"
                )
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.identity not in ("dev", "entra"):
            raise ConfigError("SENDWARD_IDENTITY must be 'dev' or 'entra'")
        if self.fail_mode not in ("open", "closed"):
            raise ConfigError("SENDWARD_FAIL_MODE must be 'open' or 'closed'")
        if self.graph_mode not in ("delegated", "application"):
            raise ConfigError("SENDWARD_GRAPH_MODE must be 'delegated' or 'application'")
        if not 100 <= self.time_budget_ms <= 300_000:
            raise ConfigError("SENDWARD_TIME_BUDGET_MS must be between 100 and 300000")
        if not 100 <= self.precheck_budget_ms <= 300_000:
            raise ConfigError("SENDWARD_PRECHECK_BUDGET_MS must be between 100 and 300000")
        if not self.graph_base_url.lower().startswith("https://"):
            raise ConfigError("SENDWARD_GRAPH_BASE_URL must be an https:// URL")
        if self.max_attachment_bytes < 1:
            raise ConfigError("SENDWARD_MAX_ATTACHMENT_BYTES must be positive")
        if not 1 <= self.extraction_workers <= 64:
            raise ConfigError("SENDWARD_EXTRACTION_WORKERS must be between 1 and 64")
        if not 256 <= self.extraction_memory_mb <= 65536:
            raise ConfigError("SENDWARD_EXTRACTION_MEMORY_MB must be between 256 and 65536")
        if self.log_format not in (None, "json", "text"):
            raise ConfigError("SENDWARD_LOG_FORMAT must be 'json' or 'text'")
        if self.rate_limit_per_user < 0 or self.rate_limit_per_tenant < 0:
            raise ConfigError("SENDWARD_RATE_LIMIT_PER_USER and _PER_TENANT must be 0 (no limit) or more")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("SENDWARD_REDIS_URL must be a redis://, rediss:// or unix:// URL")
        if self.public_url is not None and not _is_origin(self.public_url):
            raise ConfigError("SENDWARD_PUBLIC_URL must be an origin such as https://sendward.example.org")
        if self.identity == "entra" and not self.client_id:
            raise ConfigError("SENDWARD_IDENTITY=entra needs SENDWARD_CLIENT_ID")
        self._validate_secrets()

    def _validate_secrets(self) -> None:
        """No template value anywhere; with Entra ID, secrets of at least 32 bytes."""
        for name in (*SECRET_SETTINGS, "database_url", "redis_url"):
            value = getattr(self, name)
            if value and is_template_value(value):
                raise ConfigError(
                    f"SENDWARD_{name.upper()} still holds a template value ('change-me' or the like): "
                    f"replace it with a real one (for a key: `openssl rand -base64 48`)"
                )
        if self.identity != "entra":
            return
        for name in SECRET_SETTINGS:
            value = getattr(self, name)
            if value and len(value.encode()) < MIN_SECRET_BYTES:
                raise ConfigError(
                    f"SENDWARD_{name.upper()} is shorter than {MIN_SECRET_BYTES} bytes: with Entra ID use a "
                    f"random value of at least {MIN_SECRET_BYTES} bytes (`openssl rand -base64 48`)"
                )


# Any of these in the environment means an Entra ID deployment was meant: SENDWARD_IDENTITY must then be set.
ENTRA_SETTINGS = (
    "client_id", "client_secret", "client_certificate_path", "client_certificate_thumbprint",
    "api_audience", "allowed_tenants", "authority_host",
)
# Secrets the service checks at start: never a template value; with Entra ID, at least MIN_SECRET_BYTES.
SECRET_SETTINGS = ("session_secret", "user_hash_key", "client_secret", "metrics_token")
MIN_SECRET_BYTES = 32
_TEMPLATE_MARKERS = ("change-me", "changeme", "change_me", "replace-me", "replaceme", "replace_me", "<secret>",
                     "your-secret", "your_secret")
_TEMPLATE_VALUES = {"secret", "password", "changeit", "example", "test", "xxx", "default", "admin"}


def is_template_value(value: str) -> bool:
    """A placeholder from a template or a tutorial, e.g. deploy/kubernetes/secret.yaml's ``change-me``."""
    lowered = value.strip().lower()
    return lowered in _TEMPLATE_VALUES or any(marker in lowered for marker in _TEMPLATE_MARKERS)


_INTS = {
    "time_budget_ms", "precheck_budget_ms", "max_request_bytes", "max_attachment_bytes",
    "rate_limit_per_user", "rate_limit_per_tenant", "extraction_workers", "extraction_memory_mb",
}
_BOOLS = {"metrics_tenant_label", "recipient_history", "recipient_history_people"}


def _convert(name: str, raw: str):
    if name == "data_dir":
        return Path(raw).expanduser()
    if name == "addin_dir":
        return Path(raw).expanduser()
    if name == "allowed_tenants":
        return tuple(t.strip().lower() for t in raw.split(",") if t.strip())
    if name == "public_url":
        return raw.strip().rstrip("/")
    if name == "addin_origins":
        return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    if name in _BOOLS:
        if raw.strip().lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ConfigError(f"SENDWARD_{name.upper()} must be true or false, not '{raw}'")
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name == "log_format":
        return raw.strip().lower()
    if name in _INTS:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"SENDWARD_{name.upper()} must be a whole number, not '{raw}'") from None
    return raw.strip()


def _is_origin(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc) and parts.path in ("", "/") and not parts.query


def _sqlalchemy_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
