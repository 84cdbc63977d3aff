"""Fixtures of the observability tests."""

from tests.logcapture import json_log  # noqa: F401  (a fixture)
