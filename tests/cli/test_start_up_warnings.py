"""`sendward serve` warns about configurations that work but were most likely not meant."""

from sendward.config import Settings
from sendward.entrypoints.gunicorn_app import start_up_warnings


def test_the_embedded_default_says_loudly_that_it_runs_the_dev_identity(tmp_path):
    (warning,) = start_up_warnings(Settings(data_dir=tmp_path))
    assert warning.startswith("DEV IDENTITY") and "SENDWARD_IDENTITY=entra" in warning


def _without_dev(warnings):
    return [w for w in warnings if not w.startswith("DEV IDENTITY")]


def test_shared_stores_without_shared_keys_are_warned_about(tmp_path):
    for shared in ({"redis_url": "redis://cache:6379/0"}, {"database_url": "postgresql://db/sendward"}):
        (warning,) = _without_dev(start_up_warnings(Settings(data_dir=tmp_path, **shared)))
        assert "SENDWARD_USER_HASH_KEY" in warning and "every instance" in warning
    keyed = Settings(data_dir=tmp_path, redis_url="redis://cache:6379/0", user_hash_key="k", session_secret="s")
    assert _without_dev(start_up_warnings(keyed)) == []


def test_entra_without_a_metrics_token_is_warned_about(tmp_path):
    settings = Settings(data_dir=tmp_path, identity="entra", client_id="c", public_url="https://s.example.org")
    assert any("SENDWARD_METRICS_TOKEN" in w for w in start_up_warnings(settings))
    assert start_up_warnings(settings.with_changes(metrics_token="t")) == []


def test_entra_without_a_public_url_is_warned_about(tmp_path):
    settings = Settings(data_dir=tmp_path, identity="entra", client_id="c", metrics_token="t")
    (warning,) = start_up_warnings(settings)
    assert "SENDWARD_PUBLIC_URL" in warning


# -- issue 14: identity is explicit, secrets are real -------------------------------------------

import pytest  # noqa: E402

from sendward.config import ConfigError  # noqa: E402

REAL = "k7Qv2N9xF4mB8cR1tY6wZ3pL5sD0hJ2gA9eU"  # 36 bytes, random-looking


@pytest.mark.parametrize("entra_setting", [
    {"SENDWARD_CLIENT_ID": "00000000-0000-0000-0000-000000000001"},
    {"SENDWARD_CLIENT_SECRET": REAL},
    {"SENDWARD_CLIENT_CERTIFICATE_PATH": "/etc/sendward/app.pem"},
    {"SENDWARD_ALLOWED_TENANTS": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
    {"SENDWARD_API_AUDIENCE": "api://sendward.example.org/x"},
])
def test_an_entra_setting_without_an_identity_refuses_to_start(tmp_path, entra_setting):
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"SENDWARD_DATA_DIR": str(tmp_path), **entra_setting})
    message = str(refused.value)
    assert "SENDWARD_IDENTITY=entra" in message and next(iter(entra_setting)) in message


def test_the_dev_identity_is_used_when_chosen_or_when_nothing_says_entra(tmp_path):
    assert Settings.from_env({"SENDWARD_DATA_DIR": str(tmp_path)}).identity == "dev"
    chosen = {"SENDWARD_IDENTITY": "dev", "SENDWARD_CLIENT_ID": "00000000-0000-0000-0000-000000000001"}
    assert Settings.from_env(chosen).identity == "dev"


def test_serve_refuses_an_entra_setting_without_an_identity(tmp_path, monkeypatch, capsys):
    from sendward.entrypoints import cli

    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SENDWARD_IDENTITY", raising=False)
    monkeypatch.setenv("SENDWARD_CLIENT_ID", "00000000-0000-0000-0000-000000000001")
    assert cli.main(["serve", "--port", "8123"]) == 64
    assert "SENDWARD_IDENTITY" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["SENDWARD_SESSION_SECRET", "SENDWARD_USER_HASH_KEY", "SENDWARD_METRICS_TOKEN",
                                  "SENDWARD_CLIENT_SECRET"])
@pytest.mark.parametrize("identity", ["dev", "entra"])
def test_template_secrets_are_refused(name, identity):
    env = {"SENDWARD_IDENTITY": identity, "SENDWARD_CLIENT_ID": "c", name: "change-me"}
    with pytest.raises(ConfigError, match=f"{name} still holds a template value"):
        Settings.from_env(env)


def test_template_passwords_in_store_urls_are_refused():
    with pytest.raises(ConfigError, match="SENDWARD_DATABASE_URL"):
        Settings.from_env({"SENDWARD_DATABASE_URL": "postgresql://sendward:change-me@db/sendward"})


@pytest.mark.parametrize("name", ["SENDWARD_SESSION_SECRET", "SENDWARD_USER_HASH_KEY", "SENDWARD_METRICS_TOKEN",
                                  "SENDWARD_CLIENT_SECRET"])
def test_short_secrets_are_refused_with_entra(name):
    env = {"SENDWARD_IDENTITY": "entra", "SENDWARD_CLIENT_ID": "c", name: "x" * 31}
    with pytest.raises(ConfigError, match=f"{name} is shorter than 32 bytes"):
        Settings.from_env(env)
    assert getattr(Settings.from_env({**env, name: REAL}), name[len("SENDWARD_"):].lower()) == REAL
