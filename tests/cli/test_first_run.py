"""The first run a newcomer meets: `make run` installs only what serving needs, `sendward serve`
names a busy port and how to choose another, a terminal gets readable logs without migration noise."""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import subprocess
from pathlib import Path

import pytest

from sendward.entrypoints import gunicorn_app
from sendward.entrypoints.cli import EXIT_USAGE, main, port_in_use

ROOT = Path(__file__).resolve().parents[2]


def make_dry_run(target: str, tmp_path) -> str:
    """What `make TARGET` would run on a fresh machine (-B: whatever this checkout already installed)."""
    result = subprocess.run(
        ["make", "-n", "-B", target, f"VENV={tmp_path / 'fresh-venv'}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return result.stdout


def test_make_run_installs_only_what_serving_needs(tmp_path):
    commands = make_dry_run("run", tmp_path)
    assert "pip install --quiet -e .\n" in commands
    assert "[test" not in commands and "npm" not in commands and "install-system-deps" not in commands
    assert "sendward serve" in commands


def test_make_test_still_installs_everything(tmp_path):
    commands = make_dry_run("test", tmp_path)
    assert "-e '.[test,postgres,redis]'" in commands
    assert "install-system-deps" in commands and "npm ci" in commands


def test_pyproject_declares_its_licence_the_way_setuptools_wants():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert isinstance(project["project"]["license"], str)  # an SPDX expression, not the deprecated table


@pytest.fixture
def listening():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_a_busy_port_is_named_with_the_way_to_choose_another(monkeypatch, tmp_path, capsys, listening):
    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(gunicorn_app, "serve", lambda *a, **k: pytest.fail("gunicorn started"))
    assert main(["serve", "--port", str(listening)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"port {listening} on 127.0.0.1 is already in use" in err
    assert "--port" in err and "PORT=" in err


def test_a_free_port_is_not_called_busy(listening):
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    assert port_in_use("127.0.0.1", listening)
    assert not port_in_use("127.0.0.1", port)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_logs_are_text_on_a_terminal_and_json_otherwise():
    assert gunicorn_app.default_log_format(_Terminal()) == "text"
    assert gunicorn_app.default_log_format(io.StringIO()) == "json"


def test_serve_reads_the_terminal_and_quiets_the_migrations(monkeypatch, tmp_path):
    from sendward.config import Settings

    formats = []
    monkeypatch.setattr(gunicorn_app, "default_log_format", lambda stream=None: "text")
    monkeypatch.setattr(gunicorn_app, "configure_logging", lambda fmt, level: formats.append(fmt))

    class Stopped(Exception):
        pass

    def no_gunicorn(settings, options):
        raise Stopped

    monkeypatch.setattr(gunicorn_app, "SendwardApplication", no_gunicorn)
    monkeypatch.setattr(gunicorn_app, "multiprocess_metrics", contextlib.nullcontext)
    logging.getLogger("alembic").setLevel(logging.NOTSET)
    try:
        with pytest.raises(Stopped):
            gunicorn_app.serve(Settings(data_dir=tmp_path), host="127.0.0.1", port=1, workers=1)
        assert logging.getLogger("alembic").getEffectiveLevel() == logging.WARNING
        with pytest.raises(Stopped):
            gunicorn_app.serve(Settings(data_dir=tmp_path, log_format="json"), host="127.0.0.1", port=1, workers=1)
        assert formats == ["text", "json"]  # the terminal's default, then the explicit setting
    finally:
        logging.getLogger("alembic").setLevel(logging.NOTSET)


def test_serve_over_https_needs_a_readable_certificate_and_key(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(gunicorn_app, "serve", lambda *a, **k: pytest.fail("gunicorn started"))
    assert main(["serve", "--port", "1", "--tls-cert", str(tmp_path / "c.pem")]) == EXIT_USAGE
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err
    assert main(["serve", "--port", "1", "--tls-cert", str(tmp_path / "c.pem"),
                 "--tls-key", str(tmp_path / "k.pem")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--tls-cert" in err and "No such file" in err


def test_serve_passes_the_certificate_to_gunicorn(monkeypatch, tmp_path):
    (tmp_path / "c.pem").write_text("cert")
    (tmp_path / "k.pem").write_text("key")
    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path / "data"))
    started = {}
    monkeypatch.setattr(gunicorn_app, "serve", lambda settings, **kwargs: started.update(kwargs) or 0)
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    assert main(["serve", "--port", str(port), "--tls-cert", str(tmp_path / "c.pem"),
                 "--tls-key", str(tmp_path / "k.pem")]) == 0
    assert started["tls"] == (str(tmp_path / "c.pem"), str(tmp_path / "k.pem"))
    chosen = gunicorn_app.options("127.0.0.1", 3000, 1, 8, tls=started["tls"])
    assert (chosen["certfile"], chosen["keyfile"]) == started["tls"]
    assert "certfile" not in gunicorn_app.options("127.0.0.1", 3000, 1, 8)
