"""Decisions as the audit store keeps them: counts, types and rule ids, never personal data."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter

from sendward.kernel import utcnow
from sendward.detection.recognizers.person_name import name_pairs, titled_names
from sendward.domain.records import DecisionRecord
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


def decision_record(
    verdict: Verdict,
    *,
    tenant_id: str,
    user: str,
    override_of: str | None = None,
    justification: str | None = None,
    resends: str | None = None,
    client_platform: str = "",
    draft_digest: str | None = None,
    now=None,
    message_keys: dict[str, str] | None = None,
) -> DecisionRecord:
    """``message_keys``: ``message_keys()`` of the draft, so the dashboard can tell a sender who
    changed a recipient after a prompt from one who sent anyway (keyed hashes, never content)."""
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
    if message_keys:
        counts["message"] = dict(message_keys)
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
        draft_digest=draft_digest,
    )


def message_keys(key: bytes, tenant_id: str, user: str, draft) -> dict[str, str]:
    """Short keyed hashes of the draft's content and of its recipient set.

    The same message sent again with other recipients keeps ``content`` and changes
    ``recipients``: that is how a prompt's acceptance is counted. 48 bits, keyed with the
    deployment's secret and the user's pseudonym: they link a user's own resends, nothing else.
    """
    content = hashlib.sha256()
    for part in (draft.subject, draft.body.content, *(f"{a.name}\n{a.size}" for a in draft.attachments)):
        content.update(part.encode("utf-8", "surrogatepass") + b"\0")
    recipients = "\n".join(sorted({r.address.address.strip().lower() for r in draft.recipients}))
    return {
        "content": _keyed(key, f"content:{tenant_id}:{user}:{content.hexdigest()}"),
        "recipients": _keyed(key, f"recipients:{tenant_id}:{user}:{recipients}"),
    }


def _keyed(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:12]


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
