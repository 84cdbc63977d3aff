"""Combining findings: strongest action wins, scores, monitor mode, overrides."""

from dataclasses import replace

from sendward.domain.evaluate import evaluate
from sendward.domain.overrides import review_override
from sendward.domain.policy import Policy
from sendward.domain.signals import AttachmentSignals, ContentSignals, RecipientSignals, Signals
from tests.builders import draft, evaluate_recipients, people


def test_no_finding_allows_with_score_zero():
    verdict = evaluate_recipients(draft(to=["colleague@northshire.gov.uk"]))
    assert (verdict.action, verdict.score, verdict.findings) == ("allow", 0, ())


def test_the_strongest_action_wins_and_is_listed_first():
    verdict = evaluate_recipients(draft(to=people(157)))
    assert verdict.action == "block"
    assert [f.action for f in verdict.findings] == sorted(
        (f.action for f in verdict.findings), key=["block", "warn", "info"].index
    )


def test_info_findings_still_allow():
    policy = Policy.model_validate({"rules": {"recipients.external_domains": {"action": "info"}, "recipients.exposed": {"enabled": False}}})
    verdict = evaluate_recipients(draft(to=people(12)), policy)
    assert [f.action for f in verdict.findings] == ["info"]
    assert verdict.action == "allow"


def test_scores_grow_with_how_far_past_the_threshold():
    small = evaluate_recipients(draft(to=people(60)))
    large = evaluate_recipients(draft(to=people(400)))
    assert 0 < small.score < large.score <= 100


def test_verdict_json_has_the_contract_shape():
    data = evaluate_recipients(draft(to=people(157))).to_json()
    assert {"action", "score", "decision_id", "policy_version", "findings", "recipients", "attachments", "elapsed_ms"} <= set(data)
    contract = {"total", "visible", "external", "visible_external", "external_domains"}
    assert set(data["recipients"]) == contract | {"internal_domains", "move_to_bcc"}  # the extensions (docs/reference.md)
    for f in data["findings"]:
        assert {"rule", "action", "message", "evidence", "fix"} <= set(f)
        assert f["fix"] in ("move_to_bcc", "remove_attachment", "remove_recipient", "none")


def test_evidence_never_carries_addresses():
    d = draft(to=people(157))
    text = str(evaluate_recipients(d).to_json())
    assert not any(a.address in text for a in d.to)


def test_monitor_mode_records_what_would_have_happened():
    verdict = evaluate_recipients(draft(to=people(157)), Policy(mode="monitor"))
    assert verdict.action == "allow"
    assert verdict.would_action == "block"
    assert all(f.action == "info" for f in verdict.findings)
    assert {f.would_action for f in verdict.findings} == {"block", "warn"}


def test_one_rule_in_monitor_mode():
    policy = Policy.model_validate({"rules": {"recipients.exposed": {"mode": "monitor"}}})
    verdict = evaluate_recipients(draft(to=people(157)), policy)
    exposed = next(f for f in verdict.findings if f.rule == "recipients.exposed")
    assert (exposed.action, exposed.would_action) == ("info", "block")
    assert verdict.action == "warn"  # the other rules still enforce


def _unscannable(infrastructure: bool):
    attachment = AttachmentSignals(
        name="a.xlsx", scanned=False, error="could not be fetched", error_code="not_fetched",
        infrastructure_failure=infrastructure,
    )
    return Signals(recipients=RecipientSignals(total=1, visible=1, external=1, visible_external=1), attachments=(attachment,))


def test_our_failure_follows_the_fail_mode():
    open_verdict = evaluate(_unscannable(True), Policy(fail_mode="open"), decision_id="d", policy_version=1)
    closed_verdict = evaluate(_unscannable(True), Policy(fail_mode="closed"), decision_id="d", policy_version=1)
    assert (open_verdict.action, open_verdict.findings[0].rule) == ("allow", "attachment.unscannable")
    assert open_verdict.findings[0].action == "info"
    assert closed_verdict.action == "block"


