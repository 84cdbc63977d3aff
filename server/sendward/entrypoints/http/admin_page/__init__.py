"""The admin page at /admin: policy form, simulator, version history and dashboard (server-rendered)."""

from sendward.entrypoints.http.admin_page import sign_in, views  # noqa: F401  (they add their routes to bp)
from sendward.entrypoints.http.admin_page.blueprint import bp

__all__ = ["bp"]
