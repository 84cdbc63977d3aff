"""The one routine that creates secret files: 0600, first writer wins, nothing half-written left behind."""

import stat
from concurrent.futures import ThreadPoolExecutor

from sendward.adapters.local_secrets import create_secret_file, load_user_hash_key, read_or_create_secret


def test_a_secret_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "deep" / "dir" / "a.key"
    create_secret_file(path, b"first")
    create_secret_file(path, b"second")
    assert path.read_bytes() == b"first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.key"]  # no temporary file left


def test_racing_workers_all_read_the_same_secret(tmp_path):
    path = tmp_path / "session.key"
    with ThreadPoolExecutor(8) as pool:
        seen = set(pool.map(lambda _: read_or_create_secret(path), range(32)))
    assert len(seen) == 1 and len(seen.pop()) == 64


def test_the_user_hash_key_is_the_configured_one_else_kept_in_the_data_directory(tmp_path):
    assert load_user_hash_key("shared-by-every-instance", tmp_path) == b"shared-by-every-instance"
    assert not (tmp_path / "user-hash.key").exists()
    kept = load_user_hash_key(None, tmp_path)
    assert kept == load_user_hash_key("", tmp_path) == (tmp_path / "user-hash.key").read_text().encode()
