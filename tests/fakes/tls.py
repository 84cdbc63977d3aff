"""A throw-away certificate authority for loopback HTTPS fakes (msal insists on https)."""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme


@dataclass
class TestCA:
    authority: trustme.CA
    bundle: Path  # PEM file to pass as a CA bundle (requests' verify=, SENDWARD_CA_BUNDLE)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        return context


def make_test_ca(directory: Path) -> TestCA:
    authority = trustme.CA()
    bundle = Path(directory) / "test-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return TestCA(authority=authority, bundle=bundle)


class LoopbackServer:
    """Runs a ThreadingHTTPServer with ``handler`` on 127.0.0.1 (HTTPS when given a CA)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], ca: TestCA | None = None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        if ca is not None:
            self.httpd.socket = ca.server_context().wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if ca is not None else "http"
        # A short poll interval: shutdown() waits for it, once per test.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
