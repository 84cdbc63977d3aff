"""Building drafts and JSON score requests in tests."""

from __future__ import annotations

import base64

from sendward.domain.draft import Address, Attachment, Body, Draft

SENDER = "ils@northshire.gov.uk"
WEBMAIL = ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com")


def people(count: int, domain: str | None = None, prefix: str = "person") -> list[Address]:
    """``count`` addresses; without a domain they spread over consumer webmail domains."""
    return [
        Address(f"{prefix}.{i:04d}@{domain or WEBMAIL[i % len(WEBMAIL)]}", f"{prefix.title()} {i}")
        for i in range(count)
    ]


def draft(
    to=(),
    cc=(),
    bcc=(),
    subject="Hello",
    body="Please see below.",
    body_type="text",
    attachments=(),
    sender=SENDER,
) -> Draft:
    return Draft(
        sender=Address(sender, "Sender") if sender else None,
        to=tuple(_addresses(to)),
        cc=tuple(_addresses(cc)),
        bcc=tuple(_addresses(bcc)),
        subject=subject,
        body=Body(content=body, type=body_type),
        attachments=tuple(attachments),
    )


def attachment(name: str, content: bytes, content_type: str = "application/octet-stream") -> Attachment:
    return Attachment(name=name, content_type=content_type, size=len(content), content=content)


def _addresses(values):
    """Strings may be "Name <address>"."""
    from email.utils import parseaddr

    return [Address(parseaddr(v)[1] or v, parseaddr(v)[0]) if isinstance(v, str) else v for v in values]


def score_request(d: Draft) -> dict:
    """The JSON of POST /api/v1/score for a draft."""

    def addr(a: Address):
        return {"address": a.address, "name": a.name}

    return {
        "from": addr(d.sender) if d.sender else None,
        "to": [addr(a) for a in d.to],
        "cc": [addr(a) for a in d.cc],
        "bcc": [addr(a) for a in d.bcc],
        "subject": d.subject,
        "body": {"type": d.body.type, "content": d.body.content},
        "attachments": [
            {
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "content_base64": base64.b64encode(a.content or b"").decode(),
            }
            for a in d.attachments
        ],
    }


def evaluate_recipients(d: Draft, policy=None, group_sizes=None, decision_id="test-decision"):
    """A verdict from the recipient and context signals only (no attachments scanned)."""
    from sendward.domain.evaluate import evaluate
    from sendward.domain.policy import Policy
    from sendward.domain.signals import Signals
    from sendward.signals.context import context_signals
    from sendward.signals.recipients import recipient_signals

    policy = policy or Policy()
    if policy.fail_mode is None:
        policy = policy.model_copy(update={"fail_mode": "open"})
    signals = Signals(
        recipients=recipient_signals(d, policy, group_sizes),
        context=context_signals([d.subject, d.body.content], policy.sensitive_terms),
    )
    return evaluate(signals, policy, decision_id=decision_id, policy_version=1)


def finding(verdict, rule):
    """The one finding of ``rule`` in a verdict, or None."""
    found = [f for f in verdict.findings if f.rule == rule]
    assert len(found) <= 1, f"{rule} fired {len(found)} times"
    return found[0] if found else None


def hidden_places(signals) -> set[str]:
    """The kinds of hiding among an attachment's locations."""
    return {loc.hidden for loc in signals.content.locations if loc.hidden}
