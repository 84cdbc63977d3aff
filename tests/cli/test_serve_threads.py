"""`sendward serve`: gthread threads per worker come from SENDWARD_THREADS (1..32)."""

from __future__ import annotations

import pytest

from sendward.config import ConfigError
from sendward.entrypoints.cli import EXIT_USAGE, main
from sendward.entrypoints.gunicorn_app import THREADS_PER_WORKER, options


def test_threads_default_to_the_measured_choice(monkeypatch):
    monkeypatch.delenv("SENDWARD_THREADS", raising=False)
    assert options("127.0.0.1", 8000, 2)["threads"] == THREADS_PER_WORKER


@pytest.mark.parametrize("value", ["1", "2", "32"])
def test_threads_are_read_from_the_environment(monkeypatch, value):
    monkeypatch.setenv("SENDWARD_THREADS", value)
    assert options("127.0.0.1", 8000, 2)["threads"] == int(value)


@pytest.mark.parametrize("value", ["0", "33", "-1", "four", "2.5"])
def test_threads_out_of_range_are_refused(monkeypatch, value):
    monkeypatch.setenv("SENDWARD_THREADS", value)
    with pytest.raises(ConfigError, match="SENDWARD_THREADS"):
        options("127.0.0.1", 8000, 2)


def test_serve_refuses_bad_threads_before_starting(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SENDWARD_THREADS", "64")
    assert main(["serve", "--port", "1"]) == EXIT_USAGE
    assert "SENDWARD_THREADS must be a whole number from 1 to 32" in capsys.readouterr().err


def test_what_the_app_loaded_is_frozen_out_of_the_garbage_collectors_sight(tmp_path, scanner, monkeypatch):
    import gc

    from sendward.config import Settings
    from sendward.entrypoints import gunicorn_app

    monkeypatch.setattr("sendward.bootstrap.Scanner", lambda **kwargs: scanner)  # the session's, loaded once
    gc.unfreeze()
    try:
        application = gunicorn_app.SendwardApplication.__new__(gunicorn_app.SendwardApplication)
        application.settings = Settings(data_dir=tmp_path)
        app = application.load()
        assert app.name == "sendward"
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
