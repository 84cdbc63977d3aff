"""Issue 13: an override applies only to a decision made for the same draft (its keyed digest)."""

from __future__ import annotations

import pytest

from tests.builders import draft, people, score_request


def _send(client, headers, d, override_of=None):
    body = score_request(d)
    if override_of:
        body["override"] = {"decision_id": override_of, "justification": "Agreed with the team lead today"}
    return client.post("/api/v1/score", json=body, headers=headers).get_json()


@pytest.fixture
def alice(auth):
    return auth(user="alice@northshire.gov.uk")


def test_an_override_of_a_decision_for_the_same_draft_is_accepted(client, alice):
    warned = _send(client, alice, draft(to=people(12)))
    assert warned["action"] == "warn"
    again = _send(client, alice, draft(to=people(12)), override_of=warned["decision_id"])
    assert again["override"] == {"accepted": True, "reason": None}
    assert again["action"] == "allow"


def test_an_override_naming_another_draft_of_the_same_user_is_refused(client, alice):
    first = _send(client, alice, draft(to=people(12), subject="Monday's visits"))
    other = draft(to=people(12), subject="Tuesday's visits")
    replayed = _send(client, alice, other, override_of=first["decision_id"])
    assert replayed["override"]["accepted"] is False
    assert "different e-mail" in replayed["override"]["reason"]
    assert replayed["action"] == "warn"


def test_an_override_naming_a_draft_with_other_recipients_is_refused(client, alice):
    first = _send(client, alice, draft(to=people(12)))
    replayed = _send(client, alice, draft(to=people(40)), override_of=first["decision_id"])
    assert replayed["override"]["accepted"] is False


def test_an_override_of_another_users_decision_for_the_same_draft_is_refused(client, auth, alice):
    bobs = _send(client, auth(user="bob@northshire.gov.uk"), draft(to=people(12)))
    replayed = _send(client, alice, draft(to=people(12)), override_of=bobs["decision_id"])
    assert replayed["override"]["accepted"] is False
    assert "someone else" in replayed["override"]["reason"]


def test_the_stored_digest_is_keyed_not_the_cache_digest(client, alice, container):
    from types import SimpleNamespace

    from sendward.services.scoring import draft_digest

    d = draft(to=people(12))
    decided = _send(client, alice, d)
    user, stored = container.storage.decision_binding("tenant-a", decided["decision_id"])
    assert stored and len(stored) == 64
    caller = SimpleNamespace(user_id="alice@northshire.gov.uk")
    assert stored != draft_digest(caller, d), "a plain digest of the draft is never stored"
