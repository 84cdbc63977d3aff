"""Fixtures for the Graph adapters: a fake Graph on loopback HTTPS that accepts only the tokens it issued
for this test (one per tenant), the adapters."""

from __future__ import annotations

import pytest

from sendward.adapters.cache.key_value import MemoryKeyValueCache
from sendward.adapters.graph.errors import GraphAuthError
from sendward.adapters.graph.factory import build_graph_adapters
from sendward.kernel import Caller
from sendward.config import Settings
from tests.fakes.graph import FakeGraph

GRAPH_TOKEN = "graph-token-for-tests"
SENDER = "ils@northshire.gov.uk"


class FakeGraphTokens:
    """services.ports.GraphTokens: with ``issue`` (e.g. ``FakeGraph.issue_token``) one token per tenant
    made for this test, else one fixed token; remembers whom it was asked for."""

    def __init__(self, token: str = GRAPH_TOKEN, fail: bool = False, issue=None):
        self.token = token
        self.fail = fail
        self.issue = issue
        self.asked_for: list[str] = []
        self.issued: dict[str, str] = {}  # tenant -> its token

    def graph_token(self, caller) -> str:
        self.asked_for.append(caller.tenant_id)
        if self.fail:
            raise GraphAuthError("on-behalf-of refused")
        if self.issue is None:
            return self.token
        if caller.tenant_id not in self.issued:
            self.issued[caller.tenant_id] = self.issue(caller.tenant_id)
        return self.issued[caller.tenant_id]


@pytest.fixture
def graph(test_ca):
    with FakeGraph(test_ca, token=None) as fake:  # only tokens it issues (graph_tokens asks for them)
        fake.verified_domains = ["northshire.gov.uk"]
        yield fake


@pytest.fixture
def graph_settings(graph, test_ca, data_dir) -> Settings:
    return Settings(data_dir=data_dir, graph_base_url=graph.url, ca_bundle=str(test_ca.bundle))


@pytest.fixture
def graph_tokens(graph) -> FakeGraphTokens:
    return FakeGraphTokens(issue=graph.issue_token)


@pytest.fixture
def kv_cache() -> MemoryKeyValueCache:
    return MemoryKeyValueCache()


@pytest.fixture
def make_adapters(graph_tokens, kv_cache):
    """make_adapters(settings, tokens=None, telemetry=None) -> GraphAdapters, closed after the test."""
    built = []

    def make(settings, tokens=None, telemetry=None):
        extra = {"telemetry": telemetry} if telemetry is not None else {}
        adapters = build_graph_adapters(settings, tokens or graph_tokens, kv_cache, **extra)
        built.append(adapters)
        return adapters

    yield make
    for adapters in built:
        adapters.close()


@pytest.fixture
def adapters(make_adapters, graph_settings):
    return make_adapters(graph_settings)


@pytest.fixture
def caller() -> Caller:
    return Caller(
        tenant_id="tenant-a", user_id="user-1", name="alice@northshire.gov.uk",
        scopes=frozenset({"access_as_user"}), roles=frozenset(), assertion="caller-api-token",
    )
