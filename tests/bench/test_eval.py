"""`make eval`: the harness on our own generated drafts, and on a handful of the public data when present."""

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import eval as harness  # noqa: E402
import eval_generated  # noqa: E402


@pytest.fixture(scope="module")
def judge(scanner):
    return harness.Judge(scanner=scanner)


def generated(per_kind=1):
    return [harness.Item(source="generated", name=c.name, label=c.label, build=c.build, people=c.people,
                         expect=c.expect, also_ok=c.also_ok, kind=c.kind) for c in eval_generated.cases(per_kind)]


def test_generated_cases_are_labelled_half_benign():
    cases = eval_generated.cases()
    labels = {c.label for c in cases}
    assert labels == {"benign", "people"}
    benign = sum(c.label == "benign" for c in cases)
    assert benign >= len(cases) / 2
    assert all(c.people and c.expect for c in cases if c.label == "people")


def test_the_harness_scores_generated_drafts_and_reports_the_figures(judge):
    results = harness.run(generated(), judge)
    out = io.StringIO()
    figures = harness.report(results, out=out)
    text = out.getvalue()
    assert "Confusion per rule" in text and "false-interruption rate" in text and "Targets (issue 15)" in text
    assert figures.benign == sum(r.item.label == "benign" for r in results)
    assert figures.interrupted_benign == 0  # our own hard negatives pass
    assert figures.big_blocked == figures.big  # and every generated record about >= 10 people blocks
    assert figures.big_counted == figures.big


def test_figures_count_what_they_say():
    def result(label, action, people=None, subjects=0):
        item = harness.Item(source="x", name=label, label=label, build=lambda: None, people=people,
                            expect=frozenset({"attachment.personal_data"}) if label == "people" else frozenset())
        fired = {"attachment.personal_data": action} if action != "allow" else {}
        return harness.Result(item, action, fired, subjects)

    results = [result("benign", "allow"), result("benign", "warn"), result("people", "block", 100, 95),
               result("people", "block", 100, 80), result("people", "allow", 20), result("debatable", "block", 5)]
    f = harness.figures(results)
    assert (f.benign, f.interrupted_benign, f.positives, f.caught, f.predicted) == (2, 1, 3, 2, 3)
    assert (f.big, f.big_blocked, f.big_counted) == (3, 2, 1)
    table = harness.rule_confusion(results)["attachment.personal_data"]
    assert (table["tp"], table["fp"], table["fn"], table["tn"]) == (2, 1, 1, 1)


def test_absent_data_is_skipped_with_a_message(tmp_path):
    out = io.StringIO()
    items = harness.load_items(("enron", "files"), root=tmp_path / "missing", out=out)
    assert items == []
    assert "is absent: skipping" in out.getvalue()


def test_the_eval_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SENDWARD_EVAL_DIR", str(tmp_path))
    assert harness.eval_dir() == tmp_path
    monkeypatch.delenv("SENDWARD_EVAL_DIR")
    assert harness.eval_dir().parts[-2:] == ("shared", "eval")


@pytest.mark.skipif(not harness.eval_dir().is_dir(), reason="the evaluation data (../shared/eval/) is absent")
def test_a_handful_of_real_items(judge):
    items = harness.load_items(("enron", "files"), limit=3)
    assert {i.source for i in items} == {"enron", "files"} and len(items) == 6
    results = harness.run(items, judge)
    assert all(r.action in ("allow", "warn", "block") for r in results)
    assert all(r.item.label in ("benign", "people", "debatable") for r in results)
