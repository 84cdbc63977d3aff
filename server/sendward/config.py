"""Settings from the environment: every `SENDWARD_*` variable is a field of `Settings` (pydantic-settings).

All are optional; an empty value counts as unset. Each field carries its documentation, from which
`settings_table()` renders the table in docs/reference.md#settings (tests/docs checks they agree).

`Settings(...)` holds exactly what it is given (tests and tools build it so); `Settings.from_env()` reads
the environment and checks the combination (identity, secrets) as the service does at start. A value
that cannot be used raises `ConfigError` naming the variable, never pydantic's `ValidationError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

ENV_PREFIX = "SENDWARD_"


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names it."""


def variable(name: str) -> str:
    """The environment variable of a Settings field: ``fail_mode`` -> ``SENDWARD_FAIL_MODE``."""
    return f"{ENV_PREFIX}{name.upper()}"


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("sendward", appauthor=False))


def _setting(default: Any = PydanticUndefined, *, doc: str, shown: str | None = None, **field: Any) -> Any:
    """A field with its row of the reference table: ``doc`` is its meaning; ``shown`` the default as the
    table words it (without it: the value in backticks, or "unset" for None)."""
    extra = {"shown_default": shown} if shown is not None else None
    return Field(default, description=doc, json_schema_extra=extra, **field)


def _comma_separated(normalise):
    """A tuple from "a, b,c" (the environment) or from a sequence (code), each item normalised, empties dropped."""

    def parse(value: Any) -> Any:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            return value  # pydantic names the type error
        return tuple(normalise(item.strip()) for item in items if isinstance(item, str) and item.strip())

    return BeforeValidator(parse)


