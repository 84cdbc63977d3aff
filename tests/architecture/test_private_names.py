"""No module takes a private name (``_TENANT``) from another package: shared names live in sendward.kernel.

The layers and cycles are `make lint`'s (import-linter, pyproject.toml); this is the one rule it cannot state.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "sendward"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_imports_from_elsewhere(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        importer = module_name(path, root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level or not (node.module or "").startswith("sendward"):
                continue
            home = node.module.rsplit(".", 1)[0]  # the package the module belongs to
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and not (importer == home or importer.startswith(home + ".")):
                    found.append(f"{importer}: from {node.module} import {alias.name}")
    return found


def test_no_private_name_is_imported_from_another_package():
    assert private_imports_from_elsewhere() == []


def test_the_check_sees_such_an_import(tmp_path):
    package = tmp_path / "sendward"
    (package / "entrypoints").mkdir(parents=True)
    (package / "entrypoints" / "cli.py").write_text("from sendward.adapters.identity.tokens import _TENANT\n")
    (package / "adapters" / "identity").mkdir(parents=True)
    (package / "adapters" / "identity" / "dev.py").write_text("from sendward.adapters.identity.tokens import _TENANT\n")
    assert private_imports_from_elsewhere(package) == [
        "sendward.entrypoints.cli: from sendward.adapters.identity.tokens import _TENANT"
    ]
