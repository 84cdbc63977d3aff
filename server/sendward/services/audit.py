"""Decisions as the audit store keeps them: counts, types and rule ids, never personal data."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections import Counter
from pathlib import Path

from sendward.adapters.storage.repository import DecisionRecord, utcnow
from sendward.detection.recognizers.person_name import name_pairs, titled_names
from sendward.domain.verdict import Verdict, recipients_json

_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")

_GAP = r"[\s().\-\u2010-\u2015\u2212/]*"  # what people type between the digits of a number
# What a sender may paste into a justification that identifies someone, replaced in this order.
_REDACTIONS = (
    (re.compile(r"[^\s@<>(),;:\"']+@[^\s@<>(),;:\"']+"), "[email]"),
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}(?![A-Za-z0-9])"), "[postcode]"),
    # +CC and 7 to 14 more digits, or 0 and 9 or 10 more (UK), perhaps with an extension.
    (
        re.compile(
            rf"(?<![\w+])(?:\+{_GAP}\d(?:{_GAP}\d){{6,13}}|\(?0{_GAP}\d(?:{_GAP}\d){{8,9}})"
            rf"(?!{_GAP}\d)(?:\s*(?:ext|x)\.?\s*\d{{1,5}})?"
        ),
        "[phone]",
    ),
    (re.compile(rf"\+?\d(?:{_GAP}\d){{5,}}"), "[number]"),  # NHS, account, card numbers...
)


def user_hash(key: bytes, tenant_id: str, user_id: str) -> str:
    """A stable pseudonym for a user: per-deployment secret key, so it cannot be reversed by guessing."""
    return hmac.new(key, f"{tenant_id}:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def load_user_hash_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key (shared by every instance), else one kept in the data directory."""
    if configured:
        return configured.encode()
    path = Path(data_dir) / "user-hash.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(8)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip().encode()


def decision_record(
    verdict: Verdict,
    *,
    tenant_id: str,
    user: str,
    override_of: str | None = None,
    justification: str | None = None,
    resends: str | None = None,
    client_platform: str = "",
    now=None,
) -> DecisionRecord:
    entities: Counter[str] = Counter()
    special: Counter[str] = Counter()
    for attachment in verdict.attachments:
        entities.update(attachment.content.entities)
        special.update(attachment.content.special_categories)
    counts = {
        "recipients": recipients_json(verdict.recipients),
        "attachments": len(verdict.attachments),
        "data_subjects": sum(a.content.data_subjects for a in verdict.attachments),
        "hidden_data_subjects": sum(a.content.hidden_data_subjects for a in verdict.attachments),
        "entities": dict(entities),
        "special_categories": dict(special),
    }
    return DecisionRecord(
        id=verdict.decision_id,
        tenant_id=tenant_id,
        user_hash=user,
        created_at=now or utcnow(),
        action=verdict.action,
        would_action=verdict.would_action,
        mode=verdict.mode,
        score=verdict.score,
        policy_version=verdict.policy_version,
        counts=counts,
        findings=tuple((f.rule, f.action, f.would_action) for f in verdict.findings),
        attachments=tuple(
            (file_type(a.name), a.scanned, a.content.data_subjects) for a in verdict.attachments
        ),
        override_of=override_of,
        justification=redact_justification(justification) if justification is not None else None,
        resends=resends,
        client_platform=re.sub(r"[^A-Za-z0-9 ._-]", "", client_platform)[:64],
        elapsed_ms=verdict.elapsed_ms,
    )


def redact_justification(text: str) -> str:
    """The sender's reason, without e-mail addresses, postcodes, phone and other long numbers, or names.

    Names are found as the scanner finds them in running text: a title and a capitalised name
    ("Mrs Smith"), or a known given name and surname ("Sarah Jones", "JONES, Sarah").
    """
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return _without_names(text)


def _without_names(text: str) -> str:
    """Every title + name and given name + surname, as "[name]"; unlike the scanner, even "Sarah Jones and Co"."""
    spans: list[list[int]] = []
    for start, end in sorted(titled_names(text) + name_pairs(text)):
        while end < len(text) and text[end].isalpha():
            end += 1  # never leave half a word ("Mr O'Neil" matches up to the apostrophe)
        if spans and start <= spans[-1][1]:  # "Dr Priya Shah" holds the pair "Priya Shah"
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    for start, end in reversed(spans):
        text = f"{text[:start]}[name]{text[end:]}"
    return text


def file_type(name: str) -> str:
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return extension if _EXTENSION.match(extension) else "other"
