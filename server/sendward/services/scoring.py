"""Score a draft: gather signals within the time budget, evaluate them against the policy."""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, replace

from sendward.detection.extractors.html import html_to_text
from sendward.kernel import Deadline
from sendward.detection.scanner import Scanner, ScanRequest
from sendward.domain.draft import LINK_NOT_READ, TIME_BUDGET, Attachment, Draft, DraftNotSynced, FetchError
from sendward.domain.evaluate import evaluate
from sendward.domain.policy import Policy
from sendward.domain.signals import AttachmentSignals, HistorySignals, Signals
from sendward.domain.verdict import Verdict
from sendward.services.ports import (
    AttachmentSource,
    CorrespondentHistory,
    DraftSignalsCache,
    GroupSizes,
    ScanCache,
    TenantDomains,
)
from sendward.kernel import NO_STAGE_TIMES, NO_TELEMETRY, StageTimes, Telemetry
from sendward.signals.context import context_signals
from sendward.signals.misdirection import history_signals
from sendward.signals.recipients import addresses_at, recipient_signals

SCANNER_VERSION = "1"
log = logging.getLogger(__name__)


@dataclass
class Scorer:
    scanner: Scanner
    default_fail_mode: str = "open"
    time_budget_ms: int = 4000
    attachment_source: AttachmentSource | None = None
    group_sizes: GroupSizes | None = None
    scan_cache: ScanCache | None = None
    tenant_domains: TenantDomains | None = None
    # A draft's signals by its content, so a Send after a background check of it reads nothing again.
    draft_signals: DraftSignalsCache | None = None
    # Lookups that only refine the verdict (mail tips, verified domains) may each spend this share of
    # the draft's budget; fetching attachments stops early enough to leave ``scan_reserve`` of it for reading them.
    lookup_share: float = 0.25
    scan_reserve: float = 0.2
    # The body is scanned with at least this much time, however little the budget leaves it.
    body_floor_ms: int = 500
    clock: object = time.monotonic
    telemetry: Telemetry = NO_TELEMETRY
    # The sender's correspondents (recipients.misdirected); None: the rule has nothing to judge by.
    history: CorrespondentHistory | None = None

    def score(
        self,
        draft: Draft,
        policy: Policy,
        policy_version: int,
        *,
        caller=None,
        tenant_id: str = "",
        stages: StageTimes = NO_STAGE_TIMES,
        budget_ms: int | None = None,
    ) -> Verdict:
        """``budget_ms``: this draft's own time budget (the caller bounds it); else the configured one."""
        started = self.clock()
        budget_ms = self.time_budget_ms if budget_ms is None else budget_ms
        deadline = Deadline(budget_ms / 1000, clock=self.clock)
        if policy.fail_mode is None:
            policy = policy.model_copy(update={"fail_mode": self.default_fail_mode})
        key = draft_key(tenant_id, caller, draft, policy) if self.draft_signals is not None else None
        signals = self.draft_signals.get(key, draft) if key is not None else None
        not_checked: list[str] = []
        if key is not None:
            self.telemetry.draft_cache(hit=signals is not None)
        if signals is None:
            signals = self._gather(draft, policy, caller, tenant_id, deadline, not_checked, stages)
            if key is not None and _complete(signals, not_checked):
                self.draft_signals.put(key, signals)
        if self.history is not None and policy.rule("recipients.misdirected").enabled:
            # Never cached with the rest: it names addresses, and the model changes as mail is sent.
            with stages.timing("detection"):
                signals = replace(signals, history=self._history(draft, policy, caller, tenant_id, signals, not_checked))
        with stages.timing("policy"):
            verdict = evaluate(
                signals,
                policy,
                decision_id=str(uuid.uuid4()),
                policy_version=policy_version,
                elapsed_ms=round((self.clock() - started) * 1000),
            )
        if any(f.fix == "move_to_bcc" for f in verdict.findings):
            verdict = replace(verdict, move_to_bcc=addresses_at(draft, signals.recipients.outside_visible))
        return replace(verdict, not_checked=tuple(not_checked)) if not_checked else verdict

    def _gather(
        self, draft: Draft, policy: Policy, caller, tenant_id: str, deadline: Deadline, not_checked, stages
    ) -> Signals:
        """Every signal of the draft, cheap parts first: recipients (with their bounded Graph
        lookups) and the body, then attachments, so a short budget or a slow file can cost only
        attachments, each named as not read; it never costs the body or the recipients."""
        verified = self._verified_domains(policy, caller, deadline, not_checked, stages)
        groups = self._group_sizes(draft, caller, deadline, not_checked, stages)
        request = ScanRequest.for_draft(
            draft, policy, deadline, stages=stages, subject_key=self._subject_key(policy, caller, tenant_id)
        )
        with stages.timing("detection"):
            # Half of what is left at most, so the attachments and the body are still read.
            recipients = recipient_signals(draft, policy, groups, verified, deadline.within(deadline.remaining() / 2))
            if not recipients.complete:
                not_checked.append("recipient_domains")
            context = context_signals(
                [draft.subject, _body_text(draft), *(a.name for a in draft.attachments)], policy.sensitive_terms
            )
        body_deadline = Deadline(max(deadline.remaining(), self.body_floor_ms / 1000), clock=self.clock)
        body = self.scanner.scan_body(draft.body, replace(request, deadline=body_deadline))
        if not body.complete:
            not_checked.append("message_body")
        attachments = self._attachments(draft, policy, caller, deadline, stages)
        return Signals(
            recipients=recipients,
            context=context,
            attachments=tuple(self._scan(a, request, policy, tenant_id) for a in attachments),
            body=body,
        )

    def _subject_key(self, policy: Policy, caller, tenant_id: str) -> bytes | None:
        """The key under which content about one person is compared with the sender's correspondents
        (a letter about one client going to another); None when the rule has no history to judge by."""
        if self.history is None or not policy.rule("recipients.misdirected").enabled:
            return None
        try:
            return self.history.subject_key(caller, tenant_id)
        except Exception as error:  # the rest of the rule still judges; only this signal is lost
            log.warning("recipient history key not available: %s", type(error).__name__)
            return None

    def _history(self, draft: Draft, policy: Policy, caller, tenant_id: str, signals: Signals, not_checked):
        try:
            model = self.history.model(draft, caller, tenant_id)
        except Exception as error:  # the verdict is made without it, and says so
            log.warning("recipient history not checked: %s", type(error).__name__)
            not_checked.append("recipient_history")
            return HistorySignals()
        now = draft.date.timestamp() if draft.date is not None else None
        contents = (*(a.content for a in signals.attachments), signals.body)
        cold_below = policy.rule("recipients.misdirected").min_history_messages
        return history_signals(
            draft, model, signals.recipients.internal_domains, policy.webmail_domains,
            now=now, contents=contents, cold_below=cold_below,
        )

    def _verified_domains(
        self, policy: Policy, caller, deadline: Deadline, not_checked: list[str], stages: StageTimes
    ):
        if self.tenant_domains is None or caller is None or policy.internal_domains:
            return ()
        found = self._lookup(
            "verified_domains", lambda d: self.tenant_domains.verified_domains(caller, d), deadline, not_checked, stages
        )
        return tuple(found or ())

    def _group_sizes(
        self, draft: Draft, caller, deadline: Deadline, not_checked: list[str], stages: StageTimes
    ):
        if self.group_sizes is None or caller is None or not draft.recipients:
            return {}
        found = self._lookup(
            "distribution_lists", lambda d: self.group_sizes.sizes(draft, caller, d), deadline, not_checked, stages
        )
        return found or {}

    def _lookup(self, check: str, call, deadline: Deadline, not_checked: list[str], stages: StageTimes):
        """An optional lookup: when it fails the verdict is made without it, and says so."""
        try:
            with stages.timing("graph"):
                return call(deadline.within(deadline.seconds * self.lookup_share))
        except Exception as error:  # never blocks sending on its own, never a 500
            log.warning("%s not checked: %s", check, type(error).__name__)
            not_checked.append(check)
            return None

    def _attachments(
        self, draft: Draft, policy: Policy, caller, deadline: Deadline, stages: StageTimes
    ) -> tuple[Attachment, ...]:
        attachments = tuple(_unless_unread_link(a, policy) for a in draft.attachments)
        needs_fetch = any(a.content is None and a.note is None for a in attachments)
        if not (needs_fetch and self.attachment_source is not None and caller is not None and draft.item_id):
            return attachments
        reserve = deadline.seconds * self.scan_reserve
        fetch_deadline = deadline.within(max(0.0, deadline.remaining() - reserve))
        try:
            with stages.timing("graph"):
                return tuple(
                    self.attachment_source.fetch(
                        replace(draft, attachments=attachments),
                        caller,
                        fetch_deadline,
                        scan_links=policy.scan_linked_files,
                    )
                )
        except DraftNotSynced:
            raise  # the client can do better than the fail mode: send the bytes inline
        except Exception as error:  # the fail mode decides, through attachment.unscannable
            log.warning("attachments not fetched: %s", type(error).__name__)
            return tuple(_not_fetched(a) for a in attachments)

    def _scan(self, attachment: Attachment, request: ScanRequest, policy: Policy, tenant_id: str) -> AttachmentSignals:
        if attachment.content is not None and request.deadline.expired:
            # Not started: named as not read in time, never as scanned.
            attachment = replace(attachment, content=None, fetch_error=TIME_BUDGET)
        if attachment.content is None:
            return self.scanner.scan_attachment(attachment, request)
        key = None
        if self.scan_cache is not None:
            key = cache_key(tenant_id, attachment.content, policy)
            cached = self.scan_cache.get(key)
            self.telemetry.scan_cache(hit=cached is not None)
            if cached is not None:
                return replace(cached, name=attachment.name, content_type=attachment.content_type)
        signals = self.scanner.scan_attachment(attachment, request)
        # How many of the people a file is about are this draft's recipients depends on the draft: a result
        # that counted any (or a file about one person, who may be the recipient) is not kept for others.
        if (
            key is not None
            and not signals.infrastructure_failure
            and signals.content.data_subjects != 1
            and not signals.content.recipient_data_subjects
        ):
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


