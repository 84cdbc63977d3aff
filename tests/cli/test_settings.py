"""Settings (pydantic-settings): how SENDWARD_* values are read, and that a bad one is a ConfigError naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendward.config import ConfigError, Settings


def test_an_empty_or_blank_variable_counts_as_unset():
    settings = Settings.from_env({"SENDWARD_FAIL_MODE": "", "SENDWARD_TIME_BUDGET_MS": "  ", "SENDWARD_IDENTITY": ""})
    assert (settings.fail_mode, settings.time_budget_ms, settings.identity) == ("open", 4000, "dev")


def test_values_are_stripped_and_only_upper_case_names_are_read():
    settings = Settings.from_env({"SENDWARD_FAIL_MODE": " closed ", "sendward_graph_mode": "application"})
    assert (settings.fail_mode, settings.graph_mode) == ("closed", "delegated")


def test_lists_are_comma_separated_and_normalised():
    settings = Settings.from_env({
        "SENDWARD_IDENTITY": "entra", "SENDWARD_CLIENT_ID": "c",
        "SENDWARD_ALLOWED_TENANTS": " 72F988BF-86f1-41af-91ab-2d7cd011db47 ,, contoso ",
        "SENDWARD_ADDIN_ORIGINS": "https://a.example/,https://b.example",
    })
    assert settings.allowed_tenants == ("72f988bf-86f1-41af-91ab-2d7cd011db47", "contoso")
    assert settings.addin_origins == ("https://a.example", "https://b.example")
    assert Settings.from_env({}).allowed_tenants == ()


@pytest.mark.parametrize("raw, expected", [
    ("true", True), ("1", True), ("yes", True), ("ON", True), (" on ", True),
    ("false", False), ("0", False), ("no", False), ("Off", False),
])
def test_switches(raw, expected):
    assert Settings.from_env({"SENDWARD_RECIPIENT_HISTORY": raw}).recipient_history is expected


def test_paths_and_urls_are_normalised(tmp_path):
    settings = Settings.from_env({
        "SENDWARD_DATA_DIR": "~/sendward-data", "SENDWARD_ADDIN_DIR": str(tmp_path),
        "SENDWARD_PUBLIC_URL": "https://sendward.example.org/",
        "SENDWARD_DATABASE_URL": "postgresql://sendward@db/sendward",
    })
    assert settings.data_dir == Path.home() / "sendward-data" and settings.addin_dir == tmp_path
    assert settings.public_url == "https://sendward.example.org"
    assert settings.sqlalchemy_url == "postgresql+psycopg://sendward@db/sendward"
    assert Settings(data_dir=tmp_path).sqlalchemy_url == f"sqlite:///{tmp_path / 'sendward.db'}"


@pytest.mark.parametrize("name, raw, message", [
    ("SENDWARD_FAIL_MODE", "sometimes", "SENDWARD_FAIL_MODE must be 'open' or 'closed'"),
    ("SENDWARD_IDENTITY", "ldap", "SENDWARD_IDENTITY must be 'dev' or 'entra'"),
    ("SENDWARD_GRAPH_MODE", "app", "SENDWARD_GRAPH_MODE must be 'delegated' or 'application'"),
    ("SENDWARD_TIME_BUDGET_MS", "99", "SENDWARD_TIME_BUDGET_MS must be a whole number from 100 to 300000"),
    ("SENDWARD_TIME_BUDGET_MS", "soon", "SENDWARD_TIME_BUDGET_MS must be a whole number from 100 to 300000, not 'soon'"),
    ("SENDWARD_EXTRACTION_MEMORY_MB", "128", "SENDWARD_EXTRACTION_MEMORY_MB must be a whole number from 256 to 65536"),
    ("SENDWARD_MAX_ATTACHMENT_BYTES", "0", "SENDWARD_MAX_ATTACHMENT_BYTES must be a whole number of 1 or more"),
    ("SENDWARD_RATE_LIMIT_PER_TENANT", "-1", "SENDWARD_RATE_LIMIT_PER_TENANT must be a whole number of 0 or more"),
    ("SENDWARD_GRAPH_BASE_URL", "http://graph.example", "SENDWARD_GRAPH_BASE_URL must be an https:// URL"),
    ("SENDWARD_REDIS_URL", "http://cache:6379", "SENDWARD_REDIS_URL must be a redis://, rediss:// or unix:// URL"),
    ("SENDWARD_PUBLIC_URL", "https://s.example/addin", "SENDWARD_PUBLIC_URL must be an origin"),
    ("SENDWARD_RECIPIENT_HISTORY", "perhaps", "SENDWARD_RECIPIENT_HISTORY must be true or false, not 'perhaps'"),
])
def test_a_bad_value_is_a_one_line_config_error_naming_the_variable(name, raw, message):
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({name: raw})
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)


def test_settings_built_in_code_never_read_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SENDWARD_FAIL_MODE", "closed")
    assert Settings(data_dir=tmp_path).fail_mode == "open"
    assert Settings.from_env().fail_mode == "closed"


def test_code_gets_a_config_error_too_and_changes_are_checked(tmp_path):
    with pytest.raises(ConfigError, match="SENDWARD_FAIL_MODE"):
        Settings(data_dir=tmp_path, fail_mode="shut")
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ConfigError, match="SENDWARD_THREADS"):
        settings.with_changes(threads=0)
    with pytest.raises(TypeError, match="no field"):
        settings.with_changes(thread=4)


def test_settings_are_immutable_and_with_changes_is_a_copy(tmp_path):
    settings = Settings(data_dir=tmp_path)
    changed = settings.with_changes(fail_mode="closed", addin_origins=("https://a.example",))
    assert (settings.fail_mode, changed.fail_mode, changed.data_dir) == ("open", "closed", tmp_path)
    assert changed.addin_origins == ("https://a.example",)
    with pytest.raises(Exception):
        settings.fail_mode = "closed"
    assert settings.fail_mode == "open"
    assert settings == Settings(data_dir=tmp_path) and hash(settings) == hash(Settings(data_dir=tmp_path))
