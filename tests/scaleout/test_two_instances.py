"""Two instances on one PostgreSQL and one Redis behave as one service.

A policy published on one is enforced by the other within a second; an attachment scanned on
one is a cache hit on the other; a user's rate limit holds across both.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.builders import attachment, draft, people, score_request
from tests.files import client_list_xlsx
from tests.scaleout.conftest import RATE_LIMIT_PER_USER, instances
from tests.served import metric, request, scan_cache_hits

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.served]


@pytest.fixture(scope="module")
def two(tmp_path_factory, scaleout_database, module_redis):
    redis_url, prefix = module_redis
    environment = {
        "SENDWARD_DATABASE_URL": scaleout_database,
        "SENDWARD_REDIS_URL": redis_url,
        "SENDWARD_REDIS_PREFIX": prefix,
        "SENDWARD_RATE_LIMIT_PER_USER": str(RATE_LIMIT_PER_USER),
    }
    with instances(tmp_path_factory.mktemp("scaleout"), 2, environment) as stack:
        yield stack.servers


def score(server, body, token):
    status, headers, raw = request(server.base + "/api/v1/score", body, token=token)
    return status, json.loads(raw)


def twelve_outside_people():
    return score_request(draft(to=people(12)))  # 12 webmail addresses in To: recipients.exposed warns by default


def test_a_policy_published_on_one_is_enforced_by_the_other_within_a_second(two):
    first, second = two
    admin = first.dev_token("--tenant", "tenant-publish", "--user", "admin@northshire.gov.uk", "--admin")
    sender = first.dev_token("--tenant", "tenant-publish", "--user", "clerk@northshire.gov.uk")
    status, verdict = score(second, twelve_outside_people(), sender)
    assert status == 200 and verdict["action"] == "warn"  # second now holds version 0 in the shared cache

    _, _, raw = request(first.base + "/api/v1/admin/policy", token=admin)
    document = json.loads(raw)["policy"]
    document["rules"]["recipients.exposed"]["block_at"] = 12
    status, _, raw = request(first.base + "/api/v1/admin/policy", document, token=admin, method="PUT")
    assert status == 200, raw
    published_at = time.monotonic()

    while True:
        status, verdict = score(second, twelve_outside_people(), sender)
        if verdict.get("policy_version") == 1:
            break
        assert time.monotonic() - published_at < 1.0, "the other instance still enforces the old policy"
        time.sleep(0.05)
    assert verdict["action"] == "block"
    assert time.monotonic() - published_at < 1.0


def test_an_attachment_scanned_on_one_is_a_cache_hit_on_the_other(two):
    first, second = two
    sender = first.dev_token("--tenant", "tenant-cache", "--user", "clerk@northshire.gov.uk")
    sheet = [attachment("clients.xlsx", client_list_xlsx(40))]
    hits_before = scan_cache_hits(second)

    status, on_first = score(first, score_request(draft(to=people(1), attachments=sheet)), sender)
    assert status == 200 and on_first["attachments"][0]["data_subjects"] == 40
    another_draft = score_request(draft(to=people(2), attachments=sheet))
    status, on_second = score(second, another_draft, sender)
    assert status == 200
    assert scan_cache_hits(second) == hits_before + 1
    assert on_second["attachments"] == on_first["attachments"]
    assert on_second["action"] == on_first["action"] == "block"


def test_a_send_on_one_after_its_background_check_on_the_other_reads_nothing(two):
    first, second = two
    sender = first.dev_token("--tenant", "tenant-precheck", "--user", "clerk@northshire.gov.uk")
    body = score_request(draft(to=people(1), attachments=[attachment("clients.xlsx", client_list_xlsx(25))]))
    status, checked = score(first, {**body, "purpose": "precheck"}, sender)
    assert status == 200
    hits_before = metric(second, "sendward_draft_cache_lookups_total", 'result="hit"')
    status, sent = score(second, body, sender)
    assert status == 200 and sent["attachments"] == checked["attachments"]
    assert metric(second, "sendward_draft_cache_lookups_total", 'result="hit"') == hits_before + 1


def test_a_users_rate_limit_holds_across_both(two):
    first, second = two
    sender = first.dev_token("--tenant", "tenant-rate", "--user", "busy@northshire.gov.uk")
    body = score_request(draft(to=people(2)))
    statuses = [score(server, body, sender)[0] for _ in range(RATE_LIMIT_PER_USER // 2 + 2) for server in two]
    assert statuses.count(200) == RATE_LIMIT_PER_USER
    assert statuses.count(429) == 4
    other = first.dev_token("--tenant", "tenant-rate", "--user", "quiet@northshire.gov.uk")
    assert score(second, body, other)[0] == 200


def test_both_report_ready_with_redis(two):
    for server in two:
        status, _, raw = request(server.base + "/readyz")
        assert status == 200
        assert json.loads(raw)["checks"] == {"database": "ok", "redis": "ok", "detectors": "ok"}