def _item_id(attachment_id: str | None) -> bool:
    """An id Exchange made (base64), not an index a client numbered attachments with ("0", "1")."""
    return bool(attachment_id) and not attachment_id.strip().isdigit()


def draft_digest(caller, draft: Draft) -> str:
    """What makes a draft this draft for this user: sender, recipients, subject, body, attachments.

    An attachment with an Outlook item id (unique: Exchange's) is that id (with its name,
    kind and link), whether its bytes came inline (a background check) or are read through Graph
    (Send): Outlook gives a replaced file a new id. Classic Outlook in compose numbers attachments
    ("0", "1": office-js #1946), so a short id says nothing about the file: such an attachment,
    like one without an id (a file, the command line), is its bytes.
    """
    attachments = [
        [a.name, a.id, a.kind, a.url] if _item_id(a.id) else [a.name, a.kind, a.url, a.size, _content_digest(a)]
        for a in draft.attachments
    ]
    recipients = [
        [field, a.address.strip().lower(), a.name]
        for field, group in (("to", draft.to), ("cc", draft.cc), ("bcc", draft.bcc))
        for a in group
    ]
    described = json.dumps(
        {
            "user": getattr(caller, "user_id", None),
            "from": draft.sender.address.lower() if draft.sender else None,
            "recipients": recipients,
            "subject": _digest(draft.subject.encode("utf-8", "surrogatepass")),
            "body": [draft.body.type, _digest(draft.body.content.encode("utf-8", "surrogatepass"))],
            "attachments": attachments,
        },
        sort_keys=True,
    )
    return _digest(described.encode())


