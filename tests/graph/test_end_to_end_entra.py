"""The whole Microsoft 365 path on loopback: an Entra ID token from the add-in, msal's on-behalf-of
exchange at the fake Entra ID, msgraph-sdk reading the draft's attachments from the fake Graph
with the exchanged token, and the verdict the inline path gives for the same files."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from sendward.bootstrap import bootstrap
from sendward.config import Settings
from sendward.entrypoints.http.app import create_app
from tests.fakes.graph import FakeAttachment, FakeGraph
from tests.fakes.identity_provider import JWT_BEARER, TENANT
from tests.graph.test_score_api_with_graph import DOCX, XLSX, files, request_body, summary


@pytest.fixture
def graph_checking_entra_tokens(test_ca, identity_provider):
    def issued_by_entra_for_graph(token: str):
        graph_origin = "https://" + urlsplit(graph.url).netloc  # the audience msal asked for: {origin}/.default
        return identity_provider.graph_token_check(graph_origin)(token)

    with FakeGraph(test_ca, token=issued_by_entra_for_graph) as graph:
        graph.verified_domains = ["northshire.gov.uk"]
        graph.add_message("AAMkADraft=", [
            FakeAttachment(attachment_id, name, kind=kind, content=data,
                           content_type=XLSX if name.endswith("xlsx") else DOCX)
            for attachment_id, name, kind, data in files()
        ])
        yield graph


@pytest.fixture
def entra_client(identity_provider, graph_checking_entra_tokens, tmp_path, scanner):
    settings = identity_provider.settings(
        Settings(data_dir=tmp_path / "data", time_budget_ms=60_000),
        graph_base_url=graph_checking_entra_tokens.url,
    )
    container = bootstrap(settings, scanner=scanner)
    app = create_app(container=container)
    app.config["TESTING"] = True
    yield app.test_client()
    container.graph.close()


def test_an_item_id_with_an_entra_token_gives_the_inline_verdict(
    identity_provider, graph_checking_entra_tokens, entra_client
):
    graph = graph_checking_entra_tokens
    headers = {"Authorization": f"Bearer {identity_provider.issue_user_token(user='ils@northshire.gov.uk')}"}

    inline = entra_client.post("/api/v1/score", json=request_body(with_graph=False), headers=headers)
    through_graph = entra_client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers)

    assert inline.status_code == through_graph.status_code == 200, through_graph.text
    assert summary(through_graph.get_json()) == summary(inline.get_json())
    assert through_graph.get_json()["action"] == "block"
    assert "not_checked" not in through_graph.get_json()
    assert graph.count("attachment_value") == 3
    assert graph.requests and all(seen.authorised for seen in graph.requests)
    assert {seen.tenant for seen in graph.requests} == {TENANT}  # Entra ID's token for the caller's tenant
    assert identity_provider.token_requests  # the Graph token came from on-behalf-of at Entra ID


def test_consent_missing_at_entra_follows_the_fail_mode(
    identity_provider, graph_checking_entra_tokens, entra_client, caplog
):
    identity_provider.consent_missing.add(TENANT)  # on-behalf-of answers AADSTS65001 for this tenant
    headers = {"Authorization": f"Bearer {identity_provider.issue_user_token(user='ils@northshire.gov.uk')}"}
    response = entra_client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers)
    verdict = response.get_json()
    assert response.status_code == 200
    unscannable = [f for f in verdict["findings"] if f["rule"] == "attachment.unscannable"]
    assert unscannable and all(f["evidence"]["infrastructure_failure"] for f in unscannable)
    assert verdict["action"] == "block"  # 157 people in To still block on their own
    assert graph_checking_entra_tokens.count("attachment_value") == 0
    # the refusal was the consent one, not any other failure of the identity provider
    assert [r["grant_type"] for r in identity_provider.token_requests] == [JWT_BEARER]
    assert "AADSTS65001: consent is missing" in caplog.text
    assert {f["evidence"]["reason"] for f in unscannable} == {"auth"}


def test_without_mail_read_consented_graph_refuses_and_the_fail_mode_decides(
    identity_provider, graph_checking_entra_tokens, entra_client
):
    identity_provider.graph_delegated_scopes = "User.Read"  # consent for the sign-in only
    headers = {"Authorization": f"Bearer {identity_provider.issue_user_token(user='ils@northshire.gov.uk')}"}
    verdict = entra_client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers).get_json()
    unscannable = [f for f in verdict["findings"] if f["rule"] == "attachment.unscannable"]
    assert unscannable and all(f["evidence"]["reason"] == "forbidden" for f in unscannable)
    assert verdict["action"] != "allow"
    assert graph_checking_entra_tokens.count("attachment_value") == 0
    assert graph_checking_entra_tokens.count("organization") == 1  # User.Read is enough for the domains
