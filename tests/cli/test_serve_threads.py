"""`sendguard serve`: gthread threads per worker come from SENDGUARD_THREADS (1..32)."""

from __future__ import annotations

import pytest

from sendguard.config import ConfigError
from sendguard.entrypoints.cli import EXIT_USAGE, main
from sendguard.entrypoints.gunicorn_app import THREADS_PER_WORKER, options


def test_threads_default_to_the_measured_choice(monkeypatch):
    monkeypatch.delenv("SENDGUARD_THREADS", raising=False)
    assert options("127.0.0.1", 8000, 2)["threads"] == THREADS_PER_WORKER


@pytest.mark.parametrize("value", ["1", "2", "32"])
def test_threads_are_read_from_the_environment(monkeypatch, value):
    monkeypatch.setenv("SENDGUARD_THREADS", value)
    assert options("127.0.0.1", 8000, 2)["threads"] == int(value)


@pytest.mark.parametrize("value", ["0", "33", "-1", "four", "2.5"])
def test_threads_out_of_range_are_refused(monkeypatch, value):
    monkeypatch.setenv("SENDGUARD_THREADS", value)
    with pytest.raises(ConfigError, match="SENDGUARD_THREADS"):
        options("127.0.0.1", 8000, 2)


def test_serve_refuses_bad_threads_before_starting(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SENDGUARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SENDGUARD_THREADS", "64")
    assert main(["serve", "--port", "1"]) == EXIT_USAGE
    assert "SENDGUARD_THREADS must be a whole number from 1 to 32" in capsys.readouterr().err


def test_what_the_app_loaded_is_frozen_out_of_the_garbage_collectors_sight(tmp_path, scanner, monkeypatch):
    import gc

    from sendguard.config import Settings
    from sendguard.entrypoints import gunicorn_app

    monkeypatch.setattr("sendguard.bootstrap.Scanner", lambda **kwargs: scanner)  # the session's, loaded once
    gc.unfreeze()
    try:
        application = gunicorn_app.SendGuardApplication.__new__(gunicorn_app.SendGuardApplication)
        application.settings = Settings(data_dir=tmp_path)
        app = application.load()
        assert app.name == "sendguard"
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
