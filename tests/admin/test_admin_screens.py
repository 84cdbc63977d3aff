"""The simulator, history, decision log and dashboard screens of /admin."""

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from sendward.domain.records import DecisionRecord
from sendward.kernel import utcnow
from tests.admin.htmlform import form_fields

SEED = Path(__file__).resolve().parents[2] / "examples" / "01-mass-email-client-list.eml"


def decisions_stored(container) -> int:
    with container.storage.engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM decisions")).scalar()


def record(
    container,
    id,
    *,
    tenant="tenant-a",
    action="warn",
    rule="recipients.exposed",
    days_ago=0,
    would=None,
):
    container.storage.record_decision(
        DecisionRecord(
            id=id,
            tenant_id=tenant,
            user_hash="0123456789abcdef0123456789abcdef",
            created_at=utcnow() - timedelta(days=days_ago),
            action=action,
            would_action=would,
            mode="enforce",
            score=40,
            policy_version=0,
            counts={},
            findings=((rule, "info" if would else action, would),),
            attachments=(("xlsx", True, 12),),
        )
    )


# -- simulator ---------------------------------------------------------------------------------


def simulate(client, token, data: bytes | None = None, name="seed.eml", **fields):
    form = {
        "csrf_token": token,
        "draft": (io.BytesIO(SEED.read_bytes() if data is None else data), name),
        **fields,
    }
    return client.post("/admin/simulate", data=form, content_type="multipart/form-data")


def test_simulating_the_seed_draft_shows_the_block_the_sender_would_see(client, sign_in, container):
    token = sign_in()
    response = simulate(client, token)
    assert response.status_code == 200
    html = response.text
    assert "<strong>Sendward · BLOCK</strong>" in html  # without JavaScript: the dialog's lines
    assert "157 people outside your organisation are in To/CC" in html
    assert '<script src="/addin/launchevent.js"></script>' in html  # with it: drawn by the add-in's code
    assert '<script type="application/json" id="simulated-verdict">' in html
    assert "The sender cannot send it as it is" in html  # blocks are not overridable by default
    assert "Nothing was recorded" in html
    assert decisions_stored(container) == 0


def test_a_sent_mail_history_can_be_simulated_with_the_draft(client, sign_in, container):
    import json

    from tests.cli.test_check_history import graph_message

    token = sign_in()
    history = "".join(
        json.dumps(graph_message(d, [("john.smith@partner.org", "John Smith")])) + "\n" for d in range(40)
    ).encode()
    eml = (
        b"From: Me <me@northshire.gov.uk>\r\nTo: John Smith <john.smith@gmail.com>\r\n"
        b"Subject: Report\r\nDate: Mon, 01 Apr 2024 10:00:00 +0000\r\n\r\nHello\r\n"
    )
    html = simulate(client, token, eml, "draft.eml", history=(io.BytesIO(history), "history.jsonl")).text
    assert "You usually write to john.smith@partner.org" in html
    bad = simulate(client, token, eml, "draft.eml", history=(io.BytesIO(b"[oops\n"), "history.jsonl"))
    assert bad.status_code == 422 and "line 1 is not JSON" in bad.text
    assert decisions_stored(container) == 0


def test_a_saved_version_can_be_simulated(client, sign_in, container):
    token = sign_in()
    container.policies.save_draft("tenant-a", {"mode": "monitor"}, author="x")
    html = simulate(client, token, source="v1").text
    assert "Nothing: the e-mail goes without interruption." in html
    assert "Enforcing this policy would\n    <strong>block</strong>" in html
    assert "Scored against version 1" in html


