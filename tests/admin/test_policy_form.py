"""The policy form: every rule and setting on it, saved as versions, with errors next to their fields."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from sendward.domain.policy import Policy
from sendward.domain.rules import RULES
from sendward.entrypoints.http.admin_page.forms import document_from_form, html_id, policy_form
from tests.admin.htmlform import form_fields


@pytest.fixture
def page_form(client, sign_in):
    """The policy form as the browser would submit it, after signing in."""
    sign_in()

    def load():
        page = client.get("/admin/policy")
        assert page.status_code == 200
        return form_fields(page.text, "policy-form")

    return load


def submitted(form: MultiDict, **changes) -> MultiDict:
    """The form as sent by pressing a button (``action=...``): every value of every field, plus the button."""
    sent = form.copy()
    for name, value in changes.items():
        sent[name] = value
    return sent


def published(container, tenant="tenant-a"):
    return container.policies.current(tenant)


def test_every_setting_of_every_rule_is_on_the_form(client, sign_in):
    sign_in()
    html = client.get("/admin/policy").text
    for rule in RULES:
        assert f'id="{html_id("rules." + rule.RULE)}"' in html
        for name in rule.Config.model_fields:
            assert f'name="rules.{rule.RULE}.{name}"' in html, (rule.RULE, name)
    for name in (
        "mode",
        "fail_mode",
        "retention_days",
        "scan_linked_files",
        "internal_domains",
        "trusted_domains",
        "webmail_domains",
        "overrides.allow_block_override",
        "custom_patterns.0.pattern",
    ):
        assert f'name="{name}"' in html


def test_saving_the_form_unchanged_changes_nothing(client, page_form, container):
    container.policies.replace(
        "tenant-a",
        {
            "internal_domains": ["northshire.gov.uk"],
            "custom_patterns": [{"name": "ref", "pattern": r"ILS/\d{5}"}],
        },
        author="x",
    )
    before = published(container)[0].to_json()
    response = client.post("/admin/policy", data=submitted(page_form(), action="publish"))
    assert response.status_code == 302
    policy, version = published(container)
    assert version == 2
    assert policy.to_json() == before


def test_editing_a_threshold_publishes_a_new_version(client, page_form, container, auth):
    form = page_form()
    form["rules.recipients.exposed.min_visible_external"] = "4"
    form["comment"] = "Four strangers are enough"
    response = client.post("/admin/policy", data=submitted(form, action="publish"))
    assert response.status_code == 302
    policy, version = published(container)
    assert version == 1
    assert policy.rule("recipients.exposed").min_visible_external == 4
    assert container.policies.version("tenant-a", 1).comment == "Four strangers are enough"
    assert "Saved and published version 1" in client.get("/admin/policy").text


def test_save_as_draft_does_not_publish(client, page_form, container):
    form = page_form()
    form["rules.recipients.exposed.min_visible_external"] = "4"
    client.post("/admin/policy", data=submitted(form, action="draft"))
    assert published(container)[1] == 0
    assert (
        container.policies.version("tenant-a", 1).document["rules"]["recipients.exposed"][
            "min_visible_external"
        ]
        == 4
    )


def test_a_checkbox_can_be_unticked(client, page_form, container):
    form = page_form()
    del form["rules.recipients.lookalike_domain.enabled"]
    client.post("/admin/policy", data=submitted(form, action="publish"))
    assert published(container)[0].rule("recipients.lookalike_domain").enabled is False


def test_an_optional_number_can_be_emptied(client, page_form, container):
    form = page_form()
    form["rules.recipients.exposed.block_at"] = ""
    client.post("/admin/policy", data=submitted(form, action="publish"))
    assert published(container)[0].rule("recipients.exposed").block_at is None


def test_domains_and_patterns_from_the_form(client, page_form, container):
    form = page_form()
    form["internal_domains"] = "northshire.gov.uk\nsocial.northshire.gov.uk, NORTHSHIRE.org.uk"
    form["custom_patterns.0.name"] = "ILS case reference"
    form["custom_patterns.0.pattern"] = r"ILS/[A-Z]{3}/\d{5}"
    form["custom_patterns.0.min_count"] = "2"
    client.post("/admin/policy", data=submitted(form, action="publish"))
    policy = published(container)[0]
    assert policy.internal_domains == [
        "northshire.gov.uk",
        "social.northshire.gov.uk",
        "northshire.org.uk",
    ]
    assert [(p.name, p.min_count) for p in policy.custom_patterns] == [("ILS case reference", 2)]

    form = page_form()
    assert (
        form["custom_patterns.0.name"] == "ILS case reference"
        and form["custom_patterns.1.name"] == ""
    )
    form["custom_patterns.0.remove"] = "on"
    client.post("/admin/policy", data=submitted(form, action="publish"))
    assert published(container)[0].custom_patterns == []


def test_errors_are_shown_next_to_their_fields_and_nothing_is_saved(client, page_form, container):
    form = page_form()
    form["rules.recipients.exposed.block_at"] = "5"  # below min_visible_external (10)
    form["trusted_domains"] = "nhs.net\nnot a domain"
    form["retention_days"] = "lots"
    response = client.post("/admin/policy", data=submitted(form, action="publish"))
    assert response.status_code == 422
    html = response.text
    assert "There are 3 problems with the policy" in html
    block_at_error = re.search(
        r'id="f-rules-recipients-exposed-block_at-error"[^>]*>([^<]*)<', html
    ).group(1)
    assert block_at_error == "block_at (5) must not be below min_visible_external (10)"
    assert 'aria-invalid="true"' in html
    assert "is not a valid domain name" in re.search(
        r'id="f-trusted_domains-error"[^>]*>([^<]*)<', html
    ).group(1)
    assert re.search(r'name="retention_days" value="lots"', html)  # what they typed is kept
    assert published(container)[1] == 0


def test_a_conflicting_save_is_refused_then_can_be_repeated(client, page_form, container):
    form = page_form()
    container.policies.replace(
        "tenant-a", {"internal_domains": ["other.example"]}, author="another admin"
    )
    form["rules.recipients.exposed.min_visible_external"] = "4"
    response = client.post("/admin/policy", data=submitted(form, action="publish"))
    assert response.status_code == 409
    assert "Someone else changed the policy while you were editing" in response.text
    assert "Reload the policy" in response.text
    assert published(container)[0].internal_domains == ["other.example"]
    again = form_fields(response.text, "policy-form")
    assert again["rules.recipients.exposed.min_visible_external"] == "4"
    assert client.post("/admin/policy", data=submitted(again, action="publish")).status_code == 302
    assert published(container)[0].rule("recipients.exposed").min_visible_external == 4


def test_a_publish_by_someone_else_also_stops_a_save(client, page_form, container):
    container.policies.replace("tenant-a", {}, author="another admin")
    container.policies.save_draft("tenant-a", {"mode": "monitor"}, author="another admin")
    form = page_form()
    container.policies.publish("tenant-a", 2)  # no new version, but what the form showed is not enforced
    form["rules.recipients.exposed.min_visible_external"] = "4"
    response = client.post("/admin/policy", data=submitted(form, action="publish"))
    assert response.status_code == 409
    assert "version 2 is published" in response.text
    assert container.policies.latest_version("tenant-a") == 2


def test_inline_check_returns_errors_by_field_id(client, page_form):
    form = page_form()
    form["rules.body.personal_data.min_data_subjects"] = "0"
    response = client.post(
        "/admin/policy/check",
        data=form,
        headers={"X-CSRF-Token": form["csrf_token"], "Accept": "application/json"},
    )
    body = response.get_json()
    assert body["valid"] is False
    assert list(body["errors"]) == ["f-rules-body-personal_data-min_data_subjects"]
    assert (
        "greater than or equal to 1"
        in body["errors"]["f-rules-body-personal_data-min_data_subjects"][0]
    )
    assert body["summary"][0]["anchor"] == "f-rules-body-personal_data-min_data_subjects"
    form["rules.body.personal_data.min_data_subjects"] = "3"
    ok = client.post(
        "/admin/policy/check", data=form, headers={"X-CSRF-Token": form["csrf_token"]}
    ).get_json()
    assert ok == {"valid": True, "errors": {}, "summary": []}


def test_the_pattern_tester_needs_the_csrf_header(client, sign_in):
    token = sign_in()
    body = {"pattern": r"ILS/\d{5}", "text": "ILS/12345"}
    assert client.post("/admin/patterns/test", json=body).status_code == 400
    result = client.post(
        "/admin/patterns/test", json=body, headers={"X-CSRF-Token": token}
    ).get_json()
    assert result["count"] == 1
    bad = client.post(
        "/admin/patterns/test", json={"pattern": "(", "text": "x"}, headers={"X-CSRF-Token": token}
    ).get_json()
    assert bad["valid"] is False


# -- the form module on its own ------------------------------------------------------------


def test_a_section_level_error_without_a_named_field_goes_to_its_section():
    form = policy_form(
        Policy().to_json(),
        [{"field": "custom_patterns", "message": "custom pattern names must be unique: a"}],
    )
    assert form.patterns.errors == ["custom pattern names must be unique: a"]
    assert form.summary[0]["anchor"] == "f-custom_patterns"


def test_an_unknown_path_still_reaches_the_summary():
    form = policy_form(
        Policy().to_json(), [{"field": "mystery", "message": "Extra inputs are not permitted"}]
    )
    assert form.summary == [
        {"label": "mystery", "message": "Extra inputs are not permitted", "anchor": "policy-form"}
    ]


def test_settings_the_form_does_not_show_are_kept_from_the_base():
    base = Policy().to_json()
    base["sensitive_terms"]["health"] = ["clinic"]
    document = document_from_form(MultiDict({"mode": "monitor"}), base)
    assert document["mode"] == "monitor"
    assert document["sensitive_terms"]["health"] == ["clinic"]
    assert document["rules"] == base["rules"]


def test_sensitive_terms_and_special_categories_from_the_form():
    base = Policy().to_json()
    form = MultiDict(
        [
            ("_term_categories", "health"),
            ("sensitive_terms.health", "clinic\nHIV, sexual health"),
            ("_special_categories", "1"),
            ("special_categories", "religion"),
            ("special_categories", "health"),
        ]
    )
    document = document_from_form(form, base)
    assert Policy.model_validate(document).sensitive_terms["health"] == [
        "clinic",
        "hiv",
        "sexual health",
    ]
    assert document["special_categories"] == [
        "health",
        "religion",
    ]  # the stored order, not the form's


def test_no_help_text_only_repeats_its_label():
    """Labels and hints are the fields' titles and descriptions: each description says more than its title."""
    import re as _re

    from sendward.domain.policy import Policy
    from sendward.entrypoints.http.admin_page import forms

    filler = {"at", "which", "it", "the", "rule", "fires", "a", "an", "of", "this", "many", "when", "is", "are"}

    def words(text):
        return set(_re.findall(r"[a-z]+", text.lower()))

    form = forms.policy_form(Policy().to_json())
    shown = [f.spec for section in form.sections() for f in section.fields if f.spec.hint]
    assert len(shown) > 10
    for spec in shown:
        assert len(words(spec.hint) - words(spec.label) - filler) > 1, (spec.label, spec.hint)
        assert spec.hint.lower().rstrip(".") != spec.label.lower()
    hints = {spec.keys[-1]: spec.hint for spec in shown}
    assert "decision log" in hints["allow_block_override"]
    assert hints["allow_warn_override"] != "Warnings offer Send Anyway"
    # fields of one name in two rules keep their own help: recipients.exposed is not about files
    by_path = {spec.name: spec.hint for spec in shown}
    assert "file" not in by_path["rules.recipients.exposed.sensitive_action"]
    assert "special category" in by_path["rules.attachment.personal_data.sensitive_action"]
