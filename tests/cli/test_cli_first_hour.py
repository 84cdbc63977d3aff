"""The command line as a newcomer meets it: helpful --help, a JSON line for every file, a quiet
end when the reader of its output leaves, and counts in the singular when there is one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sendward.entrypoints import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.mark.parametrize(
    "command, expected",
    [
        ("serve", ["--port", "PORT=8001 make run", "SENDWARD_LOG_FORMAT", "loopback"]),
        ("dev-token", ["curl", "--admin", "dev-tenant"]),
        ("manifest", ["--dev", "https://localhost:3000", "Integrated apps", "SoftBlock"]),
        ("db", ["sendward db upgrade", "SENDWARD_DATABASE_URL", "downgrade base"]),
    ],
)
def test_help_explains_each_command_with_examples(command, expected, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, "--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    for phrase in expected:
        assert phrase in text, phrase
    assert "examples:" in text or "example:" in text


def test_check_json_prints_a_line_for_a_file_it_cannot_read(tmp_path, capsys):
    missing = tmp_path / "nope.eml"
    code = cli.main(["check", "--json", str(missing), str(EXAMPLES / "05-letter-to-one-client.eml")])
    assert code == cli.EXIT_UNREADABLE
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert lines[0]["file"] == str(missing) and lines[0]["error"] == "unreadable" and lines[0]["message"]
    assert lines[1]["action"] == "allow"
    assert "nope.eml" in captured.err


def test_check_into_a_closed_pipe_ends_without_a_traceback(tmp_path):
    files = [str(EXAMPLES / "05-letter-to-one-client.eml")] * 400  # far more than a pipe holds
    check = subprocess.Popen(
        [sys.executable, "-m", "sendward.entrypoints.cli", "check", *files],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    head = check.stdout.readline()  # `| head -1`: read one line, then leave
    check.stdout.close()
    stderr = check.stderr.read().decode()
    check.wait(timeout=120)
    assert head.startswith(b"/") or b"ALLOW" in head
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert check.returncode == cli.EXIT_BROKEN_PIPE


def test_one_person_and_one_organisation_are_singular(tmp_path, capsys):
    draft = tmp_path / "one.eml"
    draft.write_text("From: a@northshire.gov.uk\nTo: someone@partner.org.uk\nSubject: Hello\n\nHello")
    cli.main(["check", str(draft)])
    out = capsys.readouterr().out
    assert "1 outside organisation\n" in out or out.rstrip().endswith("1 outside organisation")
    assert "1 outside organisations" not in out


def test_plural():
    assert cli.plural(1, "person", "people") == "1 person"
    assert cli.plural(2, "person", "people") == "2 people"
    assert cli.plural(1, "e-mail") == "1 e-mail" and cli.plural(0, "e-mail") == "0 e-mails"