def draft_key(tenant_id: str, caller, draft: Draft, policy: Policy) -> str:
    """The same draft from the same user under the same policy gathers the same signals."""
    described = json.dumps(
        {"draft": draft_digest(caller, draft), "policy": policy.to_json(), "scanner": SCANNER_VERSION},
        sort_keys=True,
    )
    return f"draft:{tenant_id}:{_digest(described.encode())}"


def _content_digest(attachment: Attachment) -> str | None:
    return _digest(attachment.content) if attachment.content is not None else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _complete(signals: Signals, not_checked: list[str]) -> bool:
    """Only signals gathered in full are kept: a lookup or fetch that failed is tried again next time."""
    return not not_checked and not any(a.infrastructure_failure for a in signals.attachments)


def _unless_unread_link(attachment: Attachment, policy: Policy) -> Attachment:
    """A link the policy does not read is reported with a note, not fetched."""
    if attachment.kind == "reference" and attachment.content is None and not policy.scan_linked_files:
        return replace(attachment, note=LINK_NOT_READ)
    return attachment


def _not_fetched(attachment: Attachment) -> Attachment:
    if attachment.content is not None or attachment.note is not None:
        return attachment
    return replace(
        attachment,
        fetch_error=FetchError("unavailable", "Microsoft 365 could not be reached to fetch it"),
    )


# Sensitive topics are looked for in the first 200,000 characters of text (signals/context.py): the first
# megabyte of an HTML body holds them, and parsing more would cost seconds outside any deadline.
_CONTEXT_HTML_CHARS = 1_000_000


def _body_text(draft: Draft) -> str:
    if draft.body.type == "html":
        return html_to_text(draft.body.content[:_CONTEXT_HTML_CHARS])
    return draft.body.content
