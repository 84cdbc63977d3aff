"""The SQLite database and its directory are private to the service's user (issue 14)."""

import os
import stat

from sendward.bootstrap import bootstrap
from sendward.config import Settings


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_is_0600_in_a_0700_directory(tmp_path, scanner):
    data_dir = tmp_path / "data"
    container = bootstrap(Settings(data_dir=data_dir), scanner=scanner)
    container.storage.ping()
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "sendward.db") == 0o600
    for journal in data_dir.glob("sendward.db-*"):  # WAL and shared memory follow the database
        assert mode(journal) & 0o077 == 0, journal.name


def test_an_existing_database_readable_by_others_is_made_private(tmp_path, scanner):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    (data_dir / "sendward.db").touch(mode=0o644)
    os.chmod(data_dir, 0o755)
    os.chmod(data_dir / "sendward.db", 0o644)
    bootstrap(Settings(data_dir=data_dir), scanner=scanner)
    assert (mode(data_dir), mode(data_dir / "sendward.db")) == (0o700, 0o600)
