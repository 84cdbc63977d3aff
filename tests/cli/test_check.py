"""`sendward check`: verdicts and exit codes (0 allow, 1 warn, 2 block, 64 usage, 65 unreadable)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sendward.entrypoints import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "sendward.entrypoints.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


@pytest.mark.parametrize(
    "example, action",
    [
        ("01-mass-email-client-list.eml", "block"),
        ("02-newsletter-bcc.eml", "allow"),
        ("03-all-staff.eml", "allow"),
        ("04-lookalike-domain.eml", "block"),
        ("05-letter-to-one-client.eml", "allow"),
        ("06-clinic-reminder-cc.eml", "block"),
        ("07-foi-reply-hidden-sheet.eml", "block"),
    ],
)
def test_examples_get_the_right_verdict(example, action, capsys):
    code = cli.main(["check", "--json", str(EXAMPLES / example)])
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["action"] == action
    assert code == cli.EXIT_FOR_ACTION[action]


def test_seed_example_counts(capsys):
    cli.main(["check", "--json", str(EXAMPLES / "01-mass-email-client-list.eml")])
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["recipients"]["visible_external"] == 157
    assert verdict["attachments"][0]["data_subjects"] == 163


def test_example_policy_adds_the_case_reference_pattern(capsys):
    cli.main(["check", "--json", "--policy", str(EXAMPLES / "northshire-policy.json"), str(EXAMPLES / "01-mass-email-client-list.eml")])
    verdict = json.loads(capsys.readouterr().out)
    custom = next(f for f in verdict["findings"] if f["rule"] == "policy.custom_pattern")
    assert custom["evidence"]["patterns"] == {"ILS case reference": 163}


def test_warn_exits_1(tmp_path, capsys):
    draft = tmp_path / "warn.eml"
    to = ", ".join(f"c{i}@org{i}.org.uk" for i in range(12))
    draft.write_text(f"From: a@northshire.gov.uk\nTo: {to}\nSubject: Partners meeting\n\nHello")
    assert cli.main(["check", str(draft)]) == 1
    assert "WARN" in capsys.readouterr().out


def test_human_output_names_rules_and_fixes(capsys):
    cli.main(["check", str(EXAMPLES / "01-mass-email-client-list.eml")])
    out = capsys.readouterr().out
    assert "BLOCK" in out
    assert "recipients.exposed" in out
    assert "[fix: move_to_bcc]" in out


def test_several_files_exit_with_the_strongest(capsys):
    code = cli.main(["check", "--json", str(EXAMPLES / "03-all-staff.eml"), str(EXAMPLES / "06-clinic-reminder-cc.eml")])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["allow", "block"]
    assert code == 2


def test_internal_domain_option(tmp_path, capsys):
    draft = tmp_path / "d.eml"
    to = ", ".join(f"p{i}@partner.org.uk" for i in range(3)) + ", " + ", ".join(f"q{i}@gmail.com" for i in range(9))
    draft.write_text(f"From: a@northshire.gov.uk\nTo: {to}\nSubject: x\n\nHello")
    assert cli.main(["check", str(draft)]) == 1
    assert cli.main(["check", "--internal-domain", "partner.org.uk", "--internal-domain", "northshire.gov.uk", str(draft)]) == 0


def test_usage_errors_exit_64():
    assert run("check").returncode == 64
    assert run("check", "--bogus", "x.eml").returncode == 64
    assert run("frobnicate").returncode == 64


def test_invalid_policy_is_a_usage_error(tmp_path):
    bad = tmp_path / "policy.json"
    bad.write_text('{"rules": {"recipients.exposed": {"action": "explode"}}}')
    result = run("check", "--policy", bad, EXAMPLES / "03-all-staff.eml")
    assert result.returncode == 64
    assert "rules.recipients.exposed.action" in result.stderr
    assert run("check", "--policy", tmp_path / "none.json", EXAMPLES / "03-all-staff.eml").returncode == 64
    assert run("check", "--internal-domain", "not a domain", EXAMPLES / "03-all-staff.eml").returncode == 64


def test_unreadable_input_exits_65_with_one_line(tmp_path):
    garbage = tmp_path / "garbage.eml"
    garbage.write_bytes(b"\x00\xff" * 500)
    for path in (garbage, tmp_path / "missing.eml"):
        result = run("check", path)
        assert result.returncode == 65
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("sendward: ")


def test_one_unreadable_file_among_good_ones_still_prints_the_rest(tmp_path):
    garbage = tmp_path / "garbage.eml"
    garbage.write_bytes(b"\x00" * 10)
    result = run("check", "--json", EXAMPLES / "03-all-staff.eml", garbage)
    assert result.returncode == 65
    judged, unread = (json.loads(line) for line in result.stdout.splitlines())
    assert judged["action"] == "allow"
    assert unread["file"] == str(garbage) and unread["error"] == "unreadable"


def test_msg_drafts_are_checked(tmp_path, capsys):
    from tests.msgfile import build_msg

    path = tmp_path / "d.msg"
    path.write_bytes(build_msg("HIV clinic", "See you Monday", recipients=[("cc", "a@gmail.com", "A"), ("cc", "b@hotmail.co.uk", "B")]))
    assert cli.main(["check", str(path)]) == 2


def test_dev_token_prints_a_token_the_server_accepts(tmp_path, monkeypatch, capsys):
    from sendward.adapters.identity.dev import DevIdentity

    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path))
    assert cli.main(["dev-token", "--tenant", "contoso", "--user", "amy@contoso.org", "--admin"]) == 0
    caller = DevIdentity(tmp_path).validator().validate(capsys.readouterr().out.strip())
    assert (caller.tenant_id, caller.name, caller.is_admin) == ("contoso", "amy@contoso.org", True)
    assert cli.main(["dev-token", "--tenant", "bad tenant!"]) == 64


def test_serve_refuses_a_network_address_with_the_dev_identity(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sendward.entrypoints.cli", "serve", "--host", "0.0.0.0", "--port", "8999"],
        capture_output=True, text=True, timeout=60, env={"SENDWARD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 64
    assert "loopback" in result.stderr
