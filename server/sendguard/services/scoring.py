"""Score a draft: gather signals within the time budget, evaluate them against the policy."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, replace

from sendguard.detection.extractors.html import html_to_text
from sendguard.detection.limits import Deadline
from sendguard.detection.scanner import Scanner, ScanRequest
from sendguard.domain.draft import Attachment, Draft
from sendguard.domain.evaluate import evaluate
from sendguard.domain.policy import Policy
from sendguard.domain.signals import AttachmentSignals, Signals
from sendguard.domain.verdict import Verdict
from sendguard.services.ports import AttachmentSource, GroupSizes, ScanCache
from sendguard.signals.context import context_signals
from sendguard.signals.recipients import recipient_signals

SCANNER_VERSION = "1"


@dataclass
class Scorer:
    scanner: Scanner
    default_fail_mode: str = "open"
    time_budget_ms: int = 4000
    attachment_source: AttachmentSource | None = None
    group_sizes: GroupSizes | None = None
    scan_cache: ScanCache | None = None
    clock: object = time.monotonic

    def score(self, draft: Draft, policy: Policy, policy_version: int, *, caller=None, tenant_id: str = "") -> Verdict:
        started = self.clock()
        deadline = Deadline(self.time_budget_ms / 1000, clock=self.clock)
        if policy.fail_mode is None:
            policy = policy.model_copy(update={"fail_mode": self.default_fail_mode})
        groups = self._group_sizes(draft, caller, deadline)
        attachments = self._attachments(draft, caller, deadline)
        request = ScanRequest.for_draft(draft, policy, deadline)
        signals = Signals(
            recipients=recipient_signals(draft, policy, groups),
            context=context_signals(
                [draft.subject, _body_text(draft), *(a.name for a in draft.attachments)], policy.sensitive_terms
            ),
            attachments=tuple(self._scan(a, request, policy, tenant_id) for a in attachments),
            body=self.scanner.scan_body(draft.body, request),
        )
        return evaluate(
            signals,
            policy,
            decision_id=str(uuid.uuid4()),
            policy_version=policy_version,
            elapsed_ms=round((self.clock() - started) * 1000),
        )

    def _group_sizes(self, draft: Draft, caller, deadline: Deadline):
        if self.group_sizes is None or caller is None:
            return {}
        return self.group_sizes.sizes(draft, caller, deadline)

    def _attachments(self, draft: Draft, caller, deadline: Deadline) -> tuple[Attachment, ...]:
        needs_fetch = any(a.content is None for a in draft.attachments)
        if needs_fetch and self.attachment_source is not None and caller is not None and draft.item_id:
            return tuple(self.attachment_source.fetch(draft, caller, deadline))
        return draft.attachments

    def _scan(self, attachment: Attachment, request: ScanRequest, policy: Policy, tenant_id: str) -> AttachmentSignals:
        if attachment.content is None:
            return self.scanner.scan_attachment(attachment, request)
        key = None
        if self.scan_cache is not None:
            key = cache_key(tenant_id, attachment.content, policy)
            cached = self.scan_cache.get(key)
            if cached is not None:
                return replace(cached, name=attachment.name, content_type=attachment.content_type)
        signals = self.scanner.scan_attachment(attachment, request)
        # A file about one person may be about a recipient: that depends on the draft, so it is not cached.
        if key is not None and not signals.infrastructure_failure and signals.content.data_subjects != 1:
            self.scan_cache.put(key, signals)
        return signals


def cache_key(tenant_id: str, content: bytes, policy: Policy) -> str:
    """Same bytes, same detection settings, same tenant: same scan result."""
    detection = json.dumps(
        {
            "custom": [[p.name, p.pattern] for p in policy.custom_patterns],
            "terms": {c: policy.sensitive_terms.get(c, []) for c in sorted(policy.special_categories)},
            "version": SCANNER_VERSION,
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(content).hexdigest()
    settings = hashlib.sha256(detection.encode()).hexdigest()[:16]
    return f"scan:{tenant_id}:{digest}:{settings}"


def _body_text(draft: Draft) -> str:
    return html_to_text(draft.body.content) if draft.body.type == "html" else draft.body.content
