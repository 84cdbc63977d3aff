"""POST /api/v1/score with an item id: attachments read through Graph give the verdict inline bytes give."""

from __future__ import annotations

import base64
import time

import pytest

from sendward.bootstrap import bootstrap
from sendward.entrypoints.http.app import create_app
from tests.builders import people
from tests.fakes.graph import FakeAttachment
from tests.files import client_list_xlsx, csv_text, docx, eml
from tests.graph.conftest import SENDER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def make_client(scanner, graph_tokens):
    """make_client(settings) -> a Flask test client on an app wired with the Graph adapters."""
    containers = []

    def make(settings):
        container = bootstrap(settings, scanner=scanner, graph_tokens=graph_tokens)
        containers.append(container)
        app = create_app(container=container)
        app.config["TESTING"] = True
        return app.test_client(), container

    yield make
    for container in containers:
        container.graph.close()


def files() -> list[tuple[str, str, str, bytes]]:
    """(id, name, kind, bytes): a client list, a letter, and a forwarded e-mail carrying a CSV."""
    rows = [["Name", "Phone"]] + [[f"Grace Campbell {i}", f"07700 900{i:03d}"] for i in range(25)]
    return [
        ("AAMk-att-1", "clients.xlsx", "file", client_list_xlsx(163)),
        ("AAMk-att-2", "letter.docx", "file", docx(["Dear Ms Okafor, your case ILS/ABC/00042 is closed."])),
        ("AAMk-att-3", "Fwd: referrals", "item", eml(attachments=[("referrals.csv", csv_text(rows))])),
    ]


def request_body(with_graph: bool) -> dict:
    attachments = []
    for attachment_id, name, kind, data in files():
        if with_graph:
            attachments.append({"id": attachment_id, "name": name, "kind": kind, "size": len(data)})
        else:
            content_type = "message/rfc822" if kind == "item" else XLSX if name.endswith("xlsx") else DOCX
            attachments.append({"name": name, "content_type": content_type,
                                "content_base64": base64.b64encode(data).decode()})
    body = {
        "from": {"address": SENDER, "name": "ILS team"},
        "to": [{"address": a.address, "name": a.name} for a in people(157)],
        "subject": "Client list", "body": {"type": "text", "content": "Please see attached."},
        "attachments": attachments,
    }
    if with_graph:
        body["item_id"] = "AAMkADraft="
    return body


def summary(verdict: dict) -> dict:
    return {
        "action": verdict["action"],
        "rules": sorted((f["rule"], f["action"]) for f in verdict["findings"]),
        "recipients": verdict["recipients"],
        "attachments": [
            (a["name"], a["scanned"], a["data_subjects"], a["entities"], a["hidden_content"], a["error"])
            for a in verdict["attachments"]
        ],
    }


def budgets_given(container) -> list:
    """The budget_ms each score request hands the scorer, recorded as they happen."""
    budgets, real = [], container.scorer.score

    def recorded(*args, **kwargs):
        budgets.append(kwargs.get("budget_ms"))
        return real(*args, **kwargs)

    container.scorer.score = recorded
    return budgets

def test_the_graph_path_gives_the_verdict_of_the_inline_path(graph, graph_settings, make_client, graph_tokens):
    graph.add_message("AAMkADraft=", [
        FakeAttachment(attachment_id, name, kind=kind, content=data,
                       content_type=XLSX if name.endswith("xlsx") else DOCX)
        for attachment_id, name, kind, data in files()
    ])
    client, container = make_client(graph_settings.with_changes(time_budget_ms=60_000))
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}

    inline = client.post("/api/v1/score", json=request_body(with_graph=False), headers=headers)
    assert graph.requests == [] or {s.route for s in graph.requests} <= {"mail_tips", "organization"}
    through_graph = client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers)

    assert inline.status_code == through_graph.status_code == 200
    assert summary(through_graph.get_json()) == summary(inline.get_json())
    assert through_graph.get_json()["action"] == "block"
    assert graph.count("attachment_value") == 3
    assert all(seen.authorised for seen in graph.requests)
    assert set(graph_tokens.asked_for) == {"tenant-a"}


def test_the_request_answers_within_the_budget_when_graph_hangs(graph, graph_settings, make_client):
    for route in ("list_attachments", "mail_tips", "organization"):
        graph.slow(route, 30)
    client, container = make_client(graph_settings.with_changes(fail_mode="closed"))  # default 4 s budget
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    started = time.monotonic()
    response = client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers)
    elapsed = time.monotonic() - started
    verdict = response.get_json()
    assert response.status_code == 200
    assert elapsed < 15, f"answered after {elapsed:.2f} s, the fake answers after 30 s"  # loose on purpose
    assert verdict["action"] == "block"
    assert verdict["not_checked"] == ["verified_domains", "distribution_lists"]
    reasons = {f["evidence"]["reason"] for f in verdict["findings"] if f["rule"] == "attachment.unscannable"}
    assert reasons == {"time_budget"}
    assert [a["scanned"] for a in verdict["attachments"]] == [False, False, False]


