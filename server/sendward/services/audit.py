"""Decisions as the audit store keeps them: counts, types and rule ids, never personal data."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections import Counter

from sendward.detection.recognizers import load_recognizers
from sendward.detection.recognizers.person_name import given_names, name_pairs, titled_names
from sendward.domain.records import DecisionRecord
from sendward.kernel import utcnow
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


MAX_JUSTIFICATION_CHARS = 500  # as the score request allows; anything longer is cut before it is kept

# "john dot smith at gmail dot com", "jo [at] example (dot) org": an address spelt out so filters miss it.
_AT = r"(?:\s*@+\s*|\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.])[a-z0-9_%+-]+(?:{_DOT}[a-z0-9_%+-]+)*{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}[a-z]{{2,24}}(?![\w])",
    re.IGNORECASE,
)
_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    "fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ](?:first|second|third|fourth|"
    "fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty[- ]first"
)
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINALS})"
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|and|oh)"
)
_YEAR = rf"(?:\d{{4}}|(?:nineteen|twenty|two\s+thousand)(?:[\s-]+{_NUMBER_WORD})*)"
_DAY_MONTH = rf"(?:(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}|{_MONTH}\s+(?:the\s+)?{_DAY})"
# A full date (a year too) anywhere, or a day and month where the text says it is a birthday.
_DATES = (
    re.compile(rf"(?<![\w]){_DAY_MONTH},?\s+(?:in\s+|of\s+)?{_YEAR}(?![\w])", re.IGNORECASE),
    re.compile(rf"\b(?:born|birth|birthday|dob|d\.o\.b\.?)\W+(?:on\s+|is\s+|was\s+)?{_DAY_MONTH}(?![\w])", re.IGNORECASE),
)
_LABELS = {
    "PERSON": "[name]", "EMAIL_ADDRESS": "[email]", "PHONE_NUMBER": "[phone]", "UK_POSTCODE": "[postcode]",
    "LOCATION": "[address]", "DATE_OF_BIRTH": "[date of birth]",
}
# Words that join the parts of a name: Irish and Scottish patronymics, and particles of other languages.
_NAME_PARTICLES = frozenset(
    "ní nic mac mc ó o uí ua mhic bean de da di du del della der den van von ter bin ibn al el la le y dos das"
    .split()
)
_IRISH = frozenset("ní nic mac ó uí ua mhic".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def redact_justification(text: str) -> str:
    """The sender's reason, without what identifies someone: the scanner's own recognizers (names, e-mail
    addresses, phone and other numbers, postcodes, street addresses, dates of birth), then what people type
    to get past them: spelt-out e-mail addresses, dates in words, and full names the name lists do not hold
    (Irish, and other languages' names). Cut to ``MAX_JUSTIFICATION_CHARS`` first.
    """
    # Full-width and other look-alike characters ("jane＠gmail.com") as their plain forms first.
    text = unicodedata.normalize("NFKC", text)[:MAX_JUSTIFICATION_CHARS]
    text = _replace_spans(text, _found(text))
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return _without_names(text)


def _found(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), "[email]") for m in _OBFUSCATED_EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), "[date]") for pattern in _DATES for m in pattern.finditer(text)]
    for recognizer in load_recognizers():
        try:
            results = recognizer.analyze(text, [recognizer.ENTITY], None)
        except Exception:  # noqa: BLE001 - one recognizer failing must not keep the others' findings out
            continue
        spans += [(r.start, r.end, _LABELS.get(r.entity_type, "[number]")) for r in results or ()]
    spans += [(start, end, "[name]") for start, end in _unlisted_names(text)]
    return spans


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    merged: list[list] = []
    for start, end, label in sorted(spans):
        while end < len(text) and (text[end].isalpha() or (text[end] in "'’" and text[end + 1 : end + 2].isalpha())):
            end += 1  # never leave half a word ("Mr. O'Neil" found up to the apostrophe)
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, label])
    for start, end, label in reversed(merged):
        text = f"{text[:start]}{label}{text[end:]}"
    return text


def _unlisted_names(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words that read as a full name though the name lists do not hold it: with an
    Irish patronymic ("Siobhán Ní Bhriain", "Seán Ó Súilleabháin"), an O'/Mc/Mac surname ("Pádraig
    O'Connor"), letters beyond ASCII ("José García", "Zoë Müller"), or a known given name first ("Sarah
    Kowalczyk")."""
    words = list(_WORD.finditer(text))
    found, run = [], []
    for word in words + [None]:
        joined = (
            word is not None and run and text[run[-1].end() : word.start()].strip() == ""
            and (word.group(0)[0].isupper() or word.group(0).lower() in _NAME_PARTICLES)
        )
        if word is not None and (joined or (not run and word.group(0)[0].isupper())):
            run.append(word)
            continue
        while run and run[-1].group(0).lower() in _NAME_PARTICLES and not run[-1].group(0)[0].isupper():
            run.pop()
        if len(run) >= 2 and _reads_as_a_name([w.group(0) for w in run]):
            found.append((run[0].start(), run[-1].end()))
        run = [word] if word is not None and word.group(0)[0].isupper() else []
    return found


def _reads_as_a_name(parts: list[str]) -> bool:
    lowered = [p.lower() for p in parts]
    capitalised = [p for p in parts if p[0].isupper()]
    if len(capitalised) < 2:
        return False
    if any(p in _IRISH for p in lowered[1:]):
        return True
    if any(re.match(r"^(?:O['’]|Mc|Mac)[A-ZÁÉÍÓÚ]", p) for p in parts[1:]):
        return True
    if any(not p.isascii() for p in capitalised) and len(capitalised) <= 5:
        return True
    return len(parts) <= 4 and lowered[0] in given_names() and capitalised[1][0].isupper()


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