def test_the_policy_form_settings_can_be_tried_without_saving(client, sign_in, container):
    sign_in()
    form = form_fields(client.get("/admin/policy").text, "policy-form")
    form["mode"] = "monitor"
    form["from_policy_form"] = "1"
    form["draft"] = (io.BytesIO(SEED.read_bytes()), "seed.eml")
    response = client.post("/admin/simulate", data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "the unsaved settings from the policy form" in response.text
    assert "Nothing: the e-mail goes without interruption." in response.text
    assert container.policies.latest_version("tenant-a") == 0


def test_invalid_form_settings_are_listed_instead_of_simulated(client, sign_in):
    sign_in()
    form = form_fields(client.get("/admin/policy").text, "policy-form")
    form["retention_days"] = "0"
    form["from_policy_form"] = "1"
    form["draft"] = (io.BytesIO(SEED.read_bytes()), "seed.eml")
    response = client.post("/admin/simulate", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Keep decisions for (days): Input should be greater than or equal to 1" in response.text


def test_simulator_errors(client, sign_in):
    token = sign_in()
    no_file = client.post(
        "/admin/simulate", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert no_file.status_code == 400 and "Choose an .eml or .msg file" in no_file.text
    unreadable = simulate(
        client, token, data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="x.msg"
    )
    assert unreadable.status_code == 422 and "Sendward cannot read x.msg" in unreadable.text
    assert simulate(client, token, source="v9").status_code == 404
    assert simulate(client, token, source="anything").status_code == 400


def test_a_too_large_upload_gets_a_page_not_a_crash(app, client, sign_in):
    token = sign_in()
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = simulate(client, token)
    assert response.status_code == 413
    assert "larger than Sendward accepts" in response.text


# -- history --------------------------------------------------------------------------------


def test_history_publish_rollback_and_diff(client, sign_in, container):
    token = sign_in()
    container.policies.replace(
        "tenant-a", {"internal_domains": ["one.example"]}, author="a@x", comment="first"
    )
    container.policies.save_draft(
        "tenant-a", {"internal_domains": ["two.example"]}, author="b@x", comment="second"
    )
    html = client.get("/admin/versions").text
    assert "first" in html and "second" in html and "Published" in html

    diff = client.get("/admin/versions/diff?a=1&b=2").text
    assert (
        "internal_domains" in diff
        and "Added: two.example" in diff
        and "Removed: one.example" in diff
    )

    publish = form_fields(html, "publish-2")
    assert publish["csrf_token"] == token
    assert client.post("/admin/versions/2/publish", data=publish).status_code == 302
    assert container.policies.current("tenant-a")[1] == 2
    html = client.get("/admin/versions").text
    assert "Version 2 is published" in html

    client.post("/admin/versions/1/rollback", data=form_fields(html, "rollback-1"))
    policy, version = container.policies.current("tenant-a")
    assert (version, policy.internal_domains) == (3, ["one.example"])
    assert container.policies.version("tenant-a", 3).copied_from == 1
    assert "(copy of version 1)" in client.get("/admin/versions").text


def test_history_offers_only_what_changes_something_and_asks_first(client, sign_in, container):
    sign_in()
    html = client.get("/admin/versions").text
    assert 'id="rollback-0"' not in html  # the defaults are what applies: nothing to roll back to
    assert "1970" not in html and "The built-in defaults" in html
    container.policies.replace("tenant-a", {"mode": "monitor"}, author="a", comment="first")
    container.policies.replace("tenant-a", {"retention_days": 30}, author="a", comment="second")
    container.policies.save_draft("tenant-a", {"retention_days": 40}, author="a", comment="third")
    html = client.get("/admin/versions").text
    assert 'id="rollback-2"' not in html and 'id="publish-2"' not in html  # version 2 is the published one
    assert 'id="rollback-1"' in html and 'id="publish-3"' in html and 'id="rollback-3"' not in html
    for form in ("rollback-1", "publish-3", "rollback-0"):
        assert re.search(rf'id="{form}"\s+data-confirm="[^"]+"', html), form
    client.post("/admin/versions/0/rollback", data=form_fields(html, "rollback-0"))
    policy, version = container.policies.current("tenant-a")
    assert version == 4 and policy.mode == "enforce" and policy.retention_days != 30
    assert "(copy of the built-in defaults)" in client.get("/admin/versions").text
    page = client.get("/admin/versions/0").text
    assert "the built-in defaults" in page and "1970" not in page


def test_a_stale_history_page_cannot_roll_back(client, sign_in, container):
    sign_in()
    container.policies.replace("tenant-a", {}, author="a")
    container.policies.replace("tenant-a", {"mode": "monitor"}, author="a")
    stale = client.get("/admin/versions").text
    container.policies.save_draft("tenant-a", {"mode": "monitor"}, author="b")
    client.post("/admin/versions/1/rollback", data=form_fields(stale, "rollback-1"))
    assert container.policies.latest_version("tenant-a") == 3
    assert "Someone else changed the policy" in client.get("/admin/versions").text


def test_two_admins_publishing_from_the_same_history_page_cannot_both_win(client, sign_in, container):
    sign_in()
    container.policies.replace("tenant-a", {}, author="a")
    for days in (20, 30):
        container.policies.save_draft("tenant-a", {"retention_days": days}, author="a")
    page = client.get("/admin/versions").text
    client.post("/admin/versions/2/publish", data=form_fields(page, "publish-2"))
    assert container.policies.current("tenant-a")[1] == 2
    client.post("/admin/versions/3/publish", data=form_fields(page, "publish-3"))  # the same old page
    assert container.policies.current("tenant-a")[1] == 2
    notice = client.get("/admin/versions").text
    assert "so nothing was published" in notice and 'role="alert"' in notice


def test_a_version_page_and_its_export(client, sign_in, container):
    sign_in()
    container.policies.replace("tenant-a", {"trusted_domains": ["nhs.net"]}, author="a@x")
    assert "&#34;nhs.net&#34;" in client.get("/admin/versions/1").text
    export = client.get("/admin/versions/1/export")
    assert (
        export.headers["Content-Disposition"] == 'attachment; filename="sendward-policy-v1.json"'
    )
    assert export.get_json()["policy"]["trusted_domains"] == ["nhs.net"]
    assert client.get("/admin/versions/5").status_code == 404
    assert client.get("/admin/versions/diff?a=1").status_code == 400


def test_importing_a_policy_file(client, sign_in, container):
    token = sign_in()
    good = json.dumps({"policy": {"internal_domains": ["northshire.gov.uk"]}}).encode()
    client.post(
        "/admin/versions/import",
        data={"csrf_token": token, "publish": "on", "policy_file": (io.BytesIO(good), "p.json")},
        content_type="multipart/form-data",
    )
    assert container.policies.current("tenant-a")[0].internal_domains == ["northshire.gov.uk"]
    bad = json.dumps({"retention_days": 0}).encode()
    client.post(
        "/admin/versions/import",
        data={"csrf_token": token, "policy_file": (io.BytesIO(bad), "bad.json")},
        content_type="multipart/form-data",
    )
    assert "bad.json is not a valid policy: retention_days" in client.get("/admin/versions").text
    client.post(
        "/admin/versions/import",
        data={"csrf_token": token, "policy_file": (io.BytesIO(b"{"), "x.json")},
        content_type="multipart/form-data",
    )
    assert "x.json is not JSON" in client.get("/admin/versions").text
    assert container.policies.latest_version("tenant-a") == 1


# -- decision log and dashboard -------------------------------------------------------------


def test_the_decision_log_filters_and_pages(client, sign_in, container):
    sign_in()
    for i in range(55):
        record(container, f"w{i}", days_ago=i % 5)
    record(container, "b", action="block", rule="attachment.personal_data")
    record(container, "other-tenant", tenant="tenant-b", action="block")
    html = client.get("/admin/decisions").text
    assert "56 decisions." in html and "Page 1 of 2" in html
    assert len(re.findall(r'<span class="badge badge-(?:warn|block)">', html)) == 50
    blocks = client.get("/admin/decisions?action=block").text
    assert "1 decision." in blocks and "attachment.personal_data" in blocks
    assert "Page 2 of 2" in client.get("/admin/decisions?page=2").text
    bad = client.get("/admin/decisions?since=yesterday")
    assert bad.status_code == 200 and "since: must be a date" in bad.text


def test_the_dashboard_draws_its_charts_with_text_alternatives(client, sign_in, container):
    sign_in()
    record(container, "w1")
    record(container, "b1", action="block", rule="attachment.personal_data", days_ago=1)
    html = client.get("/admin/?days=7").text
    for chart_id in ("per-day", "top-rules", "top-types", "override-rate"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
    assert "Show the figures as a table" in html
    assert '<th scope="row">recipients.exposed</th><td>1</td>' in html
    assert "No rule ran in monitor mode" in html


def test_the_dashboard_shows_wrong_recipient_prompts_and_acceptance(client, sign_in, container):
    sign_in()
    for i in range(3):
        record(container, f"plain{i}", action="allow")
    record(container, "m1", rule="recipients.misdirected")
    html = client.get("/admin/?days=7").text
    assert "Wrong recipients" in html
    assert '<span class="figure">250.0</span> prompts per 1,000 sends' in html
    assert '<span class="figure">0%</span> acceptance' in html
    assert 'aria-labelledby="misdirected-acceptance-title misdirected-acceptance-desc"' in html


def test_the_dashboard_shows_the_shadow_load_in_monitor_mode(client, sign_in, container):
    sign_in()
    container.policies.replace("tenant-a", {"mode": "monitor"}, author="x")
    for i in range(3):
        record(container, f"m{i}", action="allow", would="warn")
    html = client.get("/admin/").text
    assert "monitor only" in html
    assert 'aria-labelledby="shadow-title shadow-desc"' in html
    assert "recipients.exposed: 3 interruptions" in html  # the chart's description


def test_the_dashboard_counts_e_mails_not_senders(client, sign_in, container):
    sign_in()
    record(container, "w1")
    record(container, "w2")
    html = client.get("/admin/").text
    assert "2</span> e-mails warned or blocked" in html and "senders warned" not in html
    record(container, "a1", action="allow")
    assert "3</span> e-mails checked" in client.get("/admin/").text


def test_an_enforcing_tenant_sees_no_what_enforcement_would_have_done_chart(client, sign_in, container):
    sign_in()
    record(container, "w1")
    # an accepted override: allowed, would have warned; not a shadow of monitor mode
    container.storage.record_decision(
        DecisionRecord(
            id="o1", tenant_id="tenant-a", user_hash="0123456789abcdef0123456789abcdef",
            created_at=utcnow(), action="allow", would_action="warn", mode="enforce", score=40,
            policy_version=0, counts={}, findings=(("recipients.exposed", "info", "warn"),),
            attachments=(), override_of="w1", justification="The partner asked for it.",
        )
    )
    html = client.get("/admin/").text
    assert "What enforcement would have done" not in html
    assert "(overridden: it had warned)" in client.get("/admin/decisions").text


def test_a_monitor_mode_decision_reads_as_what_enforcement_would_have_done(client, sign_in, container):
    sign_in()
    container.policies.replace("tenant-a", {"mode": "monitor"}, author="x")
    record(container, "m1", action="allow", would="warn")
    assert "(monitor mode: enforcing would have warned)" in client.get("/admin/decisions").text
    assert "What enforcement would have done" in client.get("/admin/").text


def test_another_tenants_admin_sees_none_of_it(client, sign_in, container):
    container.policies.replace("tenant-a", {"internal_domains": ["secret.example"]}, author="a")
    record(container, "a1")
    sign_in(tenant="tenant-b")
    assert client.get("/admin/versions/1").status_code == 404
    assert "secret.example" not in client.get("/admin/policy").text
    assert "0 decisions." in client.get("/admin/decisions").text
    assert client.get("/admin/versions/1/export").status_code == 404
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/").text).group(1)
    assert client.post("/admin/versions/1/publish", data={"csrf_token": token}).status_code == 404
    assert client.post("/admin/versions/1/rollback", data={"csrf_token": token}).status_code == 404
    assert container.policies.latest_version("tenant-b") == 0
