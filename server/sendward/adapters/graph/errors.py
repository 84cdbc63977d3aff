"""What can go wrong talking to Graph. Callers turn these into the tenant's fail mode, never into "allow".

Every message is a sentence without personal data: it may be logged and shown to the sender.
``code`` is the machine-readable reason an attachment carries when it could not be fetched.
"""

from sendward.domain.correspondents import HistoryRestart


class GraphError(Exception):
    """Graph could not answer; ``str(error)`` says why without personal data."""

    code = "unavailable"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class GraphAuthError(GraphError):
    """No Graph token could be had for the caller (on-behalf-of or client credentials refused)."""

    code = "auth"


class GraphUnavailable(GraphError):
    """Graph kept failing (throttled, 5xx, timeouts) until the time budget ran out."""


class GraphRefused(GraphError):
    """Graph answered with a client error (403 a permission is missing, 404 not found): retrying will not help."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message, code="not_found" if status == 404 else "forbidden" if status == 403 else "refused")
        self.status = status


class TooLarge(GraphError):
    """The content is larger than Sendward fetches; the file's nature, not our failure."""

    code = "too_large"


class DeltaExpired(GraphError, HistoryRestart):
    """A delta link Graph no longer knows (410 Gone): the sync starts over."""

    code = "delta_expired"
