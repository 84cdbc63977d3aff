"""Log output: one JSON object per line (the default under `sendward serve`) or plain text.

A JSON line holds time, level, logger, message and request_id; an access line adds
method, route, status and duration_ms. Nothing else a record carries is written: an
``extra`` attribute cannot carry draft content into the log by accident. Exceptions are
written as their type and stack frames, never their message (library messages can quote
the request).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

from flask import g, has_request_context

ACCESS_FIELDS = ("method", "route", "path", "status", "duration_ms")  # path: unmatched requests only
FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Gives every record a request_id attribute (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["stack"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(TEXT_FORMAT)

    def formatException(self, exc_info) -> str:
        return f"{exc_info[0].__name__}\n" + "".join(traceback.format_tb(exc_info[2]))

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id() or "-"
        return super().format(record)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


# HTTP client libraries log every request line at INFO (httpx) or DEBUG (httpcore, hpack): Graph URLs
# carry sharing tokens (base64 of site, folder and file names) and, as the application, user object ids.
QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "h2", "urllib3", "msal", "kiota_http")


def quiet_http_loggers() -> None:
    """Only warnings and errors from HTTP client libraries, whatever the service's own level."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(log_format: str, level: str = "INFO", stream=None) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) in ``log_format``; replaces earlier handlers."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {FORMATS}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_http_loggers()
    return handler
