"""The injected-leak evaluation on a small made-up corpus: it skips without data and is seeded."""

import gzip
import importlib.util
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2020, 1, 1, tzinfo=timezone.utc)
PEOPLE = ["ann.lee", "bob.king", "carl.fox", "dora.hill", "ann.bird", "eve.king", "finn.moss", "gail.ross"]


def load():
    spec = importlib.util.spec_from_file_location("misdirected_eval", ROOT / "bench" / "misdirected_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def person(name):
    first, last = name.split(".")
    return {"emailAddress": {"address": f"{name}@corp.example", "name": f"{first.title()} {last.title()}"}}


def write_corpus(root: Path):
    history = root / "enron-sent" / "history"
    history.mkdir(parents=True)
    for sender in ("zed.one", "yan.two"):
        lines = []
        for i in range(60):
            to = [person(PEOPLE[i % 4])] + ([person(PEOPLE[(i + 1) % 4])] if i % 2 else [])
            lines.append(
                {
                    "sentDateTime": (T0 + timedelta(days=i)).isoformat().replace("+00:00", "Z"),
                    "subject": f"topic {i % 7}",
                    "from": person(sender),
                    "toRecipients": to + ([person(PEOPLE[4 + i % 4])] if i == 50 else []),
                    "ccRecipients": [],
                    "bccRecipients": [],
                }
            )
        with gzip.open(history / f"{sender}.jsonl.gz", "wt") as handle:
            handle.write("".join(json.dumps(line) + "\n" for line in lines))


def test_skips_cleanly_without_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SENDWARD_EVAL_DIR", str(tmp_path))
    module = load()
    assert module.run(1) == {}
    assert module.main(["--seed", "1"]) == 0
    assert "skipped" in capsys.readouterr().out


def test_counts_detection_and_false_alarms_reproducibly(tmp_path, monkeypatch):
    write_corpus(tmp_path)
    monkeypatch.setenv("SENDWARD_EVAL_DIR", str(tmp_path))
    module = load()
    first, again, other = module.run(1), module.run(1), module.run(2)
    assert first == again  # seeded
    assert first["real_messages"] == first["injected_messages"] == 24  # 12 later messages of each sender
    assert sum(first["injected_by_kind"].values()) == 24
    assert 0 <= first["false_alarms"] <= first["baseline_false_alarms"] + 1e-9
    assert first["baseline_detection"] == 1.0  # every injected address is one the sender never mailed
    assert first["real_with_new_recipient"] == 2  # message 50 of each sender adds someone new
    assert other["seed"] == 2
    growing = module.run(1, growing=True)
    assert growing["history"] == "growing" and growing["real_messages"] == 24


def test_a_typo_is_one_edit_away():
    import random

    from rapidfuzz.distance import OSA

    module = load()
    rng = random.Random(3)
    for _ in range(50):
        typo = module.typo_of("ann.lee@corp.example", rng)
        assert typo.endswith("@corp.example") and OSA.distance(typo, "ann.lee@corp.example") == 1


def test_the_other_senders_mail_is_each_senders_received_mail(tmp_path, monkeypatch):
    write_corpus(tmp_path)
    monkeypatch.setenv("SENDWARD_EVAL_DIR", str(tmp_path))
    module = load()
    corpus = module.load_corpus(tmp_path / "enron-sent")
    corpus["ann.lee@corp.example"] = [  # Ann writes to Zed (and copies Bob)
        {"sentDateTime": f"2020-01-{d + 1:02d}T09:00:00Z", "subject": "q", "from": person("ann.lee"),
         "toRecipients": [person("zed.one"), person("bob.king")]} for d in range(5)
    ]
    inboxes = module.inboxes_of(corpus)
    assert "zed.one@corp.example" in inboxes and "yan.two@corp.example" not in inboxes
    assert [m.sender.address for m in inboxes["zed.one@corp.example"]] == ["ann.lee@corp.example"] * 5
    assert "ann.lee@corp.example" not in {m.sender.address for m in inboxes["ann.lee@corp.example"]}  # not her own
    times = [m.received_at for m in inboxes["bob.king@corp.example"]]
    assert times == sorted(times) and len(times) > 5
    with_received, sent_only = module.run(1), module.run(1, received=False)
    assert with_received["received_mail"] is True and sent_only["received_mail"] is False
