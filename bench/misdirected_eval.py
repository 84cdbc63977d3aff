"""recipients.misdirected on the injected-leak protocol (Carvalho & Cohen, SDM 2007).

Per sender: history = the earlier 80% of their sent mail; every later message is checked
twice, once as sent and once with one recipient replaced by a plausible wrong address:
- namesake: someone in the corpus sharing the replaced recipient's first name or surname,
- typo: one keystroke off the replaced address (a letter inserted, dropped, changed or swapped),
- elsewhere: an address from elsewhere in the corpus.
The wrong address is never one the sender mailed (in all of their mail). The sender's received
mail is what the other senders in the data sent them before the test period (before each test
message with --growing); --sent-only leaves it out (a deployment that reads Sent Items only).
Reported: detection
(the injected address named by the rule), false alarms on the messages as sent (separately
those with a genuinely new recipient), next to the baseline "flag every never-mailed address".

Data: <repo>/../shared/eval/enron-sent (or $SENDWARD_EVAL_DIR/enron-sent); read in place, never
copied. Usage: python bench/misdirected_eval.py [--seed N]... [--senders a,b] [--threshold N] [--growing]
[--sent-only] [--data FOLDER] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import string
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from sendward.domain.correspondents import CorrespondentModel, ReceivedMessage  # noqa: E402
from sendward.domain.draft import Address, Draft  # noqa: E402
from sendward.domain.policy import Policy  # noqa: E402
from sendward.domain.rules import recipients_misdirected as rule  # noqa: E402
from sendward.domain.signals import Signals  # noqa: E402
from sendward.drafts.history import received_message, sent_message  # noqa: E402
from sendward.signals.misdirection import history_signals, name_tokens  # noqa: E402

KINDS = ("namesake", "typo", "elsewhere")
HISTORY_SHARE = 0.8


def eval_dir() -> Path:
    return Path(os.environ.get("SENDWARD_EVAL_DIR") or ROOT.parent / "shared" / "eval")


def load_corpus(directory: Path) -> dict[str, list[dict]]:
    """Sender address -> their sent messages (Graph items), oldest first (one file a sender, or mixed)."""
    corpus: dict[str, list[dict]] = {}
    for path in sorted((directory / "history").glob("*.jsonl*")):
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                parsed = sent_message(json.loads(line)) if line.strip() else None
                if parsed and parsed[0]:
                    corpus.setdefault(parsed[0], []).append(json.loads(line))
    for items in corpus.values():
        items.sort(key=lambda item: sent_message(item)[1].sent_at)
    return corpus


def directory_of(corpus) -> dict[str, str]:
    """Every address in the corpus with its most used display name."""
    names: dict[str, Counter] = {}
    for sender, items in corpus.items():
        for item in items:
            _, message = sent_message(item)
            for r in message.recipients:
                names.setdefault(r.address, Counter())[r.name] += 1
            names.setdefault(sender, Counter())[((item.get("from") or {}).get("emailAddress") or {}).get("name", "")] += 1
    return {address: counts.most_common(1)[0][0] for address, counts in names.items()}


def inboxes_of(corpus) -> dict[str, list[ReceivedMessage]]:
    """Address -> the messages other senders in the data sent to it, oldest first."""
    inboxes: dict[str, list[ReceivedMessage]] = {}
    for sender, items in corpus.items():
        for item in items:
            received = received_message(item)
            for address in {r.address for r in received.recipients} - {sender} if received else ():
                inboxes.setdefault(address, []).append(received)
    for messages in inboxes.values():
        messages.sort(key=lambda m: m.received_at)
    return inboxes


def typo_of(address: str, rng: random.Random) -> str:
    local, _, domain = address.partition("@")
    letters = string.ascii_lowercase
    i = rng.randrange(len(local))
    edit = rng.choice(("insert", "delete", "substitute", "transpose"))
    if edit == "insert":
        local = local[:i] + rng.choice(letters) + local[i:]
    elif edit == "delete" and len(local) > 3:
        local = local[:i] + local[i + 1 :]
    elif edit == "transpose" and i + 1 < len(local) and local[i] != local[i + 1]:
        local = local[:i] + local[i + 1] + local[i] + local[i + 2 :]
    else:
        local = local[:i] + rng.choice(letters.replace(local[i], "")) + local[i + 1 :]
    return f"{local}@{domain}"


def wrong_address(kind, replaced, directory, never_mailed, rng):
    if kind == "namesake":
        tokens = name_tokens(directory.get(replaced, ""), replaced)
        if not tokens:
            return None
        pool = [a for a in never_mailed if (t := name_tokens(directory[a], a)) and (t[0] == tokens[0] or t[1] == tokens[1])]
        return rng.choice(sorted(pool)) if pool else None
    if kind == "typo":
        for _ in range(20):
            candidate = typo_of(replaced, rng)
            if candidate != replaced and candidate not in directory:
                return candidate
        return None
    return rng.choice(sorted(never_mailed)) if never_mailed else None


def draft_of(item, sender, recipients: list[tuple[str, str]]) -> Draft:
    return Draft(
        sender=Address(sender),
        to=tuple(Address(a, n) for a, n in recipients),
        subject=item.get("subject") or "",
    )


def recipients_of(item) -> list[tuple[str, str]]:
    _, message = sent_message(item)
    return [(r.address, r.name) for r in message.recipients]


def flagged(draft, model, policy, config, when) -> set[str]:
    internal = [draft.sender.domain] if not policy.internal_domains else list(policy.internal_domains)
    history = history_signals(draft, model, internal, policy.webmail_domains, now=when)
    signals = Signals(history=history)
    return {f.evidence["recipient"] for f in rule.evaluate(signals, config, policy)}


def evaluate_sender(sender, items, directory, seed, policy, config, tally, growing=False, inbox=()):
    """``inbox``: what the sender received, oldest first (learnt up to the test period, or with
    ``growing`` up to each test message)."""
    rng = random.Random(f"{seed}:{sender}")
    cut = int(len(items) * HISTORY_SHARE)
    model = CorrespondentModel.build(sent_message(i)[1] for i in items[:cut])
    inbox = list(inbox)
    learnt = _receive(model, sender, inbox, 0, sent_message(items[cut])[1].sent_at) if cut < len(items) else 0
    mailed_ever = {r for i in items for r, _ in recipients_of(i)}
    never_mailed = [a for a in directory if a not in mailed_ever and a != sender]
    for item in items[cut:]:
        if growing:
            learnt = _receive(model, sender, inbox, learnt, sent_message(item)[1].sent_at)
        _check(item, sender, model, directory, never_mailed, rng, policy, config, tally)
        if growing:
            model.add(sent_message(item)[1])  # as deployed: everything sent before a message counts


def _receive(model, sender, inbox, start: int, before) -> int:
    """Learn the received messages from ``start`` on that arrived before ``before``; the next start."""
    while start < len(inbox) and inbox[start].received_at < before:
        model.add_received(inbox[start], sender)
        start += 1
    return start


def _check(item, sender, model, directory, never_mailed, rng, policy, config, tally):
    recipients = recipients_of(item)
    if not recipients:
        return
    when = sent_message(item)[1].sent_at.timestamp()
    draft = draft_of(item, sender, recipients)
    new = any(model.get(a) is None for a, _ in recipients)
    found = flagged(draft, model, policy, config, when)
    tally["real"] += 1
    tally["real_flagged"] += bool(found)
    tally[("sender_real", sender)] += 1
    tally[("sender_flagged", sender)] += bool(found)
    tally["real_new"] += new
    tally["real_new_flagged"] += bool(found) and new
    tally["baseline_real_flagged"] += new
    # The same message with one recipient replaced by a plausible wrong address.
    position = rng.randrange(len(recipients))
    replaced = recipients[position][0]
    pool = [a for a in never_mailed if a not in dict(recipients)]
    kinds = list(KINDS)
    rng.shuffle(kinds)
    for kind in kinds:
        wrong = wrong_address(kind, replaced, directory, pool, rng)
        if wrong:
            break
    else:
        return
    injected = list(recipients)
    injected[position] = (wrong, directory.get(wrong, ""))
    found = flagged(replace(draft, to=tuple(Address(a, n) for a, n in injected)), model, policy, config, when)
    tally["injected"] += 1
    tally[f"injected_{kind}"] += 1
    tally["detected"] += wrong in found
    tally[f"detected_{kind}"] += wrong in found
    tally["baseline_detected"] += model.get(wrong) is None


def run(
    seed: int, senders=None, policy: Policy | None = None, growing: bool = False, data: Path | None = None,
    received: bool = True,
) -> dict:
    """``data``: a folder holding ``history/*.jsonl[.gz]`` (default: the eval dir's enron-sent);
    ``received``: the senders' received mail (from the other senders in the data) counts."""
    directory_path = data or eval_dir() / "enron-sent"
    if not (directory_path / "history").is_dir():
        return {}
    corpus = load_corpus(directory_path)
    directory = directory_of(corpus)
    inboxes = inboxes_of(corpus) if received else {}
    policy = policy or Policy()
    config = policy.rule(rule.RULE)
    tally: Counter = Counter()
    for sender, items in corpus.items():
        if senders and sender.split("@")[0] not in senders and sender not in senders:
            continue
        evaluate_sender(sender, items, directory, seed, policy, config, tally, growing, inboxes.get(sender, ()))
    return {
        **summary(tally, seed, len(senders or corpus)),
        "history": "growing" if growing else "fixed",
        "received_mail": received,
    }


def summary(t: Counter, seed: int, senders: int) -> dict:
    def share(a, b):
        return round(a / b, 4) if b else None

    per_sender = sorted(
        1000 * t[("sender_flagged", key[1])] / n for key, n in t.items() if isinstance(key, tuple) and key[0] == "sender_real"
    )

    return {
        "seed": seed,
        "senders": senders,
        "real_messages": t["real"],
        "injected_messages": t["injected"],
        "detection": share(t["detected"], t["injected"]),
        "detection_by_kind": {k: share(t[f"detected_{k}"], t[f"injected_{k}"]) for k in KINDS},
        "injected_by_kind": {k: t[f"injected_{k}"] for k in KINDS},
        "false_alarms": share(t["real_flagged"], t["real"]),
        "real_with_new_recipient": t["real_new"],
        "false_alarms_new_recipient": share(t["real_new_flagged"], t["real_new"]),
        "false_alarms_known_recipients": share(t["real_flagged"] - t["real_new_flagged"], t["real"] - t["real_new"]),
        "prompts_per_1000_sends": round(1000 * t["real_flagged"] / t["real"], 1) if t["real"] else None,
        "prompts_per_1000_sends_median_sender": round(statistics.median(per_sender), 1) if per_sender else None,
        "prompts_per_1000_sends_worst_sender": round(per_sender[-1], 1) if per_sender else None,
        "baseline_detection": share(t["baseline_detected"], t["injected"]),
        "baseline_false_alarms": share(t["baseline_real_flagged"], t["real"]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help="repeatable (default: 1 2 3)")
    parser.add_argument("--senders", help="comma-separated first.last names (default: all)")
    parser.add_argument("--threshold", type=int, help="the rule's threshold (default: the policy default)")
    parser.add_argument(
        "--growing", action="store_true", help="as deployed: every message sent before a test message counts"
    )
    parser.add_argument(
        "--sent-only", action="store_true", help="leave out the received mail (Sent Items only, as before)"
    )
    parser.add_argument("--data", type=Path, help="a folder holding history/*.jsonl[.gz] (default: enron-sent)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    senders = args.senders.split(",") if args.senders else None
    policy = Policy()
    if args.threshold is not None:
        policy = Policy.model_validate({"rules": {rule.RULE: {"threshold": args.threshold}}})
    results = [
        run(seed, senders, policy, args.growing, args.data, not args.sent_only) for seed in args.seed or (1, 2, 3)
    ]
    if not results[0]:
        print(f"skipped: no evaluation data under {args.data or eval_dir() / 'enron-sent'} (set SENDWARD_EVAL_DIR)")
        return 0
    for result in results:
        print(json.dumps(result) if args.json else _table_row(result))
    return 0


def _table_row(r: dict) -> str:
    kinds = ", ".join(f"{k} {v:.1%}" for k, v in r["detection_by_kind"].items() if v is not None)
    return (
        f"seed {r['seed']} ({r['history']} history{'' if r['received_mail'] else ', sent mail only'}): detection {r['detection']:.1%} ({kinds}) of {r['injected_messages']}; "
        f"false alarms {r['false_alarms']:.1%} of {r['real_messages']} "
        f"(new recipient {r['false_alarms_new_recipient'] or 0:.1%} of {r['real_with_new_recipient']}, "
        f"known {r['false_alarms_known_recipients']:.1%}); prompts per 1,000 sends {r['prompts_per_1000_sends']} "
        f"(median sender {r['prompts_per_1000_sends_median_sender']}, worst {r['prompts_per_1000_sends_worst_sender']}); "
        f"baseline: detection {r['baseline_detection']:.1%}, false alarms {r['baseline_false_alarms']:.1%}"
    )


if __name__ == "__main__":
    sys.exit(main())
