"""`sendward serve`: gthread threads per worker come from SENDWARD_THREADS (1..32), worker processes
from --workers, else SENDWARD_WORKERS (1..64); both are Settings fields."""

from __future__ import annotations

import contextlib

import pytest

from sendward.config import ConfigError, Settings
from sendward.entrypoints import gunicorn_app
from sendward.entrypoints.cli import EXIT_USAGE, main


def test_threads_and_workers_default_to_the_measured_choice():
    settings = Settings.from_env({})
    assert (settings.threads, settings.workers) == (8, 2)


@pytest.mark.parametrize("value", ["1", "2", "32"])
def test_threads_are_read_from_the_environment(value):
    assert Settings.from_env({"SENDWARD_THREADS": value}).threads == int(value)


@pytest.mark.parametrize("value", ["0", "33", "-1", "four", "2.5"])
def test_threads_out_of_range_are_refused(value):
    with pytest.raises(ConfigError, match="SENDWARD_THREADS must be a whole number from 1 to 32"):
        Settings.from_env({"SENDWARD_THREADS": value})


@pytest.mark.parametrize("value", ["0", "65", "many"])
def test_workers_out_of_range_are_refused(value):
    with pytest.raises(ConfigError, match="SENDWARD_WORKERS must be a whole number from 1 to 64"):
        Settings.from_env({"SENDWARD_WORKERS": value})


@pytest.mark.parametrize("flag, expected", [(None, 3), (5, 5)])
def test_gunicorn_is_given_the_settings_threads_and_workers(tmp_path, monkeypatch, flag, expected):
    """--workers wins over SENDWARD_WORKERS; the threads are always SENDWARD_THREADS."""
    given = []

    class NoGunicorn:
        def __init__(self, settings, options):
            given.append(options)

        def run(self):
            pass

    monkeypatch.setattr(gunicorn_app, "configure_logging", lambda fmt, level: None)
    monkeypatch.setattr(gunicorn_app, "SendwardApplication", NoGunicorn)
    monkeypatch.setattr(gunicorn_app, "multiprocess_metrics", contextlib.nullcontext)
    settings = Settings(data_dir=tmp_path, workers=3, threads=12)
    assert gunicorn_app.serve(settings, host="127.0.0.1", port=1, workers=flag) == 0
    assert (given[0]["workers"], given[0]["threads"], given[0]["worker_class"]) == (expected, 12, "gthread")


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
