"""Fixtures of the audit tests."""

from tests.logcapture import json_log  # noqa: F401  (a fixture)
