"""`make lint` fails on a new upward import or a cycle: the contracts in pyproject.toml are shown to bite.

Runs import-linter on a copy of the package with one bad import added; the real tree is checked
by `make lint` itself.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("importlinter", reason="import-linter is not installed (the test extra)")


def lint_imports(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """import-linter over a copy of server/sendward in which ``module`` gains ``line``."""
    server = tmp_path / "server"
    shutil.copytree(ROOT / "server" / "sendward", server / "sendward", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = server / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", command, "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=tmp_path, env={"PYTHONPATH": str(server), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )


def test_an_upward_import_breaks_the_layers(tmp_path):
    result = lint_imports(tmp_path, "sendward.domain.entities", "from sendward.services import scoring")
    assert result.returncode != 0
    assert "sendward.domain is not allowed to import sendward.services" in result.stdout


def test_a_cycle_breaks_the_build(tmp_path):
    result = lint_imports(tmp_path, "sendward.adapters.storage.audit_queries", "from sendward.adapters.storage import repository")
    assert result.returncode != 0
    assert "No cycles are allowed in sendward.adapters.storage" in result.stdout


def test_the_copy_itself_keeps_every_contract(tmp_path):
    result = lint_imports(tmp_path, "sendward.domain.entities", "import re")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_service_importing_the_storage_adapter_breaks_the_layers(tmp_path):
    """The services see the storage port only (services/ports.py): no import of an adapter is excused."""
    result = lint_imports(tmp_path, "sendward.services.retention", "from sendward.adapters.storage import repository")
    assert result.returncode != 0
    assert "sendward.services.retention -> sendward.adapters.storage.repository" in result.stdout
