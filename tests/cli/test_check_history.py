"""`sendward check --history`: recipients.misdirected judged against the sender's earlier sent mail."""

import gzip
import json
from datetime import datetime, timedelta, timezone

import pytest

from sendward.entrypoints import cli

SENDER = "me@northshire.gov.uk"
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def graph_message(day, to, sender=SENDER, subject="weekly"):
    return {
        "id": f"m{day}",
        "sentDateTime": (T0 + timedelta(days=day)).isoformat().replace("+00:00", "Z"),
        "subject": subject,
        "conversationId": f"c{day}",
        "from": {"emailAddress": {"address": sender, "name": "Me"}},
        "toRecipients": [{"emailAddress": {"address": a, "name": n}} for a, n in to],
        "ccRecipients": [],
        "bccRecipients": [],
    }


def write_history(path, lines):
    text = "".join(json.dumps(line) + "\n" for line in lines)
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def usual_history(days=40):
    return [graph_message(d, [("john.smith@partner.org", "John Smith")]) for d in range(days)]


def eml(tmp_path, to, date="Mon, 01 Apr 2024 10:00:00 +0000", sender=SENDER):
    path = tmp_path / "draft.eml"
    path.write_text(f"From: Me <{sender}>\nTo: {to}\nSubject: Report\nDate: {date}\n\nHello\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["history.jsonl", "history.jsonl.gz"])
def test_the_wrong_john_smith_warns_and_names_the_usual_one(tmp_path, capsys, name):
    history = write_history(tmp_path / name, usual_history())
    code = cli.main(["check", "--json", "--history", str(history), str(eml(tmp_path, "John Smith <john.smith@gmail.com>"))])
    verdict = json.loads(capsys.readouterr().out)
    assert code == cli.EXIT_WARN
    [found] = [f for f in verdict["findings"] if f["rule"] == "recipients.misdirected"]
    assert found["evidence"]["recipient"] == "john.smith@gmail.com"
    assert found["evidence"]["suggestion"] == "john.smith@partner.org"


def test_the_usual_address_is_allowed(tmp_path, capsys):
    history = write_history(tmp_path / "h.jsonl", usual_history())
    code = cli.main(["check", "--history", str(history), str(eml(tmp_path, "John Smith <john.smith@partner.org>"))])
    assert code == cli.EXIT_ALLOW, capsys.readouterr().out


def test_only_mail_sent_before_the_drafts_date_counts(tmp_path, capsys):
    history = write_history(tmp_path / "h.jsonl", usual_history())
    draft = eml(tmp_path, "John Smith <john.smith@gmail.com>", date="Tue, 02 Jan 2024 12:00:00 +0000")
    code = cli.main(["check", "--json", "--history", str(history), str(draft)])
    assert code == cli.EXIT_ALLOW  # two days of history: too little to judge
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_the_sender_is_the_drafts_from(tmp_path, capsys):
    others = [graph_message(d, [("john.smith@partner.org", "John Smith")], sender="you@northshire.gov.uk") for d in range(40)]
    history = write_history(tmp_path / "h.jsonl", others)
    code = cli.main(["check", "--history", str(history), str(eml(tmp_path, "John Smith <john.smith@gmail.com>"))])
    assert code == cli.EXIT_ALLOW  # nothing known of this sender: nothing to judge by


def test_a_bad_history_file_is_a_usage_error(tmp_path, capsys):
    draft = eml(tmp_path, "a@b.org")
    assert cli.main(["check", "--history", str(tmp_path / "missing.jsonl"), str(draft)]) == cli.EXIT_USAGE
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"sentDateTime": "2024-01-01T00:00:00Z"}\nnot json\n', encoding="utf-8")
    assert cli.main(["check", "--history", str(broken), str(draft)]) == cli.EXIT_USAGE
    assert "line 2 is not JSON" in capsys.readouterr().err
    (tmp_path / "bad.jsonl.gz").write_bytes(b"not gzip")
    assert cli.main(["check", "--history", str(tmp_path / "bad.jsonl.gz"), str(draft)]) == cli.EXIT_USAGE


def test_items_that_are_not_sent_messages_are_skipped(tmp_path, capsys):
    lines = usual_history() + [{"@removed": {"reason": "deleted"}, "id": "x"}, {"subject": "no date"}, []]
    history = write_history(tmp_path / "h.jsonl", lines)
    code = cli.main(["check", "--history", str(history), str(eml(tmp_path, "John Smith <john.smith@partner.org>"))])
    assert code == cli.EXIT_ALLOW


def busy_history():
    """A sender who writes to someone new in one message of three."""
    return [
        graph_message(d, [(f"contact{d}@firm{d}.com", "") if d % 3 == 0 else ("john.smith@partner.org", "John Smith")])
        for d in range(45)
    ]


def test_mail_from_others_in_the_file_is_the_senders_received_mail(tmp_path, capsys):
    received = [
        graph_message(d, [(SENDER, "Me")], sender="zoe.quinn@elsewhere.org", subject=f"question {d}") for d in range(25)
    ]
    after = [graph_message(200 + d, [(SENDER, "Me")], sender="max.ray@else.org") for d in range(3)]  # after the draft
    history = write_history(tmp_path / "h.jsonl", busy_history() + received + after)
    assert cli.main(["check", "--history", str(history), str(eml(tmp_path, "Zoe <zoe.quinn@elsewhere.org>"))]) == cli.EXIT_ALLOW
    capsys.readouterr()
    code = cli.main(["check", "--json", "--history", str(history), str(eml(tmp_path, "Max Ray <max.ray@else.org>"))])
    [found] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "recipients.misdirected"]
    assert code == cli.EXIT_WARN and found["evidence"]["reasons"] == ["never_mailed", "never_in_touch"]
    # Without the received mail, a sender who often writes to someone new is not asked.
    sent_only = write_history(tmp_path / "sent.jsonl", busy_history())
    assert cli.main(["check", "--history", str(sent_only), str(eml(tmp_path, "Max Ray <max.ray@else.org>"))]) == cli.EXIT_ALLOW


def test_others_in_bcc_of_mail_to_the_sender_are_not_in_touch_with_them(tmp_path, capsys):
    received = []
    for d in range(25):
        line = graph_message(d, [(SENDER, "Me")], sender="zoe.quinn@elsewhere.org", subject=f"question {d}")
        line["bccRecipients"] = [{"emailAddress": {"address": "max.ray@else.org", "name": "Max Ray"}}]
        received.append(line)
    history = write_history(tmp_path / "h.jsonl", busy_history() + received)
    code = cli.main(["check", "--json", "--history", str(history), str(eml(tmp_path, "Max Ray <max.ray@else.org>"))])
    [found] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "recipients.misdirected"]
    assert code == cli.EXIT_WARN and found["evidence"]["reasons"] == ["never_mailed", "never_in_touch"]
