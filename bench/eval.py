"""`make eval`: precision and recall of the send-time verdict on data nobody here wrote.

Drafts are built from three sources and scored with the built-in default policy,
exactly as `sendward check` scores a saved e-mail:

- ``enron``: real Enron business e-mails from ``<eval dir>/enron-mail/`` (their
  bodies, quoted threads, signatures and forwarded articles), each sent on to an
  outside business address. Benign business mail unless ``eval_labels/enron.tsv``
  says otherwise.
- ``files``: each public sample file of ``<eval dir>/public-files/`` attached to a
  draft to an outside business address, labelled from its ``sources.tsv``
  (``people``, ``none``, ``debatable``; debatable files are reported apart).
- ``generated``: our own hard negatives and positives (``eval_generated.py``).

The eval dir is ``$SENDWARD_EVAL_DIR`` or ``../shared/eval/`` beside the repository.
Its files are read in place and never copied into the repository; when it is
absent, the real-data sources are skipped with a message and only the generated
set runs. Output: counts only (file names, never content).

    python bench/eval.py [--only enron,files,generated] [--limit N] [--show-errors]
"""

from __future__ import annotations

import argparse
import csv
import email
import email.policy
import email.utils
import hashlib
import mimetypes
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests.files: the generated drafts build their files with it

from sendward.domain.draft import Address, Attachment, Body, Draft  # noqa: E402

ROOT = HERE.parent
LABELS = HERE / "eval_labels"
SOURCES = ("enron", "files", "generated")
# Rules whose firing on a record about people is the expected catch.
PEOPLE_RULES = frozenset({"attachment.personal_data", "body.personal_data"})
# Rules that may also fire on a record about people without being a false alarm.
ALSO_OK_ON_PEOPLE = frozenset({"attachment.special_category", "attachment.hidden_content", "policy.custom_pattern"})
BIG_RECORD = 10  # "records about 10 or more people"
COUNT_SLACK = 0.10  # data-subject count within 10%
# Outside business organisations the drafts are "sent on" to (registrable, non-webmail).
OUTSIDE = ("partners@harbourline-consulting.co.uk", "j.reed@meridian-grid.com", "accounts@westbrook-legal.co.uk")


@dataclass
class Item:
    source: str
    name: str
    label: str  # "benign", "people" or "debatable"
    build: Callable[[], Draft]
    people: int | None = None  # expected data subjects (records about people)
    expect: frozenset[str] = frozenset()  # rules that should interrupt
    also_ok: frozenset[str] = frozenset()  # rules that may interrupt without a penalty
    kind: str = ""  # a short description of the case, for the tables


@dataclass
class Result:
    item: Item
    action: str
    fired: dict[str, str] = field(default_factory=dict)  # rule -> action (warn/block only)
    subjects: int = 0
    seconds: float = 0.0

    @property
    def interrupted(self) -> bool:
        return self.action in ("warn", "block")


def eval_dir() -> Path:
    configured = os.environ.get("SENDWARD_EVAL_DIR")
    return Path(configured) if configured else (ROOT / ".." / "shared" / "eval").resolve()


# -- sources ---------------------------------------------------------------------


def _read_labels(name: str) -> dict[str, dict[str, str]]:
    path = LABELS / name
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {row["file"]: row for row in rows}


def _outside(key: str) -> Address:
    digest = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    return Address(OUTSIDE[digest % len(OUTSIDE)])


def enron_items(root: Path) -> list[Item]:
    folder = root / "enron-mail"
    index = folder / "index.tsv"
    if not index.exists():
        return []
    labels = _read_labels("enron.tsv")
    items = []
    with index.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            path = folder / row["file"]
            name = Path(row["file"]).stem
            label = labels.get(name, {})
            kind = label.get("label", "benign")
            people = int(label["people"]) if label.get("people") else None
            items.append(
                Item(
                    source="enron",
                    name=name,
                    label=kind,
                    build=lambda path=path, name=name: _enron_draft(path, name),
                    people=people,
                    expect=PEOPLE_RULES & {"body.personal_data"} if kind == "people" else frozenset(),
                    also_ok=ALSO_OK_ON_PEOPLE if kind == "people" else frozenset(),
                    kind="real business thread",
                )
            )
    return items


