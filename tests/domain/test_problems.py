"""The Send dialog's lines: one per problem, strongest first; sender_may_override from the policy."""

from sendward.domain.overrides import may_override
from sendward.domain.policy import Policy
from sendward.domain.problems import problems
from sendward.domain.verdict import Finding


def f(rule, action, message, **evidence):
    return Finding(rule=rule, action=action, message=message, evidence=evidence)


def test_many_organisations_beside_recipients_who_see_each_other_is_one_line():
    lines = problems([
        f("recipients.exposed", "block", "157 people will see each other."),
        f("recipients.external_domains", "warn", "To/CC span 157 outside organisations."),
    ])
    assert lines == [{"action": "block", "rules": ["recipients.exposed", "recipients.external_domains"],
                      "message": "157 people will see each other."}]


def test_many_organisations_alone_is_its_own_line():
    lines = problems([f("recipients.external_domains", "warn", "To/CC span 12 outside organisations.")])
    assert [line["rules"] for line in lines] == [["recipients.external_domains"]]


def test_an_attachment_is_one_line_with_its_hidden_part_and_identifiers():
    lines = problems([
        f("attachment.personal_data", "block", "a.xlsx holds personal data about 500 people.", attachment=0),
        f("attachment.hidden_content", "block", "a.xlsx has the hidden sheet 'Staff' with ... 500 people.",
          attachment=0, places=["hidden_sheet"],
          locations=[{"where": "sheet 'Staff', column 'Name'", "hidden": "hidden_sheet"}]),
        f("policy.custom_pattern", "warn", "Your identifiers appear (500 × case ref).",
          attachments=[0], in_body=False, patterns={"case ref": 500}),
    ])
    assert len(lines) == 1
    assert lines[0]["rules"] == ["attachment.personal_data", "attachment.hidden_content", "policy.custom_pattern"]
    assert lines[0]["message"] == ("a.xlsx holds personal data about 500 people. "
                                  "Some of it is hidden (the hidden sheet 'Staff').")


def test_identifiers_in_the_body_keep_their_line_and_lines_go_strongest_first():
    lines = problems([
        f("policy.custom_pattern", "warn", "Your identifiers appear (2 × case ref).", attachments=[], in_body=True),
        f("attachment.personal_data", "block", "b.xlsx holds personal data.", attachment=0),
        f("body.personal_data", "info", "an info finding is not in the dialog"),
    ])
    assert [(line["action"], line["rules"]) for line in lines] == [
        ("block", ["attachment.personal_data"]), ("warn", ["policy.custom_pattern"])
    ]


def test_hidden_content_alone_keeps_its_own_message():
    lines = problems([f("attachment.hidden_content", "warn", "c.xlsx has hidden rows ...", attachment=1)])
    assert lines[0]["message"] == "c.xlsx has hidden rows ..."


def test_the_sender_may_override_as_the_policy_says():
    default = Policy()
    assert may_override("warn", default) is True
    assert may_override("block", default) is False
    assert may_override("allow", default) is False
    strict = Policy.model_validate({"overrides": {"allow_warn_override": False, "allow_block_override": True}})
    assert may_override("warn", strict) is False and may_override("block", strict) is True


def test_the_verdict_json_carries_both(tmp_path, capsys):
    import json
    from pathlib import Path

    from sendward.entrypoints import cli

    example = Path(__file__).resolve().parents[2] / "examples" / "07-foi-reply-hidden-sheet.eml"
    cli.main(["check", "--json", str(example)])
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["sender_may_override"] is False  # a block, and blocks are not overridable by default
    assert [p["rules"] for p in verdict["problems"]] == [["attachment.personal_data", "attachment.hidden_content"]]
    assert "the hidden sheet 'Staff list'" in verdict["problems"][0]["message"]