Tenants = Annotated[tuple[str, ...], _comma_separated(str.lower)]
Origins = Annotated[tuple[str, ...], _comma_separated(lambda origin: origin.rstrip("/"))]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,  # an empty variable counts as unset
        enable_decoding=False,  # lists are comma-separated, not JSON
        frozen=True,
        extra="forbid",
    )

    data_dir: Path = _setting(
        default_factory=_default_data_dir,
        shown="the user's data directory (`platformdirs`, e.g. `~/.local/share/sendward`)",
        doc="Holds the SQLite database, the dev identity's signing key, and the generated user-hash and "
        "session keys",
    )
    database_url: str | None = _setting(
        None,
        shown="SQLite at `<data dir>/sendward.db`",
        doc="The database, e.g. `postgresql://postgres@127.0.0.1/test`. `postgresql://` URLs use the "
        "psycopg 3 driver",
    )
    redis_url: str | None = _setting(
        None,
        doc="A Redis URL (`redis://`, `rediss://` for TLS, `unix://`) shared by every worker and instance: "
        "published policies (replaced on publish, so every instance enforces a new version from its next "
        "request), attachment scan results by tenant and content hash, Graph tokens (msal's cache), mail "
        "tips and verified domains, and rate-limit counts. Values are sealed with AES-GCM under a key "
        "derived from `SENDWARD_USER_HASH_KEY`, so Redis never holds a readable Graph token. Redis is never "
        "required: while it is away every cache misses, rate limits are counted per process and `/readyz` "
        "says `degraded` ([operations](operations.md))",
    )
    redis_prefix: str = _setting(
        "sendward:", doc="Put before every key, so several deployments (or tests) can share one Redis"
    )
    rate_limit_per_user: int = _setting(
        120,
        ge=0,
        doc="Score requests one user may make per minute, sends and background checks each counted on their "
        "own (checks while writing never use up the Send); more get 429 with `Retry-After`, which the add-in "
        "reports as such. `0`: no limit",
    )
    rate_limit_per_tenant: int = _setting(
        0,
        ge=0,
        shown="`0` (no limit)",
        doc="Score requests per tenant per minute, for deployments that serve several tenants: one tenant "
        "cannot use up the service. Counted across instances through Redis",
    )
    identity: Literal["dev", "entra"] = _setting(
        "dev",
        shown="`dev` when no Entra ID setting is present",
        doc="Who signs the bearer tokens. `dev`: a local key, for the embedded default, loopback only; `serve` "
        "logs a `DEV IDENTITY` warning at start. `entra`: Microsoft Entra ID ([deployment](deployment.md)). "
        "Never guessed: with any Entra ID setting (`SENDWARD_CLIENT_ID`, `_CLIENT_SECRET`, "
        "`_CLIENT_CERTIFICATE_PATH`, `_CLIENT_CERTIFICATE_THUMBPRINT`, `_API_AUDIENCE`, `_ALLOWED_TENANTS`, "
        "`_AUTHORITY_HOST`) and this unset, every command refuses to start (exit 64) and says to set it",
    )
    client_id: str | None = _setting(
        None,
        doc="The app registration's Application (client) ID. Required with `entra`. With it set, the add-in "
        "is given the client id and scope",
    )
    client_secret: str | None = _setting(
        None,
        doc="A client secret of the app registration, for Graph tokens and the admin page's sign-in. With "
        "`entra`, this or a certificate is required",
    )
    client_certificate_path: str | None = _setting(
        None,
        doc="A PEM file holding the app's unencrypted private key and its certificate. Used instead of the "
        "secret. msal signs with the certificate's SHA-256 thumbprint, computed from the file; a file with the "
        "key alone falls back to the deprecated SHA-1 thumbprint (and needs it below)",
    )
    client_certificate_thumbprint: str | None = _setting(
        None,
        doc="Optional: the certificate's SHA-1 thumbprint, as the Entra admin center shows it, or its SHA-256 "
        "one (colons and case ignored). Only checks that the file holds the certificate you meant; start-up "
        "fails when it does not match. Required only when the file holds the key without the certificate",
    )
    api_audience: str | None = _setting(
        None,
        shown="`api://<host of SENDWARD_PUBLIC_URL>/<client id>`; without a public URL, `api://<client id>`",
        doc="The Application ID URI, e.g. `api://sendward.example.org/<client id>`. One value for the whole "
        "deployment: tokens may name it, `api://<client id>`, or the client id as their audience, and the "
        "add-in's and the admin page's scope is `<this>/access_as_user`",
    )
    allowed_tenants: Tenants = _setting(
        (),
        shown="empty: any tenant",
        doc="Comma-separated tenant ids accepted with `entra`; others get 401. With exactly one, the admin "
        "page signs in through that tenant",
    )
    authority_host: str = _setting(
        "https://login.microsoftonline.com",
        doc="The Entra ID sign-in host (e.g. `https://login.microsoftonline.us`): signing keys, issuers and "
        "msal's authority",
    )
    graph_base_url: str = _setting(
        "https://graph.microsoft.com/v1.0",
        doc="Microsoft Graph's root. Graph tokens are requested for its host (`<scheme>://<host>/.default`)",
    )
    graph_mode: Literal["delegated", "application"] = _setting(
        "delegated",
        doc="`delegated`: Graph tokens on behalf of the sender (on-behalf-of). `application`: the app's own "
        "permissions (client credentials)",
    )
    ca_bundle: str | None = _setting(
        None,
        shown="unset: the system's CAs",
        doc="A PEM bundle trusted for calls to Entra ID (key sets, msal), e.g. a TLS-inspecting proxy's CA",
    )
    fail_mode: Literal["open", "closed"] = _setting(
        "open",
        doc="What the add-in does when it gets no verdict, for tenants whose policy does not say. `open`: the "
        "sender may send anyway. `closed`: the message is held. The add-in is given it in its configuration, "
        "so it applies from the first outage on, before any verdict has told the tenant's own",
    )
    time_budget_ms: int = _setting(
        4000,
        ge=100,
        le=300_000,
        doc="Time for scoring one draft (100–300000). Attachments not scanned in time are reported "
        "`attachment.unscannable`. A request's `budget_ms` can shorten it, never lengthen it "
        "([score request](#score-request))",
    )
    precheck_budget_ms: int = _setting(
        30_000,
        ge=100,
        le=300_000,
        doc='The longest a background check (`"purpose": "precheck"`, not recorded) may take (100–300000; '
        "never less than `SENDWARD_TIME_BUDGET_MS`). The add-in waits this long for one and sends it as "
        "`budget_ms`, so a big attachment is read and its scan cached before Send. A Send stays at "
        "`SENDWARD_TIME_BUDGET_MS`",
    )
    max_request_bytes: int = _setting(
        50 * 1024 * 1024,
        shown="`52428800` (50 MiB)",
        doc="Largest request body accepted; larger ones get 413",
    )
    max_attachment_bytes: int = _setting(
        35 * 1024 * 1024,
        ge=1,
        shown="`36700160` (35 MiB)",
        doc="Largest attachment read from Microsoft Graph; a larger one is not downloaded and is reported "
        "`attachment.unscannable`",
    )
    extraction_workers: int = _setting(
        4,
        ge=1,
        le=64,
        doc="Processes, per serving process, that parse attachments (PDF, Office, OpenDocument, RTF, e-mail, "
        "HTML files; 1–64). A parse still running when the draft's time budget ends is killed with its "
        "process, and the file is reported `attachment.unscannable` (`time_budget`); the next file gets a "
        "new process. CSV, plain text and zip members are read in the serving process, which checks the "
        "deadline as it goes",
    )
    extraction_memory_mb: int = _setting(
        1024,
        ge=256,
        le=65536,
        doc="Address-space cap (`RLIMIT_AS`) of each extraction process (256–65536). A file that needs more "
        "is reported `attachment.unscannable` (`too_large`)",
    )
    spacy_model: str | None = _setting(
        None, doc="The path of an optional spaCy NER model for person names ([detection](detection.md))"
    )
    user_hash_key: str | None = _setting(
        None,
        shown="a key generated in the data directory",
        doc="The secret behind the pseudonyms that stand for users in the audit log. Set the same value on "
        "every instance",
    )
    session_secret: str | None = _setting(
        None,
        shown="a key generated in the data directory",
        doc="Signs the admin page's session cookies. Set the same value on every instance",
    )
    log_level: str = _setting("INFO", doc="Python logging level (`DEBUG`, `INFO`, `WARNING`, …)")
    log_format: Literal["json", "text"] | None = _setting(
        None,
        shown="under `sendward serve`: `text` when stderr is a terminal, else `json`; other commands `text`",
        doc="`json`: one JSON object per line with a request id ([monitoring](monitoring.md)). `text`: plain "
        "lines for a terminal",
    )
    metrics_token: str | None = _setting(
        None,
        shown="unset: `/metrics` is open with `dev`, 403 with `entra`",
        doc="A bearer token `GET /metrics` then requires. With `entra` and no token `/metrics` answers 403 "
        "and the service warns at start",
    )
    metrics_tenant_label: bool = _setting(
        False, doc="Also count decisions per tenant id (one time series per tenant: mind the cardinality)"
    )
    addin_dir: Path | None = _setting(
        None,
        shown="`addin/` beside `server/` in a checkout",
        doc="Where the add-in's files are served from. The manifest templates are in the `manifest/` folder "
        "beside it",
    )
    recipient_history: bool = _setting(
        False,
        doc="`true`: learn each user's correspondents from their Sent Items and Inbox for `recipients.misdirected` "
        "(metadata only: sender, recipients, time, subject; `Mail.ReadBasic`). A user with no model yet gets a "
        "bounded sync (5 pages a folder) in the background on first use and is not judged until it is done; a model "
        "older than 12 hours is refreshed the same way; `sendward history sync` does the full rounds. Models "
        "are stored sealed, per user ([graph](graph.md#sent-items-and-inbox-recipientsmisdirected)). Off: the rule "
        "judges nobody in the service",
    )
    recipient_history_people: bool = _setting(
        True,
        doc="With `SENDWARD_RECIPIENT_HISTORY`: while a user's model has learnt fewer than 50 sent messages, "
        "each sync seeds it with the people Graph says they work with (`/me/people` or `/users/{id}/people`, "
        "the 100 most relevant; People.Read delegated, People.Read.All as the application) and those MailTips "
        "`recipientSuggestions` names beside the first 20 of them (Mail.Read), so `recipients.misdirected` "
        "catches namesakes, typos and personal addresses of those people before `min_history_messages` are "
        "learnt ([graph](graph.md#cold-start-people-and-recipient-suggestions)). A refused call (no consent) "
        "leaves the model as learnt from mail. `false`: no such calls",
    )
    addin_origins: Origins = _setting(
        (),
        shown="empty: the service's own origin only",
        doc="Comma-separated origins, besides the service's own, that may call the API (CORS)",
    )
    public_url: str | None = _setting(
        None,
        doc="The service's origin as Outlook reaches it, e.g. `https://sendward.example.org`. The add-in's "
        "configuration (`apiBase`, the API scope's host) and `/.well-known/microsoft-officeaddins-allowed.json` "
        "are built from it, never from the `Host` header. Unset: only a loopback `Host` (the embedded "
        "default) is used, anything else gets 404 on those two. Set it behind any proxy or with `entra`; "
        "`serve` warns when it is missing with `entra`",
    )
    workers: int = _setting(
        2,
        ge=1,
        le=64,
        doc="gunicorn worker processes under `sendward serve` when `--workers` is not given (1–64)",
    )
    # Compared with other configurations in docs/performance.md#worker-configuration. Raised from 4 to 8 when
    # attachments moved to extraction processes (issue 14): a thread reading a hostile file then only waits,
    # and eight of them at once must leave threads for everybody else's drafts.
    threads: int = _setting(
        8,
        ge=1,
        le=32,
        doc="Threads per gunicorn worker (gthread), 1–32. Attachments are parsed in extraction processes, so "
        "a thread reading one mostly waits: eight PDF bombs at once leave threads free for other drafts; "
        "`sendward serve` refuses anything else. [Performance](performance.md#worker-configuration) compares "
        "configurations",
    )

    # -- values: normalised, and refused by name -----------------------------------------------------

    @field_validator("data_dir", "addin_dir")
    @classmethod
    def _expand_home(cls, path: Path | None) -> Path | None:
        return path.expanduser() if path is not None else None

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("graph_base_url")
    @classmethod
    def _https_only(cls, url: str) -> str:
        if not url.lower().startswith("https://"):
            raise ConfigError(f"{variable('graph_base_url')} must be an https:// URL")
        return url

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, url: str | None) -> str | None:
        if url and not url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"{variable('redis_url')} must be a redis://, rediss:// or unix:// URL")
        return url

    @field_validator("public_url")
    @classmethod
    def _an_origin(cls, url: str | None) -> str | None:
        if url is None:
            return None
        url = url.strip().rstrip("/")
        parts = urlsplit(url)
        if not (parts.scheme in ("https", "http") and parts.netloc and not parts.path and not parts.query):
            raise ConfigError(f"{variable('public_url')} must be an origin such as https://sendward.example.org")
        return url

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise ConfigError(_first_problem(error)) from None

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return (init_settings,)  # Settings(...) holds what it is given; from_env() reads the environment

    # -- use -------------------------------------------------------------------------------------------

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return _sqlalchemy_url(self.database_url)
        return f"sqlite:///{self.data_dir / 'sendward.db'}"

    def with_changes(self, **changes: Any) -> "Settings":
        """A copy with some fields changed, checked as the constructor checks them."""
        unknown = set(changes) - set(type(self).model_fields)
        if unknown:
            raise TypeError(f"Settings has no field {', '.join(sorted(unknown))}")
        kept = {name: getattr(self, name) for name in type(self).model_fields if name not in changes}
        return type(self)(**kept, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """The SENDWARD_* variables of ``environ`` (default: os.environ), checked as `serve` needs them."""
        values = _Environment(cls, os.environ if environ is None else environ)()
        if "identity" not in values:
            entra = [variable(name) for name in ENTRA_SETTINGS if name in values]
            if entra:
                raise ConfigError(
                    f"SENDWARD_IDENTITY is not set but Entra ID settings are ({', '.join(entra)}): set "
                    "SENDWARD_IDENTITY=entra to sign users in with Entra ID, or SENDWARD_IDENTITY=dev to run "
                    "the local dev identity (loopback only) regardless"
                )
        settings = cls(**values)
        _check_identity_and_secrets(settings)
        return settings


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping: upper-case names only (SENDWARD_FAIL_MODE,
    never sendward_fail_mode), each value stripped of blanks; an empty one is unset."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        named = ((name, value) for name, value in self._environ.items() if name.isupper() and isinstance(value, str))
        return {name.lower(): value.strip() for name, value in named if value.strip()}


def _first_problem(error: ValidationError) -> str:
    """One line naming the variable, for the first value pydantic refused."""
    problem = error.errors(include_url=False)[0]
    cause = (problem.get("ctx") or {}).get("error")
    if isinstance(cause, ConfigError):
        return str(cause)
    name = str(problem["loc"][0]) if problem["loc"] else ""
    field = Settings.model_fields.get(name)
    if field is None:
        return f"Settings has no field {name}" if problem["type"] == "extra_forbidden" else problem["msg"]
    raw = problem.get("input")
    kind = problem["type"]
    if kind == "literal_error":
        return f"{variable(name)} must be {problem['ctx']['expected']}"
    if kind == "bool_parsing":
        return f"{variable(name)} must be true or false, not '{raw}'"
    if field.annotation is int:
        low = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
        high = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
        bounds = f" from {low} to {high}" if high is not None else f" of {low} or more" if low is not None else ""
        return f"{variable(name)} must be a whole number{bounds}, not '{raw}'"
    return f"{variable(name)}: {problem['msg']}"


def _check_identity_and_secrets(settings: Settings) -> None:
    """What one field cannot say alone: Entra ID needs a client id; no template value anywhere; with Entra
    ID, secrets of at least MIN_SECRET_BYTES."""
    if settings.identity == "entra" and not settings.client_id:
        raise ConfigError("SENDWARD_IDENTITY=entra needs SENDWARD_CLIENT_ID")
    for name in (*SECRET_SETTINGS, "database_url", "redis_url"):
        value = getattr(settings, name)
        if value and is_template_value(value):
            raise ConfigError(
                f"{variable(name)} still holds a template value ('change-me' or the like): "
                f"replace it with a real one (for a key: `openssl rand -base64 48`)"
            )
    if settings.identity != "entra":
        return
    for name in SECRET_SETTINGS:
        value = getattr(settings, name)
        if value and len(value.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(
                f"{variable(name)} is shorter than {MIN_SECRET_BYTES} bytes: with Entra ID use a "
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


def _sqlalchemy_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# -- the reference table -------------------------------------------------------------------------------


def _shown_default(field) -> str:
    extra = field.json_schema_extra or {}
    if "shown_default" in extra:
        return extra["shown_default"]
    if field.default is None:
        return "unset"
    if isinstance(field.default, bool):
        return f"`{str(field.default).lower()}`"
    return f"`{field.default}`"


def _secrets_row() -> str:
    names = [f"`{variable(name)}`" for name in SECRET_SETTINGS]
    return (
        f"{', '.join(names[:-1])} and {names[-1]} are checked at start: a template value (`change-me`, "
        "`changeme`, `replace-me`, `secret`, `password`, …; also as the password in `SENDWARD_DATABASE_URL` / "
        "`SENDWARD_REDIS_URL`) is refused in every mode, and with `entra` a value shorter than "
        f"{MIN_SECRET_BYTES} bytes is refused (`openssl rand -base64 48` makes one). So the kustomize base's "
        "`secret.yaml` cannot run unchanged"
    )


def settings_table() -> str:
    """The markdown table of every setting (docs/reference.md#settings), rendered from the fields."""
    rows = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{variable(name)}` | {_shown_default(field)} | {field.description} |")
    rows.append(f"| Secrets | | {_secrets_row()} |")
    return "\n".join(rows) + "\n"