def _enron_draft(path: Path, name: str) -> Draft:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
    sender = email.utils.parseaddr(message.get("From", ""))[1] or "someone@enron.com"
    payload = message.get_payload(decode=True) or b""
    body = payload.decode(message.get_content_charset() or "latin-1", errors="replace")
    return Draft(
        sender=Address(sender),
        to=(_outside(name),),
        subject=str(message.get("Subject", "")),
        body=Body(content=body),
    )


def file_items(root: Path) -> list[Item]:
    folder = root / "public-files"
    sources = folder / "sources.tsv"
    if not sources.exists():
        return []
    items = []
    with sources.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            path = folder / row["local_path"]
            label = {"people": "people", "none": "benign"}.get(row["label"], "debatable")
            items.append(
                Item(
                    source="files",
                    name=row["local_path"].removeprefix("files/"),
                    label=label,
                    build=lambda path=path: _file_draft(path),
                    people=int(row["people"]) if row["people"].isdigit() else None,
                    expect=frozenset({"attachment.personal_data"}) if label == "people" else frozenset(),
                    also_ok=ALSO_OK_ON_PEOPLE if label == "people" else frozenset(),
                    kind=f"public file ({row['label']})",
                )
            )
    return items


def _file_draft(path: Path) -> Draft:
    content = path.read_bytes()
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Draft(
        sender=Address("analyst@northshire-council.gov.uk"),
        to=(_outside(path.name),),
        subject=f"{path.stem} as discussed",
        body=Body(content="Hello,\n\nPlease find the file attached, as discussed.\n\nKind regards\n"),
        attachments=(Attachment(name=path.name, content_type=content_type, size=len(content), content=content),),
    )


def generated_items() -> list[Item]:
    import eval_generated

    return [
        Item(source="generated", name=case.name, label=case.label, build=case.build, people=case.people,
             expect=case.expect, also_ok=case.also_ok, kind=case.kind)
        for case in eval_generated.cases()
    ]


def load_items(only=SOURCES, limit: int | None = None, root: Path | None = None, out=sys.stdout) -> list[Item]:
    root = root or eval_dir()
    items: list[Item] = []
    real = [s for s in ("enron", "files") if s in only]
    if real and not root.is_dir():
        print(f"eval: {root} is absent: skipping the real-data sets ({', '.join(real)}); "
              "set SENDWARD_EVAL_DIR or place shared/eval beside the repository", file=out)
    else:
        if "enron" in only:
            items += enron_items(root)
        if "files" in only:
            items += file_items(root)
    if "generated" in only:
        items += generated_items()
    if limit:
        by_source: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            by_source[item.source].append(item)
        items = [i for group in by_source.values() for i in group[:limit]]
    return items


# -- scoring -----------------------------------------------------------------------


class Judge:
    def __init__(self, time_budget_ms: int = 60_000, scanner=None):
        from sendward.detection.scanner import Scanner
        from sendward.domain.policy import Policy
        from sendward.services.scoring import Scorer

        scanner = scanner or Scanner()
        self.scorer = Scorer(scanner=scanner, time_budget_ms=time_budget_ms, default_fail_mode="closed")
        self.policy = Policy()

    def __call__(self, item: Item) -> Result:
        started = time.perf_counter()
        verdict = self.scorer.score(item.build(), self.policy, policy_version=0)
        fired = {}
        subjects = 0
        for found in verdict.findings:
            if found.action in ("warn", "block"):
                fired[found.rule] = max(fired.get(found.rule, "warn"), found.action, key=("warn", "block").index)
            if found.rule in PEOPLE_RULES:
                subjects = max(subjects, int(found.evidence.get("data_subjects", 0)))
        return Result(item, verdict.action, fired, subjects, time.perf_counter() - started)


def run(items: list[Item], judge: Judge | None = None, progress=None) -> list[Result]:
    judge = judge or Judge()
    results = []
    for number, item in enumerate(items, 1):
        results.append(judge(item))
        if progress and number % 50 == 0:
            print(f"  ... {number}/{len(items)}", file=progress, flush=True)
    return results