def test_a_link_url_that_is_not_https_is_a_clear_400(graph_settings, make_client):
    client, container = make_client(graph_settings)
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    body = {"to": [{"address": "a@gmail.com"}], "item_id": "x",
            "attachments": [{"name": "plan", "kind": "reference", "url": "javascript:alert(1)"}]}
    response = client.post("/api/v1/score", json=body, headers=headers)
    assert response.status_code == 400
    assert "url" in response.get_json()["message"]


def test_scan_linked_files_is_validated_in_the_policy(graph_settings, make_client):
    client, container = make_client(graph_settings)
    admin = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'admin@x.gov.uk', admin=True)}"}
    policy = client.get("/api/v1/admin/policy", headers=admin).get_json()
    policy = policy.get("policy", policy)
    assert policy["scan_linked_files"] is False
    response = client.put("/api/v1/admin/policy", json={**policy, "scan_linked_files": "sometimes"}, headers=admin)
    assert response.status_code == 422
    assert {f["field"] for f in response.get_json()["fields"]} == {"scan_linked_files"}


def test_the_clients_budget_bounds_the_answer_when_graph_hangs(graph, graph_settings, make_client):
    graph.add_message("AAMkADraft=", [FakeAttachment("AAMk-att-1", "clients.xlsx", content=client_list_xlsx(10))])
    graph.slow("attachment_value", 30)
    client, container = make_client(graph_settings.with_changes(fail_mode="closed"))  # default 4 s budget
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    body = {
        "from": {"address": SENDER}, "to": [{"address": "a@gmail.com"}], "item_id": "AAMkADraft=",
        "attachments": [{"id": "AAMk-att-1", "name": "clients.xlsx"}], "budget_ms": 1200,
    }
    budgets = budgets_given(container)
    started = time.monotonic()
    response = client.post("/api/v1/score", json=body, headers=headers)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert budgets == [1200], "the scorer got the client's budget, not the configured 4 s"
    assert elapsed < 15, f"answered after {elapsed:.2f} s, the fake answers after 30 s"  # loose on purpose
    verdict = response.get_json()
    assert verdict["action"] == "block"
    (unscannable,) = [f for f in verdict["findings"] if f["rule"] == "attachment.unscannable"]
    assert (unscannable["action"], unscannable["evidence"]["reason"]) == ("block", "time_budget")


def test_a_precheck_may_wait_for_a_slow_attachment_that_a_send_may_not(graph, graph_settings, make_client):
    graph.add_message("AAMkADraft=", [FakeAttachment("AAMk-att-1", "clients.xlsx", content=client_list_xlsx(10))])
    graph.slow("attachment_value", 1.5)
    client, container = make_client(graph_settings.with_changes(time_budget_ms=1000))  # precheck: 30 s
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    body = {
        "from": {"address": SENDER}, "to": [{"address": "a@gmail.com"}], "item_id": "AAMkADraft=",
        "attachments": [{"id": "AAMk-att-1", "name": "clients.xlsx"}], "budget_ms": 6000,
    }
    budgets = budgets_given(container)
    unchecked = client.post("/api/v1/score", json={**body, "purpose": "send"}, headers=headers).get_json()
    # a Send keeps to SENDWARD_TIME_BUDGET_MS (1 s): it gave up on the 1.5 s download
    assert unchecked["attachments"][0]["scanned"] is False
    (unscannable,) = [f for f in unchecked["findings"] if f["rule"] == "attachment.unscannable"]
    assert unscannable["evidence"]["reason"] == "time_budget"

    precheck = client.post("/api/v1/score", json={**body, "purpose": "precheck"}, headers=headers).get_json()
    assert precheck["attachments"][0]["scanned"] is True
    assert precheck["attachments"][0]["data_subjects"] == 10
    assert budgets == [1000, 6000]  # Send: capped at the configured budget; precheck: the client's


def test_a_send_after_its_background_check_reads_nothing_again(graph, graph_settings, make_client):
    graph.add_message("AAMkADraft=", [FakeAttachment("AAMk-att-1", "clients.xlsx", content=client_list_xlsx(10))])
    graph.slow("attachment_value", 1.5)
    client, container = make_client(graph_settings.with_changes(time_budget_ms=1000))
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    body = {
        "from": {"address": SENDER}, "to": [{"address": "a@gmail.com"}], "item_id": "AAMkADraft=",
        "attachments": [{"id": "AAMk-att-1", "name": "clients.xlsx"}], "budget_ms": 6000,
    }
    precheck = client.post("/api/v1/score", json={**body, "purpose": "precheck"}, headers=headers).get_json()
    downloads = graph.count("attachment_value")
    send = client.post("/api/v1/score", json={**body, "purpose": "send"}, headers=headers).get_json()
    assert graph.count("attachment_value") == downloads  # nothing fetched again, so nothing waited for
    assert send["attachments"] == precheck["attachments"]
    assert send["action"] == precheck["action"] == "block"
    assert send["decision_id"] != precheck["decision_id"]

    other_recipient = {**body, "to": [{"address": "b@gmail.com"}], "purpose": "send"}
    changed = client.post("/api/v1/score", json=other_recipient, headers=headers).get_json()
    assert changed["attachments"][0]["scanned"] is False  # another draft: gathered again, within 1 s


