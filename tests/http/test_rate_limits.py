"""POST /api/v1/score answers 429 with Retry-After once a user's (or a tenant's) minute is used up."""

import pytest

from sendward.domain.records import DecisionFilter
from tests.builders import draft, people, score_request


@pytest.fixture
def settings(settings):
    return settings.with_changes(rate_limit_per_user=3, rate_limit_per_tenant=5)


def post(client, headers):
    return client.post("/api/v1/score", json=score_request(draft(to=people(2))), headers=headers)


def test_a_user_over_the_limit_gets_429_with_when_to_retry(client, auth):
    alice = auth(user="alice@northshire.gov.uk")
    assert [post(client, alice).status_code for _ in range(3)] == [200, 200, 200]
    refused = post(client, alice)
    assert refused.status_code == 429
    assert refused.json["error"] == "rate_limited"
    assert "3 checks a minute" in refused.json["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json["retry_after_seconds"] == int(refused.headers["Retry-After"])
    assert post(client, auth(user="bob@northshire.gov.uk")).status_code == 200


def test_a_tenant_over_its_limit_gets_429_for_every_user(client, auth):
    answers = [post(client, auth(user=f"user{i}@northshire.gov.uk")).status_code for i in range(6)]
    assert answers == [200] * 5 + [429]
    assert post(client, auth(tenant="tenant-b", user="user0@northshire.gov.uk")).status_code == 200


def test_refusals_are_counted_in_the_metrics(client, auth, container):
    alice = auth()
    for _ in range(5):
        post(client, alice)
    assert container.metrics.rate_limited_requests.labels("user")._value.get() == 2


def test_a_refused_request_is_not_recorded(client, auth, container):
    alice = auth()
    for _ in range(5):
        post(client, alice)
    container.decisions.outbox.flush()
    _, total = container.storage.decisions_page("tenant-a", DecisionFilter(), offset=0, limit=10)
    assert total == 3


def test_background_checks_never_use_up_the_send(client, auth):
    alice = auth(user="alice@northshire.gov.uk")
    precheck = {**score_request(draft(to=people(2))), "purpose": "precheck"}
    answers = [client.post("/api/v1/score", json=precheck, headers=alice).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert post(client, alice).status_code == 200