# -- figures -----------------------------------------------------------------------


@dataclass
class Figures:
    benign: int
    interrupted_benign: int
    positives: int
    caught: int
    predicted: int  # interrupted items among benign + people
    big: int
    big_blocked: int
    big_counted: int

    @property
    def false_interruption_rate(self) -> float:
        return self.interrupted_benign / self.benign if self.benign else 0.0

    @property
    def recall(self) -> float:
        return self.caught / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        return self.caught / self.predicted if self.predicted else 1.0

    @property
    def big_blocked_rate(self) -> float:
        return self.big_blocked / self.big if self.big else 1.0

    @property
    def big_counted_rate(self) -> float:
        return self.big_counted / self.big if self.big else 1.0


def count_ok(expected: int | None, got: int) -> bool:
    return expected is not None and abs(got - expected) <= COUNT_SLACK * expected


def figures(results: list[Result]) -> Figures:
    scored = [r for r in results if r.item.label in ("benign", "people")]
    benign = [r for r in scored if r.item.label == "benign"]
    people = [r for r in scored if r.item.label == "people"]
    big = [r for r in people if (r.item.people or 0) >= BIG_RECORD]
    return Figures(
        benign=len(benign),
        interrupted_benign=sum(r.interrupted for r in benign),
        positives=len(people),
        caught=sum(r.interrupted for r in people),
        predicted=sum(r.interrupted for r in scored),
        big=len(big),
        big_blocked=sum(r.action == "block" for r in big),
        big_counted=sum(r.action == "block" and count_ok(r.item.people, r.subjects) for r in big),
    )


def rule_confusion(results: list[Result]) -> dict[str, Counter]:
    """Per rule: tp (fired, expected), fp (fired on an item that should not interrupt by it),
    fn (expected, not fired), tn. Debatable items are left out."""
    rules = sorted({rule for r in results for rule in r.fired} | {rule for r in results for rule in r.item.expect})
    table = {rule: Counter() for rule in rules}
    for r in results:
        if r.item.label == "debatable":
            continue
        for rule in rules:
            fired = rule in r.fired
            expected = rule in r.item.expect
            if fired and expected:
                table[rule]["tp"] += 1
            elif fired and rule not in r.item.also_ok:
                table[rule]["fp"] += 1
            elif expected:
                table[rule]["fn"] += 1
            elif not fired:
                table[rule]["tn"] += 1
    return table


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def report(results: list[Result], out=sys.stdout, show_errors: bool = False) -> Figures:
    print("", file=out)
    print("Items by source and label", file=out)
    print(f"{'source':<10} {'label':<10} {'items':>6} {'allow':>6} {'warn':>6} {'block':>6}", file=out)
    groups: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in results:
        groups[(r.item.source, r.item.label)][r.action] += 1
    for (source, label), actions in sorted(groups.items()):
        total = sum(actions.values())
        print(f"{source:<10} {label:<10} {total:>6} {actions['allow']:>6} {actions['warn']:>6} {actions['block']:>6}",
              file=out)

    print("", file=out)
    print("Confusion per rule (debatable items left out; fp = fired where it should not interrupt)", file=out)
    print(f"{'rule':<34} {'tp':>5} {'fp':>5} {'fn':>5} {'tn':>6} {'precision':>10} {'recall':>8}", file=out)
    for rule, c in rule_confusion(results).items():
        precision = _pct(c["tp"], c["tp"] + c["fp"])
        recall = _pct(c["tp"], c["tp"] + c["fn"])
        print(f"{rule:<34} {c['tp']:>5} {c['fp']:>5} {c['fn']:>5} {c['tn']:>6} {precision:>10} {recall:>8}", file=out)

    print("", file=out)
    print("False interruptions (warn or block on benign drafts)", file=out)
    for source in SOURCES:
        benign = [r for r in results if r.item.source == source and r.item.label == "benign"]
        if benign:
            bad = sum(r.interrupted for r in benign)
            print(f"  {source:<10} {bad:>4} of {len(benign):<4} {_pct(bad, len(benign)):>7}", file=out)

    debatable = [r for r in results if r.item.label == "debatable"]
    if debatable:
        print("", file=out)
        print("Debatable items (not scored): action, data subjects found / as if about people", file=out)
        for r in debatable:
            print(f"  {r.item.name:<48} {r.action:<6} {r.subjects:>6} / {r.item.people}", file=out)

    real = [r for r in results if r.item.source != "generated"]
    if real and len(real) < len(results):
        _overall("Real data only (enron + files; benign + people items)", figures(real), out)
    f = figures(results)
    _overall("Overall (benign + people items)", f, out)
    _targets(f, out)
    _wrong(results, out, show_errors)
    return f


