"""`sendward policy export|import|validate` and `sendward purge`: output and exit status."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sendward.adapters.storage import schema
from sendward.adapters.storage.repository import Storage
from sendward.domain.records import DecisionRecord
from sendward.entrypoints import cli

EXAMPLE_POLICY = Path(__file__).resolve().parents[2] / "examples" / "northshire-policy.json"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path / "data"))
    for name in ("SENDWARD_DATABASE_URL", "SENDWARD_IDENTITY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def storage(data_dir) -> Storage:
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = schema.make_engine(f"sqlite:///{data_dir / 'sendward.db'}")
    schema.upgrade(engine)
    return Storage(engine)


def test_validate_a_good_file(capsys):
    assert cli.main(["policy", "validate", str(EXAMPLE_POLICY)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_lists_field_errors_on_stderr(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {"internal_domains": ["not a domain"], "rules": {"recipients.exposed": {"block_at": 1}}}
        )
    )
    assert cli.main(["policy", "validate", str(bad)]) == 65
    err = capsys.readouterr().err
    assert "internal_domains.0: 'not a domain' is not a valid domain name" in err
    assert "rules.recipients.exposed.block_at:" in err


@pytest.mark.parametrize("content", [None, "{not json", "[1, 2]", "\udcff"])
def test_validate_an_unreadable_file_is_65(tmp_path, capsys, content):
    path = tmp_path / "policy.json"
    if content == "\udcff":
        path.write_bytes(b"\xff\xfe\x00garbage")
    elif content is not None:
        path.write_text(content)
    assert cli.main(["policy", "validate", str(path)]) == 65
    assert capsys.readouterr().err.startswith("sendward: ")


def test_usage_errors_are_64(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["policy"])
    assert exit.value.code == 64
    with pytest.raises(SystemExit) as exit:
        cli.main(["policy", "export", "--version", "two"])
    assert exit.value.code == 64
    assert cli.main(["policy", "export", "--tenant", "bad tenant!"]) == 64


def test_import_saves_a_version_and_publishes_on_request(data_dir, capsys):
    assert cli.main(["policy", "import", str(EXAMPLE_POLICY), "--tenant", "northshire"]) == 0
    assert "version 1 (saved, not published)" in capsys.readouterr().out
    s = storage(data_dir)
    assert s.published_policy("northshire") is None
    assert s.policy_version("northshire", 1).comment == "Imported from northshire-policy.json"

    assert (
        cli.main(
            [
                "policy",
                "import",
                str(EXAMPLE_POLICY),
                "--tenant",
                "northshire",
                "--publish",
                "--comment",
                "go live",
            ]
        )
        == 0
    )
    published = s.published_policy("northshire")
    assert (published.version, published.comment) == (2, "go live")
    assert published.document["internal_domains"] == ["northshire.gov.uk"]


def test_import_refuses_an_invalid_file(tmp_path, data_dir, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"retention_days": 0}))
    assert cli.main(["policy", "import", str(bad)]) == 65
    assert "retention_days" in capsys.readouterr().err
    assert storage(data_dir).latest_version("dev-tenant") == 0


def test_export_then_import_round_trips(tmp_path, data_dir, capsys):
    cli.main(["policy", "import", str(EXAMPLE_POLICY), "--publish"])
    out = tmp_path / "export.json"
    assert cli.main(["policy", "export", "--out", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert (exported["tenant"], exported["version"], exported["published"]) == (
        "dev-tenant",
        1,
        True,
    )
    assert cli.main(["policy", "validate", str(out)]) == 0
    assert cli.main(["policy", "import", str(out), "--tenant", "other", "--publish"]) == 0
    assert storage(data_dir).published_policy("other").document == exported["policy"]


def test_export_to_stdout_and_by_version(capsys):
    cli.main(["policy", "import", str(EXAMPLE_POLICY)])
    capsys.readouterr()
    assert cli.main(["policy", "export"]) == 0  # nothing published yet: the defaults
    assert json.loads(capsys.readouterr().out)["version"] == 0
    assert cli.main(["policy", "export", "--version", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["policy"]["trusted_domains"] == ["nhs.net"]
    assert cli.main(["policy", "export", "--version", "5"]) == 64
    assert "no policy version 5" in capsys.readouterr().err


def test_export_to_an_unwritable_place_is_64(tmp_path, capsys):
    assert (
        cli.main(["policy", "export", "--out", str(tmp_path / "missing" / "dir" / "x.json")]) == 64
    )


def test_entra_needs_a_tenant(monkeypatch, capsys):
    monkeypatch.setenv("SENDWARD_IDENTITY", "entra")
    monkeypatch.setenv("SENDWARD_CLIENT_ID", "00000000-0000-0000-0000-000000000001")
    assert cli.main(["policy", "export"]) == 64
    assert "--tenant is required" in capsys.readouterr().err


def test_purge_prints_counts_per_tenant(data_dir, capsys):
    s = storage(data_dir)
    now = datetime.now(timezone.utc)
    for id, tenant, age in (("old-a", "a", 400), ("new-a", "a", 1), ("old-b", "b", 400)):
        s.record_decision(
            DecisionRecord(
                id=id,
                tenant_id=tenant,
                user_hash="u",
                created_at=now - timedelta(days=age),
                action="allow",
                would_action=None,
                mode="enforce",
                score=0,
                policy_version=0,
                counts={},
                findings=(),
                attachments=(),
            )
        )
    assert cli.main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "a: would delete 1 decision older than 365 days" in out
    assert "would delete 2 decisions in 2 tenants" in out
    assert s.decision("a", "old-a") is not None

    assert cli.main(["purge", "--tenant", "a"]) == 0
    assert "deleted 1 decision in 1 tenant" in capsys.readouterr().out
    assert s.decision("a", "old-a") is None and s.decision("b", "old-b") is not None
    assert s.decision("a", "new-a") is not None


@pytest.mark.redis
def test_a_published_import_reaches_the_instances_through_the_shared_cache(data_dir, monkeypatch, redis_url, capsys):
    from sendward.bootstrap import bootstrap
    from sendward.config import Settings

    url, prefix = redis_url
    monkeypatch.setenv("SENDWARD_REDIS_URL", url)
    monkeypatch.setenv("SENDWARD_REDIS_PREFIX", prefix)
    running = bootstrap(Settings.from_env())
    assert running.policies.current("northshire")[1] == 0  # a running instance caches the defaults
    assert cli.main(["policy", "import", str(EXAMPLE_POLICY), "--tenant", "northshire", "--publish"]) == 0
    policy, version = running.policies.current("northshire")
    assert version == 1 and policy.internal_domains == ["northshire.gov.uk"]
