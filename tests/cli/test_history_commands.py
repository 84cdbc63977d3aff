"""`sendward history import|forget|purge|sync`: a user's correspondent model from the command line."""

from __future__ import annotations

import json

import pytest

from sendward.entrypoints import cli
from tests.cli.test_check_history import usual_history, write_history


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SENDWARD_DATA_DIR", str(tmp_path / "data"))
    for name in ("SENDWARD_DATABASE_URL", "SENDWARD_IDENTITY", "SENDWARD_USER_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def stored_users():
    from sendward.entrypoints.cli_history import _context

    _, store, _ = _context()
    return store.users()


def test_import_then_forget(tmp_path, capsys):
    history = write_history(tmp_path / "h.jsonl.gz", usual_history())
    assert cli.main(["history", "import", str(history), "--user", "user-1"]) == 0
    out = capsys.readouterr().out
    assert "40 messages, 1 correspondents" in out and "partner.org" not in out
    assert [u for _, _, u in stored_users()] == ["user-1"]
    assert cli.main(["history", "forget", "--user", "user-1"]) == 0
    assert "deleted" in capsys.readouterr().out
    assert stored_users() == []
    assert cli.main(["history", "forget", "--user", "user-1"]) == 0
    assert "nothing stored" in capsys.readouterr().out


def test_an_imported_history_drives_the_service(tmp_path, monkeypatch):
    """The demo path: a history file imported for the dev user, recipients.misdirected in the service."""
    from sendward.adapters.identity.dev import DEV_TENANT, DEV_USER
    from sendward.bootstrap import bootstrap
    from sendward.config import Settings
    from sendward.domain.draft import Address, Draft

    history = write_history(tmp_path / "h.jsonl", usual_history())
    assert cli.main(["history", "import", str(history), "--user", DEV_USER]) == 0
    monkeypatch.setenv("SENDWARD_RECIPIENT_HISTORY", "on")
    container = bootstrap(Settings.from_env(), scanner=_NoScanner())
    caller = type("Caller", (), {"tenant_id": DEV_TENANT, "user_id": DEV_USER})()
    draft = Draft(sender=Address("me@northshire.gov.uk"), to=(Address("john.smith@gmail.com", "John Smith"),))
    verdict = container.decisions.decide(caller, draft, record=True)
    found = [f for f in verdict.findings if f.rule == "recipients.misdirected"]
    assert found and found[0].evidence["suggestion"] == "john.smith@partner.org"
    # The audit record keeps the rule id, never the addresses.
    record = container.storage.decision(DEV_TENANT, verdict.decision_id)
    assert "recipients.misdirected" in json.dumps(record, default=str)
    assert "gmail" not in json.dumps(record, default=str) and "partner.org" not in json.dumps(record, default=str)


class _NoScanner:
    """A draft without attachments or body needs no Presidio."""

    def scan_body(self, body, request):
        from sendward.domain.signals import ContentSignals

        return ContentSignals()

    def scan_attachment(self, attachment, request):
        raise AssertionError("no attachments here")


def test_purge_deletes_models_not_synced_lately(tmp_path, capsys):
    write_history(tmp_path / "h.jsonl", usual_history())
    cli.main(["history", "import", str(tmp_path / "h.jsonl"), "--user", "user-1"])
    capsys.readouterr()
    assert cli.main(["history", "purge", "--days", "1", "--dry-run"]) == 0
    assert "would delete 0 models" in capsys.readouterr().out
    assert cli.main(["history", "purge", "--days", "0"]) == cli.EXIT_USAGE


def test_usage_errors(tmp_path, capsys):
    assert cli.main(["history", "import", str(tmp_path / "missing.jsonl"), "--user", "u"]) == 65
    assert cli.main(["history", "forget", "--user", "../etc"]) == cli.EXIT_USAGE
    assert cli.main(["history", "sync", "--user", "u"]) == cli.EXIT_USAGE  # the dev identity has no Graph
    assert "Entra ID" in capsys.readouterr().err
    assert cli.main(["history", "sync", "--max-pages", "0"]) == cli.EXIT_USAGE


def test_sync_against_the_graph_fake(test_ca, tmp_path, monkeypatch, capsys):
    from tests.fakes.graph import FakeGraph
    from tests.graph.conftest import GRAPH_TOKEN, FakeGraphTokens
    from tests.graph.test_sent_items_sync import message, received

    with FakeGraph(test_ca, token=GRAPH_TOKEN) as graph:
        graph.add_sent_messages("user-1", [message(n) for n in range(12)])
        graph.add_received_messages("user-1", [received(n) for n in range(3)])
        monkeypatch.setenv("SENDWARD_GRAPH_BASE_URL", graph.url)
        monkeypatch.setenv("SENDWARD_CA_BUNDLE", str(test_ca.bundle))
        args = cli.build_parser().parse_args(["history", "sync", "--user", "user-1", "--user", "user-2"])
        from sendward.entrypoints.cli_history import run_history

        assert run_history(args, graph_tokens=FakeGraphTokens()) == 69  # user-2 has no mailbox here
        out = capsys.readouterr()
        assert "12 new messages, 12 in all, 3 new received" in out.out and "synced 1 of 2 users" in out.out
        assert "user-2: not synced" in out.err
        # With no --user: every user with a stored model.
        graph.add_sent_message("user-1", message(50))
        args = cli.build_parser().parse_args(["history", "sync"])
        assert run_history(args, graph_tokens=FakeGraphTokens()) == 0
        assert "1 new messages, 13 in all" in capsys.readouterr().out
    assert json.dumps(stored_users()).count("user-1") == 1


def test_sync_seeds_a_user_with_little_mail_unless_switched_off(test_ca, tmp_path, monkeypatch, capsys):
    from tests.fakes.graph import FakeGraph
    from tests.graph.conftest import GRAPH_TOKEN, FakeGraphTokens
    from tests.graph.test_sent_items_sync import message
    from sendward.entrypoints.cli_history import run_history

    with FakeGraph(test_ca, token=GRAPH_TOKEN) as graph:
        graph.add_sent_messages("user-1", [message(n) for n in range(3)])
        graph.add_person("user-1", "John Smith", "john.smith@partner.org")
        monkeypatch.setenv("SENDWARD_GRAPH_BASE_URL", graph.url)
        monkeypatch.setenv("SENDWARD_CA_BUNDLE", str(test_ca.bundle))
        monkeypatch.setenv("SENDWARD_RECIPIENT_HISTORY_PEOPLE", "false")
        args = cli.build_parser().parse_args(["history", "sync", "--user", "user-1"])
        assert run_history(args, graph_tokens=FakeGraphTokens()) == 0
        assert "known from Graph" not in capsys.readouterr().out and graph.count("people") == 0
        monkeypatch.setenv("SENDWARD_RECIPIENT_HISTORY_PEOPLE", "true")
        assert run_history(args, graph_tokens=FakeGraphTokens()) == 0
        assert "1 people known from Graph (cold start)" in capsys.readouterr().out
        assert graph.count("people") == 1


def test_a_bad_setting_read_by_a_command_is_a_usage_error(tmp_path, monkeypatch, capsys):
    # The client credential is read only when sync builds its Graph tokens, after the settings load.
    monkeypatch.setenv("SENDWARD_IDENTITY", "entra")
    monkeypatch.setenv("SENDWARD_CLIENT_ID", "11111111-1111-1111-1111-111111111111")
    monkeypatch.setenv("SENDWARD_CLIENT_CERTIFICATE_PATH", str(tmp_path / "missing.pem"))
    monkeypatch.setenv("SENDWARD_CLIENT_CERTIFICATE_THUMBPRINT", "A" * 40)
    assert cli.main(["history", "sync", "--tenant", "tenant-a", "--user", "u"]) == cli.EXIT_USAGE
    assert "SENDWARD_CLIENT_CERTIFICATE_PATH cannot be read" in capsys.readouterr().err


def test_import_with_a_sender_learns_the_others_mail_to_them_as_received(tmp_path, capsys):
    from tests.cli.test_check_history import SENDER, graph_message

    lines = usual_history() + [graph_message(d, [(SENDER, "Me")], sender="zoe.quinn@elsewhere.org") for d in range(5)]
    history = write_history(tmp_path / "h.jsonl", lines)
    assert cli.main(["history", "import", str(history), "--user", "user-1", "--sender", SENDER]) == 0
    assert "40 messages, 1 correspondents, 5 received" in capsys.readouterr().out