def _overall(title: str, f: Figures, out) -> None:
    print("", file=out)
    print(title, file=out)
    print(f"  precision (interrupted items that are records about people): {_pct(f.caught, f.predicted)}"
          f" ({f.caught}/{f.predicted})", file=out)
    print(f"  recall (records about people interrupted):                   {_pct(f.caught, f.positives)}"
          f" ({f.caught}/{f.positives})", file=out)
    print(f"  false-interruption rate on benign drafts:                    {_pct(f.interrupted_benign, f.benign)}"
          f" ({f.interrupted_benign}/{f.benign})", file=out)
    print(f"  records about >= {BIG_RECORD} people blocked:                      {_pct(f.big_blocked, f.big)}"
          f" ({f.big_blocked}/{f.big})", file=out)
    print(f"  ... blocked with data-subject count within 10%:             {_pct(f.big_counted, f.big)}"
          f" ({f.big_counted}/{f.big})", file=out)



def _targets(f: Figures, out) -> None:
    print("", file=out)
    print("Targets (issue 15)", file=out)
    for ok, text in (
        (f.big_blocked_rate >= 0.98, f">= 98% of records about >= {BIG_RECORD} people blocked"),
        (f.big_counted_rate >= 0.95, ">= 95% of them blocked with a data-subject count within 10%"),
        (f.false_interruption_rate <= 0.02, "<= 2% of benign drafts interrupted"),
    ):
        print(f"  [{'met' if ok else 'NOT MET'}] {text}", file=out)



def _wrong(results: list[Result], out, show_errors: bool) -> None:
    wrong = [r for r in results if (r.item.label == "benign" and r.interrupted)
             or (r.item.label == "people" and not r.interrupted)
             or (r.item.label == "people" and (r.item.people or 0) >= BIG_RECORD
                 and not (r.action == "block" and count_ok(r.item.people, r.subjects)))]
    if wrong:
        print("", file=out)
        print(f"Wrong ({len(wrong)}): source, item, label, action, rules, data subjects found / expected", file=out)
        for r in wrong[: None if show_errors else 40]:
            rules = ",".join(f"{k}:{v}" for k, v in sorted(r.fired.items())) or "-"
            print(f"  {r.item.source:<10} {r.item.name:<48} {r.item.label:<7} {r.action:<6} {rules} "
                  f"{r.subjects}/{r.item.people if r.item.people is not None else '-'}", file=out)
        if not show_errors and len(wrong) > 40:
            print(f"  ... and {len(wrong) - 40} more (--show-errors)", file=out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SOURCES), help="comma-separated sources: enron, files, generated")
    parser.add_argument("--limit", type=int, help="at most N items per source (a smoke run)")
    parser.add_argument("--show-errors", action="store_true", help="list every wrong item")
    parser.add_argument("--time-budget-ms", type=int, default=60_000, help="per draft (default 60000)")
    args = parser.parse_args(argv)
    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(only) - set(SOURCES)
    if unknown:
        parser.error(f"unknown source(s): {', '.join(sorted(unknown))}")
    items = load_items(only, args.limit)
    if not items:
        print("eval: nothing to evaluate")
        return 0
    labels = Counter(i.label for i in items)
    print(f"eval: {len(items)} items ({labels['benign']} benign, {labels['people']} about people, "
          f"{labels['debatable']} debatable) from {', '.join(only)}")
    started = time.perf_counter()
    results = run(items, Judge(args.time_budget_ms), progress=sys.stderr)
    report(results, show_errors=args.show_errors)
    print(f"\n{len(results)} drafts in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
