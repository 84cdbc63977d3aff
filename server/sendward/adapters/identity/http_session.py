"""The HTTP client for talking to Entra ID: our CA bundle on every call and short timeouts."""

from __future__ import annotations

import requests

# (connect, read) seconds: the add-in waits about 4 s for a verdict, so an unreachable identity
# provider must fail fast rather than hang a request.
IDENTITY_TIMEOUT = (3.05, 5)


class IdentitySession(requests.Session):
    """requests, forcing ``verify`` per call: REQUESTS_CA_BUNDLE would otherwise override a session's
    ``verify`` (psf/requests#3829); and a default timeout, which requests does not have."""

    def __init__(self, verify: str | bool = True, timeout=IDENTITY_TIMEOUT):
        super().__init__()
        self.forced_verify = verify
        self.default_timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs["verify"] = self.forced_verify
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, **kwargs)