def test_a_short_client_budget_still_leaves_time_to_fetch(graph, graph_settings, make_client):
    """The lookup share and the scan reserve are parts of this request's budget, not of the configured one:
    with 2.5 s of a 10 s setting, a 0.8 s download is still fetched and read. Were the shares taken from the
    setting, the scan reserve alone (2 s) would leave the download 0.5 s and the file would go unread; as
    parts of this request's 2.5 s, the download has 2 s, with room for a busy machine."""
    graph.add_message("AAMkADraft=", [FakeAttachment("AAMk-att-1", "clients.xlsx", content=client_list_xlsx(10))])
    graph.slow("attachment_value", 0.8)
    client, container = make_client(graph_settings.with_changes(time_budget_ms=10_000))
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    body = {
        "from": {"address": SENDER}, "to": [{"address": "a@gmail.com"}], "item_id": "AAMkADraft=",
        "attachments": [{"id": "AAMk-att-1", "name": "clients.xlsx"}], "budget_ms": 2500,
    }
    verdict = client.post("/api/v1/score", json=body, headers=headers).get_json()
    assert verdict["attachments"][0]["scanned"] is True
    assert verdict["attachments"][0]["data_subjects"] == 10


def test_a_draft_graph_cannot_find_yet_is_a_409_then_inline_bytes_give_the_verdict(graph, graph_settings, make_client):
    """Classic Outlook's cached mode: saveAsync saved locally, Graph answers 404 for a while (issue 13)."""
    graph.add_unsynced_message("AAMkADraft=", [
        FakeAttachment(attachment_id, name, kind=kind, content=data,
                       content_type=XLSX if name.endswith("xlsx") else DOCX)
        for attachment_id, name, kind, data in files()
    ], lookups=1)
    client, container = make_client(graph_settings.with_changes(time_budget_ms=60_000))
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}

    not_yet = client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers)
    assert not_yet.status_code == 409
    assert not_yet.get_json()["error"] == "draft_not_synced"
    with container.storage.engine.connect() as connection:
        import sqlalchemy as sa

        assert connection.execute(sa.text("SELECT count(*) FROM decisions")).scalar() == 0, "nothing decided"

    inline = client.post("/api/v1/score", json=request_body(with_graph=False), headers=headers)  # the add-in's fallback
    assert inline.status_code == 200 and inline.get_json()["action"] == "block"

    synced = client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers)
    assert synced.status_code == 200
    assert summary(synced.get_json()) == summary(inline.get_json())
    assert graph.count("list_attachments") == 2


def test_a_missing_attachment_on_a_found_draft_is_still_named_not_found(graph, graph_settings, make_client):
    graph.add_message("AAMkADraft=", [])  # the draft is there; its attachment is not
    client, container = make_client(graph_settings)
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    body = {**request_body(with_graph=True), "attachments": [{"id": "AAMk-att-9", "name": "x.csv", "size": 10}]}
    verdict = client.post("/api/v1/score", json=body, headers=headers).get_json()
    reasons = [f["evidence"]["reason"] for f in verdict["findings"] if f["rule"] == "attachment.unscannable"]
    assert reasons == ["not_found"]


def test_a_send_after_its_inline_background_check_reads_nothing_from_graph(graph, graph_settings, make_client):
    """The add-in's precheck sends bytes inline with Outlook's attachment ids; the Send names the same
    ids by reference, so the draft's signals are found by id and no attachment is fetched (issue 13)."""
    graph.add_message("AAMkADraft=", [
        FakeAttachment(attachment_id, name, kind=kind, content=data,
                       content_type=XLSX if name.endswith("xlsx") else DOCX)
        for attachment_id, name, kind, data in files()
    ])
    client, container = make_client(graph_settings.with_changes(time_budget_ms=60_000))
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    by_reference = request_body(with_graph=True)
    precheck = request_body(with_graph=False)
    for inline, named in zip(precheck["attachments"], by_reference["attachments"]):
        inline.update(id=named["id"], kind=named["kind"], size=named["size"])
    precheck["purpose"] = "precheck"

    checked = client.post("/api/v1/score", json=precheck, headers=headers)
    sent = client.post("/api/v1/score", json=by_reference, headers=headers)

    assert checked.status_code == sent.status_code == 200
    assert graph.count("list_attachments") == graph.count("attachment_value") == 0
    assert summary(sent.get_json()) == summary(checked.get_json())
    assert sent.get_json()["action"] == "block"
