"""`sendward serve`: the Flask app under gunicorn, loaded once before the workers fork."""

from __future__ import annotations

import gc
import logging
import sys

from gunicorn.app.base import BaseApplication

from sendward.config import Settings
from sendward.entrypoints.gunicorn_observe import (
    child_exit,
    gunicorn_logger_class,
    multiprocess_metrics,
)
from sendward.entrypoints.logs import configure_logging


class SendwardApplication(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self):
        from sendward.entrypoints.http.app import create_app

        app = create_app(self.settings)
        # Everything loaded so far (Presidio, spaCy, name lists) lives as long as the process: out of
        # the garbage collector's sight, a full collection no longer walks it on a request's time,
        # and the workers' copy-on-write pages stay shared.
        gc.freeze()
        return app


def _post_fork(server, worker):
    """Each worker opens its own database connections (never share a socket across a fork) and starts
    its extraction processes ahead of the first draft."""
    app = server.app.callable
    if app is not None:
        container = app.extensions["sendward"]
        container.storage.engine.dispose(close=False)
        pool = getattr(container.scorer.scanner, "pool", None)
        if pool is not None:
            pool.warm()  # the forkserver imports the extractors now, not during the first draft


def options(
    host: str,
    port: int,
    workers: int,
    threads: int,
    log_format: str = "json",
    tls: tuple[str, str] | None = None,
) -> dict:
    """gunicorn's configuration: ``workers`` processes of ``threads`` gthread threads each."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    served_over_tls = {"certfile": tls[0], "keyfile": tls[1]} if tls else {}
    return {
        **served_over_tls,
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "preload_app": True,  # Presidio and the models load once, shared copy-on-write
        "post_fork": _post_fork,
        "child_exit": child_exit,
        "logger_class": gunicorn_logger_class(log_format),
        "accesslog": None,  # the service writes access lines itself (sendward.access)
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "sendward",
        "limit_request_line": 8190,
        # gunicorn 25+ opens a control socket in $HOME by default: one path for every
        # instance on the machine, and an interface we do not use.
        "control_socket_disable": True,
    }


QUIET_LOGGERS = ("alembic", "presidio-analyzer")  # "Running upgrade ...", "Using device of type: cpu": noise on every start


def default_log_format(stream=None) -> str:
    """Without SENDWARD_LOG_FORMAT: readable text on a terminal, JSON lines for a log collector."""
    stream = stream or sys.stderr
    try:
        return "text" if stream.isatty() else "json"
    except (AttributeError, ValueError):  # a closed or unusual stream
        return "json"


def serve(
    settings: Settings, *, host: str, port: int, workers: int | None, tls: tuple[str, str] | None = None
) -> int:
    log_format = settings.log_format or default_log_format()
    configure_logging(log_format, settings.log_level)
    if settings.log_level.upper() != "DEBUG":
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    for warning in start_up_warnings(settings):
        logging.getLogger(__name__).warning(warning)
    with multiprocess_metrics():
        gunicorn_options = options(host, port, workers or settings.workers, settings.threads, log_format, tls)
        SendwardApplication(settings, gunicorn_options).run()
    return 0


def start_up_warnings(settings: Settings) -> list[str]:
    """Configurations that work but that an operator most likely did not mean."""
    warnings = []
    if settings.identity == "dev":
        warnings.append(
            "DEV IDENTITY: tokens are signed by a key in the data directory and minted at /demo/token for any "
            "tenant and user, admins included. For a trial on this machine only; anything else needs "
            "SENDWARD_IDENTITY=entra"
        )
    shared = settings.redis_url or (settings.database_url and not settings.database_url.startswith("sqlite"))
    if shared and not (settings.user_hash_key and settings.session_secret):
        warnings.append(
            "a shared database or Redis is configured but SENDWARD_USER_HASH_KEY or SENDWARD_SESSION_SECRET "
            "is not: instances with their own data directories will hash users, seal caches and sign admin "
            "sessions differently; set the same values on every instance"
        )
    if settings.identity != "dev" and not settings.public_url:
        warnings.append(
            "SENDWARD_PUBLIC_URL is not set: the add-in's configuration and the well-known allow-list answer 404 "
            "except on a loopback address; set it to the origin Outlook reaches the service at"
        )
    if settings.identity != "dev" and not settings.metrics_token:
        warnings.append(
            "GET /metrics answers 403 with Entra ID until SENDWARD_METRICS_TOKEN is set (Prometheus then sends it)"
        )
    return warnings
