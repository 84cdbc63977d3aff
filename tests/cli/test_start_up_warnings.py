"""`sendward serve` warns about configurations that work but were most likely not meant."""

from sendward.config import Settings
from sendward.entrypoints.gunicorn_app import start_up_warnings


def test_the_embedded_default_has_nothing_to_warn_about(tmp_path):
    assert start_up_warnings(Settings(data_dir=tmp_path)) == []


def test_shared_stores_without_shared_keys_are_warned_about(tmp_path):
    for shared in ({"redis_url": "redis://cache:6379/0"}, {"database_url": "postgresql://db/sendward"}):
        (warning,) = start_up_warnings(Settings(data_dir=tmp_path, **shared))
        assert "SENDWARD_USER_HASH_KEY" in warning and "every instance" in warning
    keyed = Settings(data_dir=tmp_path, redis_url="redis://cache:6379/0", user_hash_key="k", session_secret="s")
    assert start_up_warnings(keyed) == []


def test_entra_without_a_metrics_token_is_warned_about(tmp_path):
    settings = Settings(data_dir=tmp_path, identity="entra", client_id="c")
    assert any("SENDWARD_METRICS_TOKEN" in w for w in start_up_warnings(settings))
    assert start_up_warnings(settings.with_changes(metrics_token="t")) == []
