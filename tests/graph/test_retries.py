"""Retries within the time budget: 429 with Retry-After, 5xx, connection resets, timeouts; what is never retried."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate

import pytest

from sendward.adapters.graph.errors import GraphAuthError, GraphRefused, GraphUnavailable
from sendward.adapters.graph import retry
from sendward.adapters.graph.retry import Backoff, parse_retry_after
from sendward.kernel import Deadline
from sendward.domain.draft import Address, Attachment, Draft
from tests.fakes.graph import FakeAttachment
from tests.graph.conftest import SENDER, FakeGraphTokens


def domains(adapters, caller, seconds=4.0):
    return adapters.tenant_domains.verified_domains(caller, Deadline(seconds))


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The waits between tries, recorded instead of slept: the tests assert the logic, not the clock."""
    waited: list[float] = []

    async def recorded(seconds: float) -> None:
        waited.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setitem(retry.with_retries.__kwdefaults__, "sleep", recorded)
    return waited


def test_a_429_is_retried_after_its_retry_after(graph, adapters, caller, waits):
    graph.throttle("organization", times=1, retry_after=1)
    assert domains(adapters, caller) == ["northshire.gov.uk"]
    assert graph.count("organization") == 2
    assert waits == [1.0]
    assert all(seen.select == ("id", "verifiedDomains") for seen in graph.requests)  # each try asks the same


def test_a_retry_after_longer_than_the_time_left_fails_at_once(graph, adapters, caller, waits):
    graph.throttle("organization", times=1, retry_after=30)
    with pytest.raises(GraphUnavailable, match="longer than the time left"):
        domains(adapters, caller, seconds=3)
    assert waits == []  # no wait at all: the tenant's fail mode decides now
    assert graph.count("organization") == 1


def test_a_429_on_one_attachment_is_retried_and_the_others_are_not_held_up(graph, adapters, caller, waits):
    graph.add_message("draft-1", [FakeAttachment("a", "a.txt", content=b"A"), FakeAttachment("b", "b.txt", content=b"B")])
    graph.throttle("attachment_value", times=1, retry_after=1)
    d = Draft(sender=Address(SENDER), attachments=(Attachment("a.txt", id="a"), Attachment("b.txt", id="b")),
              item_id="draft-1")
    fetched = adapters.attachments.fetch(d, caller, Deadline(4))
    assert [a.content for a in fetched] == [b"A", b"B"]
    assert graph.count("attachment_value") == 3
    assert waits == [1.0]  # only the throttled one waited


def test_a_503_is_retried_after_a_short_back_off(graph, adapters, caller, waits):
    graph.add_message("draft-1", [FakeAttachment("a", "a.txt", content=b"A")])
    graph.fail("list_attachments", times=1, status=503)
    d = Draft(sender=Address(SENDER), attachments=(Attachment("a.txt", id="a"),), item_id="draft-1")
    (fetched,) = adapters.attachments.fetch(d, caller, Deadline(4))
    assert fetched.content == b"A"
    assert graph.count("list_attachments") == 2
    assert waits == [Backoff().delay(1)]


def test_a_reset_connection_is_retried(graph, adapters, caller):
    graph.reset("mail_tips", times=1)
    graph.add_group("all-staff@northshire.gov.uk", total=40)
    d = Draft(sender=Address(SENDER), to=(Address("all-staff@northshire.gov.uk"),))
    sizes = adapters.group_sizes.sizes(d, caller, Deadline(4))
    assert sizes["all-staff@northshire.gov.uk"].total == 40
    assert graph.count("mail_tips") == 2


def test_server_errors_are_retried_a_bounded_number_of_times(graph, adapters, caller, waits):
    graph.fail("organization", times=100, status=500)
    with pytest.raises(GraphUnavailable, match="kept failing"):
        domains(adapters, caller)
    assert graph.count("organization") == Backoff().max_attempts
    assert waits == [Backoff().delay(n) for n in range(1, Backoff().max_attempts)]  # growing back-off


def test_a_slow_graph_is_given_up_on_when_the_budget_is_spent(graph, adapters, caller):
    graph.slow("organization", 10)
    deadline = Deadline(0.8)
    started = time.monotonic()
    with pytest.raises(GraphUnavailable) as raised:
        adapters.tenant_domains.verified_domains(caller, deadline)
    assert raised.value.code == "time_budget"
    assert deadline.expired
    assert time.monotonic() - started < 5.0  # loose on purpose: the answer would take 10 s
    assert graph.count("organization") == 1


def test_a_refused_token_is_not_retried(graph, make_adapters, graph_settings, caller):
    adapters = make_adapters(graph_settings, tokens=FakeGraphTokens(token="not-the-right-one"))
    with pytest.raises(GraphAuthError):
        domains(adapters, caller)
    assert [seen.authorised for seen in graph.requests] == [False]


def test_no_token_means_no_request(graph, make_adapters, graph_settings, caller):
    adapters = make_adapters(graph_settings, tokens=FakeGraphTokens(fail=True))
    with pytest.raises(GraphAuthError):
        domains(adapters, caller)
    assert graph.requests == []


def test_a_missing_permission_is_not_retried(graph, adapters, caller):
    graph.fail("organization", times=5, status=403)
    with pytest.raises(GraphRefused) as raised:
        domains(adapters, caller)
    assert (raised.value.status, raised.value.code) == (403, "forbidden")
    assert graph.count("organization") == 1


def test_retry_after_may_be_seconds_or_a_date():
    now = time.time()
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_back_off_grows_and_stays_short():
    backoff = Backoff()
    assert [backoff.delay(n) for n in range(1, 6)] == [0.1, 0.2, 0.4, 0.8, 1.0]


class GraphErrors:
    """Telemetry that remembers the Graph error kinds it was told about."""

    def __init__(self):
        self.kinds = []

    def graph_error(self, kind):
        self.kinds.append(kind)


def test_every_failed_call_is_reported_by_kind(graph, make_adapters, graph_settings, caller):
    errors = GraphErrors()
    adapters = make_adapters(graph_settings, telemetry=errors)
    graph.throttle("organization", times=1, retry_after=0)
    graph.fail("organization", times=1, status=503)
    assert domains(adapters, caller) == ["northshire.gov.uk"]
    assert sorted(errors.kinds) == ["server", "throttled"]


def test_a_refused_graph_token_is_reported_as_auth(graph, make_adapters, graph_settings, caller):
    errors = GraphErrors()
    adapters = make_adapters(graph_settings, tokens=FakeGraphTokens(fail=True), telemetry=errors)
    with pytest.raises(GraphAuthError):
        domains(adapters, caller)
    assert errors.kinds == ["auth"]
