"""The services' store: the in-memory fake (fast, no database) and SQLite behind the real adapter.

Tests that take ``store`` (or ``policies``, built on it) run once on each: the fake is held to
the adapter's semantics by the same assertions.
"""

from __future__ import annotations

import pytest

from sendward.services.policies import PolicyService
from tests.fakes.storage import FakeStorage


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield FakeStorage()
        return
    from sendward.adapters.storage import schema
    from sendward.adapters.storage.repository import Storage
    from sendward.adapters.storage.tables import metadata

    engine = schema.make_engine(f"sqlite:///{tmp_path / 'services.db'}")
    metadata.create_all(engine)
    yield Storage(engine)
    engine.dispose()


@pytest.fixture
def policies(store):
    return PolicyService(store)