def test_an_unreadable_file_going_outside_warns_whatever_the_fail_mode():
    verdict = evaluate(_unscannable(False), Policy(fail_mode="open"), decision_id="d", policy_version=1)
    assert verdict.action == "warn"


def test_override_of_a_warning_with_a_justification_allows():
    verdict = evaluate_recipients(draft(to=people(12)))
    assert verdict.action == "warn"
    overridden = review_override(verdict, Policy(), "Agreed with the clients at the meeting", decision_known=True, same_draft=True)
    assert overridden.action == "allow"
    assert overridden.would_action == "warn"
    assert overridden.override == {"accepted": True, "reason": None}


def test_override_refusals():
    warned = evaluate_recipients(draft(to=people(12)))
    blocked = evaluate_recipients(draft(to=people(157)))
    policy = Policy()
    assert review_override(warned, policy, "short", decision_known=True, same_draft=True).override["accepted"] is False
    assert review_override(warned, policy, "a long enough reason", decision_known=False).action == "warn"
    refused = review_override(blocked, policy, "a long enough reason", decision_known=True, same_draft=True)
    assert refused.action == "block"
    assert "does not allow" in refused.override["reason"]
    allowing = Policy.model_validate({"overrides": {"allow_block_override": True}})
    assert review_override(blocked, allowing, "a long enough reason", decision_known=True, same_draft=True).action == "allow"


def test_body_personal_data_fires_for_a_list_of_people():
    body = ContentSignals(data_subjects=8, entities={"PERSON": 8, "PHONE_NUMBER": 8})
    signals = Signals(recipients=RecipientSignals(total=1, visible=1, external=1, visible_external=1), body=body)
    verdict = evaluate(signals, Policy(fail_mode="open"), decision_id="d", policy_version=1)
    assert [(f.rule, f.action) for f in verdict.findings] == [("body.personal_data", "warn")]
    # issue 15: a record about ten or more people blocks, in the body as in a file
    thirty = replace(signals, body=ContentSignals(data_subjects=30, entities={"PERSON": 30, "PHONE_NUMBER": 30}))
    found = evaluate(thirty, Policy(fail_mode="open"), decision_id="d", policy_version=1).findings
    assert [(f.rule, f.action) for f in found] == [("body.personal_data", "block")]
    internal = replace(signals, recipients=RecipientSignals(total=1, visible=1))
    assert evaluate(internal, Policy(fail_mode="open"), decision_id="d", policy_version=1).findings == ()


def _outside(**content):
    recipients = RecipientSignals(total=1, visible=1, external=1, visible_external=1)
    if "body" in content:
        return Signals(recipients=recipients, body=content["body"])
    return Signals(recipients=recipients, attachments=(AttachmentSignals(name="refs.docx", content=content["attachment"]),))


def _message(signals, rule):
    verdict = evaluate(signals, Policy(fail_mode="open"), decision_id="d", policy_version=1)
    return next(f.message for f in verdict.findings if f.rule == rule)


def test_a_file_of_tenant_identifiers_names_them():
    content = ContentSignals(data_subjects=5, custom_patterns={"ILS case reference": 5})
    message = _message(_outside(attachment=content), "attachment.personal_data")
    assert "about 5 people (5 × ILS case reference)," in message
    assert "()" not in message


def test_tenant_identifiers_are_listed_with_the_other_kinds_by_count():
    content = ContentSignals(data_subjects=40, entities={"PERSON": 40, "PHONE_NUMBER": 12}, custom_patterns={"case ref": 30})
    message = _message(_outside(attachment=content), "attachment.personal_data")
    assert "(40 names, 30 × case ref, 12 phone numbers)" in message


def test_a_body_of_tenant_identifiers_names_them():
    body = ContentSignals(data_subjects=8, custom_patterns={"ILS case reference": 8})
    message = _message(_outside(body=body), "body.personal_data")
    assert message == "The message body holds personal data about 8 people (8 × ILS case reference)."
