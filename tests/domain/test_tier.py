"""The domain tier runs on its own in seconds: neither these tests nor tests/conftest.py import the app.

(What sendward.domain itself may import is checked by `make lint`, see pyproject.toml.)
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_LIBRARIES = ("flask", "werkzeug", "sqlalchemy", "msgraph", "msal", "presidio_analyzer", "redis")


def test_collecting_the_domain_tests_imports_no_web_database_or_detection_library():
    modules = ["tests.conftest"] + [f"tests.domain.{path.stem}" for path in sorted((ROOT / "tests/domain").glob("test_*.py"))]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in {APP_LIBRARIES!r} if m in sys.modules))\n"
    )
    env_path = f"{ROOT / 'server'}:{ROOT}"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
