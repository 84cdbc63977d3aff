"""Hostile requests: each gets a clear 4xx, or a verdict within the time budget, never a 500."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from sendward.adapters.identity.dev import DEV_AUDIENCE, dev_issuer
from tests import files


def score(client, body, headers, raw=False):
    data = body if raw else json.dumps(body)
    return client.post("/api/v1/score", data=data, content_type="application/json", headers=headers)


def test_100000_recipients_get_a_verdict_within_the_budget(client, auth, container):
    to = [{"address": f"client{i}@{('gmail.com', 'hotmail.co.uk', 'yahoo.co.uk')[i % 3]}"} for i in range(100_000)]
    started = time.monotonic()
    response = score(client, {"from": {"address": "ils@northshire.gov.uk"}, "to": to}, auth())
    wall = time.monotonic() - started
    assert response.status_code == 200
    verdict = response.get_json()
    assert verdict["action"] == "block"
    assert verdict["recipients"]["visible_external"] == 100_000
    assert verdict["elapsed_ms"] <= container.settings.time_budget_ms
    assert wall < 15  # parsing 6 MB of JSON included, on a loaded 2-core machine


def test_more_recipients_than_a_field_allows(client, auth):
    response = score(client, {"to": [{"address": "a@b.org"}] * 100_001}, auth())
    assert response.status_code == 400
    assert response.get_json()["fields"][0]["field"] == "to"


def test_a_10_mb_subject(client, auth):
    response = score(client, {"to": [], "subject": "x" * 10_000_000}, auth())
    assert response.status_code in (400, 413)
    assert response.get_json()["error"] in ("invalid_draft", "too_large")


def test_oversized_json(client, auth, container):
    body = b'{"to": [], "body": {"content": "' + b"x" * (container.settings.max_request_bytes + 10) + b'"}}'
    response = score(client, body, auth(), raw=True)
    assert response.status_code == 413


@pytest.mark.parametrize("raw", [b'{"to": [], "subject": "\xff\xfe"}', b"\xef\xbb\xbf\xff{}", b'{"to": [{"address": "\xc3\x28"}]}'])
def test_invalid_utf8(client, auth, raw):
    response = score(client, raw, auth(), raw=True)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"


def test_lone_surrogates_are_refused_by_field(client, auth):
    body = '{"to": [{"address": "a\\ud800@gmail.com"}], "subject": "\\udfff"}'
    response = score(client, body, auth(), raw=True)
    assert response.status_code == 400
    assert {f["field"] for f in response.get_json()["fields"]} == {"to.0.address", "subject"}
    assert "ud800" not in response.get_data(as_text=True).lower()


def test_control_characters_are_scored(client, auth):
    body = '{"to": [{"address": "a@gmail.com", "name": "\\u0000\\u001f"}], "subject": "\\u0007 bell"}'
    assert score(client, body, auth(), raw=True).status_code == 200


def test_a_zip_bomb_attachment_is_unscannable_within_the_budget(client, auth, container):
    bomb = files.zip_bomb(300 * 1024 * 1024)
    body = {"to": [{"address": "a@gmail.com"}], "attachments": [{"name": "bomb.zip", "content_base64": base64.b64encode(bomb).decode()}]}
    started = time.monotonic()
    verdict = score(client, body, auth()).get_json()
    assert time.monotonic() - started < container.settings.time_budget_ms / 1000
    finding = next(f for f in verdict["findings"] if f["rule"] == "attachment.unscannable")
    assert finding["evidence"]["reason"] in ("zip_bomb", "too_large")


def test_billion_laughs_attachment(client, auth):
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'
    archive = files.with_parts(files.docx(paragraphs=["x"]), {"word/document.xml": laughs})
    body = {"to": [{"address": "a@gmail.com"}], "attachments": [{"name": "x.docx", "content_base64": base64.b64encode(archive).decode()}]}
    verdict = score(client, body, auth()).get_json()
    assert any(f["rule"] == "attachment.unscannable" for f in verdict["findings"])


def test_deeply_nested_archives(client, auth):
    data = b"Sarah Jones 020 7946 0123"
    for depth in range(12):
        data = files.zip_of({f"level{depth}.zip" if depth else "note.txt": data})
    body = {"to": [{"address": "a@gmail.com"}], "attachments": [{"name": "deep.zip", "content_base64": base64.b64encode(data).decode()}]}
    verdict = score(client, body, auth()).get_json()
    finding = next(f for f in verdict["findings"] if f["rule"] == "attachment.unscannable")
    assert finding["evidence"]["reason"] == "too_deep"


# -- token attacks, over HTTP -------------------------------------------------------


def _claims(tenant="tenant-a", **overrides):
    now = int(time.time())
    claims = {"iss": dev_issuer(tenant), "aud": DEV_AUDIENCE, "tid": tenant, "oid": "u", "scp": "access_as_user",
              "iat": now, "nbf": now, "exp": now + 600}
    claims.update(overrides)
    return claims


def _segments(header, claims):
    return [base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=") for part in (header, claims)]


def _attack_tokens(identity):
    none_token = b".".join(_segments({"alg": "none", "kid": identity.kid}, _claims())).decode() + "."
    public = identity.private_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = b".".join(_segments({"alg": "HS256", "kid": identity.kid}, _claims()))
    mac = base64.urlsafe_b64encode(hmac.new(public, signing_input, hashlib.sha256).digest()).rstrip(b"=")

    def sign(claims, **headers):
        return jwt.encode(claims, identity.private_key, algorithm="RS256", headers={"kid": identity.kid, **headers})

    return {
        "alg none": none_token,
        "HS256 with the public key": (signing_input + b"." + mac).decode(),
        "wrong kid": sign(_claims(), kid="another-key"),
        "expired": sign(_claims(exp=int(time.time()) - 3600)),
        "another tenant's issuer": sign(_claims(iss=dev_issuer("tenant-b"))),
        "no scope": sign(_claims(scp="")),
    }


@pytest.mark.parametrize(
    "attack", ["alg none", "HS256 with the public key", "wrong kid", "expired", "another tenant's issuer", "no scope"]
)
def test_token_attacks_get_401(client, container, attack):
    token = _attack_tokens(container.dev_identity)[attack]
    response = score(client, {"to": []}, {"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"


def test_a_tenant_admin_cannot_reach_another_tenant(client, auth):
    client.put("/api/v1/admin/policy", json={"internal_domains": ["a.example"]}, headers=auth(tenant="tenant-a", admin=True))
    seen = client.get("/api/v1/admin/policy", headers=auth(tenant="tenant-b", admin=True)).get_json()
    assert "a.example" not in json.dumps(seen)


# -- issue 14: hostile justifications and the largest policy ---------------------------------------

HOSTILE_JUSTIFICATIONS = [
    ("Agreed with Siobhán Ní Bhriain, write to siobhan dot nibhriain at gmail dot com", ("Siobhán", "Bhriain", "gmail")),
    ("Client José García, born on the third of March nineteen eighty-five", ("García", "March", "eighty")),
    ("Deliver to 14 Harbour Road, his DOB is 3rd March 1985", ("Harbour Road", "1985")),
    ("Seán Ó Súilleabháin (sean [at] example [dot] org) approved " + "x" * 2000, ("Súilleabháin", "example")),
]


@pytest.mark.parametrize("justification, gone", HOSTILE_JUSTIFICATIONS)
def test_hostile_justifications_are_stored_without_identifiers(client, auth, container, justification, gone):
    import sqlalchemy as sa

    client.put("/api/v1/admin/policy", json={"overrides": {"allow_block_override": True}}, headers=auth(admin=True))
    draft = {"from": {"address": "ils@northshire.gov.uk"}, "to": [{"address": f"c{i}@gmail.com"} for i in range(30)]}
    first = score(client, draft, auth()).get_json()
    assert first["action"] in ("warn", "block")
    override = {**draft, "override": {"decision_id": first["decision_id"], "justification": justification[:500]}}
    assert score(client, override, auth()).get_json()["override"]["accepted"] is True
    with container.storage.engine.connect() as connection:
        (kept,) = connection.execute(sa.text("SELECT justification FROM decisions WHERE justification IS NOT NULL")).one()
    assert len(kept) <= 500
    assert not [word for word in gone if word in kept], kept


def test_the_largest_policy_allowed_scores_a_large_draft_within_the_budget(client, auth, container):
    from tests.domain.test_policy_limits import largest_policy

    saved = client.put("/api/v1/admin/policy", json=largest_policy(), headers=auth(admin=True))
    assert saved.status_code == 200, saved.get_json()
    to = [{"address": f"p{i}@org{i}.example{i % 50}.com"} for i in range(20_000)]
    verdict = score(client, {"from": {"address": "ils@council1.gov.uk"}, "to": to, "subject": "update",
                             "body": {"content": "word " * 2400}}, auth()).get_json()
    assert verdict["action"] == "block"
    assert verdict["elapsed_ms"] <= container.settings.time_budget_ms + 1000  # the stages after the deadline
