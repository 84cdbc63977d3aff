"""docs/reference.md is the project's interface contract: everything the code offers is in it.

Read from the code itself (the rule registry, the settings model, the parser, the Makefile and
the sources), so a new rule, setting, command, option, make target or error code that is not
documented fails here.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
SOURCES = sorted((ROOT / "server" / "sendward").rglob("*.py"))


def _code(name: str) -> str:
    return f"`{name}`"


def test_every_rule_id_is_in_the_reference():
    from sendward.domain.rules import RULE_IDS

    missing = [rule for rule in RULE_IDS if _code(rule) not in REFERENCE]
    assert not missing


def _settings_in_code() -> set[str]:
    from sendward.config import Settings

    names = {f"SENDWARD_{name.upper()}" for name in Settings.model_fields}
    for path in SOURCES + [ROOT / "Makefile"]:
        names |= set(re.findall(r"SENDWARD_[A-Z0-9_]*[A-Z0-9]", path.read_text(encoding="utf-8")))
    return names


def test_every_setting_is_in_the_reference():
    settings = _settings_in_code()
    assert "SENDWARD_THREADS" in settings and "SENDWARD_EVAL_DIR" in settings  # fields, and names in the sources
    missing = sorted(name for name in settings if _code(name) not in REFERENCE)
    assert not missing


def _commands(parser: argparse.ArgumentParser, prefix: str):
    """Yield (command line prefix, its parser) for every command and sub-command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix} {name}", sub
                yield from _commands(sub, f"{prefix} {name}")


def test_every_command_and_option_is_in_the_reference():
    from sendward.entrypoints.cli import build_parser

    commands = list(_commands(build_parser(), "sendward"))
    assert len(commands) >= 9
    for command, parser in commands:
        lines = [line for line in REFERENCE.splitlines() if f"`{command}" in line]
        assert lines, f"{command} is not in docs/reference.md"
        text = "\n".join(lines)
        for action in parser._actions:
            for option in action.option_strings:
                if option in ("-h", "--help"):
                    continue
                assert option in text, f"{command} {option} is not in docs/reference.md"


def test_every_make_target_is_in_the_reference():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split()
    assert "run" in phony and "test" in phony
    missing = [t for t in phony if f"`make {t}`" not in REFERENCE]
    assert not missing


def test_every_error_code_is_in_the_reference():
    codes: set[str] = set()
    for path in (ROOT / "server" / "sendward" / "entrypoints" / "http").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'code="([a-z_]+)"', text))
        codes |= set(re.findall(r'error_response\(\s*\d+,\s*"([a-z_]+)"', text))
    from sendward.entrypoints.http import errors

    codes |= set(errors._CODES.values())
    assert {"invalid_token", "invalid_draft", "too_large"} <= codes
    missing = sorted(code for code in codes if _code(code) not in REFERENCE)
    assert not missing


@pytest.mark.parametrize("pattern", [r"\.\./shared(?!/eval/)", r"CONTRACT\.md", r"(?i)send" + "guard"])
def test_nothing_in_the_repository_points_outside_it_or_uses_the_old_name(pattern):
    """The only outside files read are the public evaluation data in ../shared/eval/ (never copied in)."""
    import subprocess

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    offenders = []
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".ico"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if re.search(pattern, text):
            offenders.append(name)
    assert not offenders


def _settings_table_in_reference() -> str:
    """The table as scripts/settings-table.py finds it (the script that writes it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("settings_table_script", ROOT / "scripts" / "settings-table.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    lines = REFERENCE.splitlines(keepends=True)
    start, end = script.table_span(lines)
    return "".join(lines[start:end])


def test_the_settings_table_is_the_one_rendered_from_the_settings_model():
    """Each Settings field carries its row; the reference shows exactly those rows (no drift either way)."""
    from sendward.config import Settings, settings_table

    rendered = settings_table()
    assert all(f"| `SENDWARD_{name.upper()}` |" in rendered for name in Settings.model_fields)
    assert _settings_table_in_reference() == rendered, (
        "docs/reference.md's settings table differs from sendward.config.Settings: "
        "run `.venv/bin/python scripts/settings-table.py`"
    )


def test_every_setting_documents_its_meaning():
    from sendward.config import Settings

    undocumented = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert not undocumented
