"""An attachment or a body -> content signals, within limits and the draft's time budget.

Nothing escapes ``scan_attachment`` as an exception: a file we cannot read
becomes an attachment with an error (encrypted, corrupt, too large, unknown
type, time budget spent), which the ``attachment.unscannable`` rule reports.
"""

from __future__ import annotations

import functools

import hashlib
import logging
from dataclasses import dataclass, field, replace

from sendward.detection.analyzer import build_analyzer
from sendward.detection.custom import CustomMatcher
from sendward.detection.extractors import EXTRACTORS
from sendward.detection.extractors.html import html_parts
from sendward.detection.extractors.state import ScanState
from sendward.detection.isolation import ExtractionPool, Failure, Job, WorkerLost, extract_job, html_body_parts
from sendward.detection.limits import Limits, Unscannable
from sendward.kernel import Deadline, DeadlineExceeded
from sendward.detection.model import Embedded, Failed, Table, Text
from sendward.detection.people import PeopleCounter, identifier, name_key
from sendward.detection.recognizers import load_recognizers
from sendward.detection.sniff import sniff
from sendward.detection.special import TermMatcher
from sendward.detection.tables import analyze_table
from sendward.detection.text import analyze_text
from sendward.domain.correspondents import subject_keys
from sendward.domain.draft import Attachment, Body, Draft
from sendward.domain.signals import AttachmentSignals, ContentSignals
from sendward.kernel import NO_STAGE_TIMES, StageTimes

log = logging.getLogger(__name__)

_UNREADABLE_KINDS = {
    "unknown": ("unknown_type", "its file type is not one Sendward can read"),
    "encrypted_office": ("encrypted", "it is password-protected"),
    "doc": ("unknown_type", "legacy Word (.doc) files are not read: save it as .docx"),
    "odf": ("unknown_type", "OpenDocument text files are not read"),
}
_SKIPPED_KINDS = {"image": "images are not read (no OCR)"}
# Read in an extraction worker the deadline can kill: their parsers run in libraries (pypdf, calamine,
# xlrd, striprtf, olefile, lxml) that do not check the deadline between their own steps. CSV, plain
# text and zip are read here: pure Python that checks the deadline as it goes.
_HTML_IN_PROCESS_CHARS = 200_000  # smaller HTML bodies parse in well under 100 ms: no pipe round trip
ISOLATED_KINDS = frozenset({"pdf", "xlsx", "xls", "ods", "docx", "pptx", "rtf", "msg", "eml", "html"})


@dataclass
class ScanRequest:
    """What one draft's scan needs from the policy and the draft, beside the content."""

    deadline: Deadline
    custom: CustomMatcher
    special: TermMatcher
    draft: Draft | None = None  # its recipients, for "is this file about a recipient?"
    stages: StageTimes = NO_STAGE_TIMES  # time in "extraction" (reading files) and "detection"
    # The tenant's key for recipients.misdirected: with it, content about one person carries keyed
    # hashes of their names and addresses (``ContentSignals.subject_keys``); None: it does not.
    subject_key: bytes | None = None

    @property
    def subject_keys_of(self):
        if self.subject_key is None:
            return None
        return functools.partial(subject_keys, self.subject_key)

    @functools.cached_property
    def recipient_keys(self) -> frozenset[int]:
        return recipient_keys(self.draft) if self.draft is not None else frozenset()

    @classmethod
    def for_draft(
        cls, draft: Draft, policy, deadline: Deadline, stages: StageTimes = NO_STAGE_TIMES, subject_key: bytes | None = None
    ) -> ScanRequest:
        return cls(
            subject_key=subject_key,
            deadline=deadline,
            custom=CustomMatcher.from_policy(policy),
            special=TermMatcher(policy.sensitive_terms, policy.special_categories),
            draft=draft,
            stages=stages,
        )


def recipient_keys(draft: Draft) -> frozenset[int]:
    keys = set()
    for recipient in draft.recipients:
        if recipient.address.address:
            keys.add(identifier("EMAIL_ADDRESS", recipient.address.address))
        if recipient.address.name:
            keys.add(name_key(recipient.address.name))
    return frozenset(keys)


@dataclass
class _Scan:
    """One scan in progress: the request plus the shared engine pieces."""

    request: ScanRequest
    analyzer: object
    recognizers: tuple
    entities: list[str]
    names: object  # the person-name recognizer, for chunks no pattern can match
    state: ScanState
    errors: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def deadline(self) -> Deadline:
        return self.request.deadline

    @property
    def custom(self) -> CustomMatcher:
        return self.request.custom

    @property
    def special(self) -> TermMatcher:
        return self.request.special

    @property
    def stages(self) -> StageTimes:
        return self.request.stages


class Scanner:
    def __init__(
        self,
        limits: Limits | None = None,
        model_path: str | None = None,
        extraction_pool: ExtractionPool | None | bool = True,
    ):
        """``extraction_pool``: True for a default pool, a pool, or None/False to parse in process (bench)."""
        self.limits = limits or Limits()
        self.pool = ExtractionPool() if extraction_pool is True else (extraction_pool or None)
        self.analyzer = build_analyzer(model_path)
        self.recognizers = load_recognizers()
        self.entities = sorted({r.ENTITY for r in self.recognizers} | {"PERSON", "LOCATION"})
        self.names = next(r for r in self.recognizers if r.ENTITY == "PERSON")

    def scan_attachment(self, attachment: Attachment, request: ScanRequest) -> AttachmentSignals:
        base = dict(name=attachment.name, content_type=attachment.content_type, size=attachment.size)
        content = attachment.content
        if content is None:
            return _unfetched(attachment, base)
        if len(content) > self.limits.max_file_bytes:
            return AttachmentSignals(
                **base, scanned=False, content_hash=content_hash(content), error_code="too_large",
                error=f"it is larger than {self.limits.max_file_bytes // 2**20} MB",
            )
        scan = self._new_scan(request)
        counter = PeopleCounter()
        infrastructure = False
        try:
            self._scan_file(attachment.name, content, attachment.content_type, scan, counter)
        except DeadlineExceeded:
            scan.errors.insert(0, ("time_budget", "the time budget ran out before it was fully read"))
            infrastructure = True
        except Unscannable as error:
            scan.errors.insert(0, (error.code, str(error)))
        except Failure as error:  # an extractor's exception in a worker, by type and place only
            log.warning("extractor failure: %s in %s", error.kind, error.where)
            scan.errors.insert(0, ("corrupt", f"it could not be read ({error.kind})"))
        except WorkerLost as lost:  # a C library aborting at the memory cap, or crashing
            log.warning("extraction worker lost (exit code %s)", lost.args[0] if lost.args else "?")
            scan.errors.insert(0, ("too_large", "reading it needed more memory than Sendward allows, or crashed the reader"))
        except Exception as error:  # a library bug must not crash scoring: report, never allow silently
            log.warning("extractor failure: %s in %s", type(error).__name__, _where(error))
            scan.errors.insert(0, ("corrupt", f"it could not be read ({type(error).__name__})"))
        code, reason = scan.errors[0] if scan.errors else (None, None)
        return AttachmentSignals(
            **base,
            scanned=not scan.errors and not scan.notes,
            content=counter.signals(lambda: request.recipient_keys, request.subject_keys_of),
            error=reason,
            error_code=code,
            infrastructure_failure=infrastructure,
            content_hash=content_hash(content),
            note="; ".join(scan.notes) or None,
        )

    def scan_body(self, body: Body, request: ScanRequest) -> ContentSignals:
        scan = self._new_scan(request)
        counter = PeopleCounter()
        complete = True
        try:
            if body.type == "html":
                for part in _timed_parts(self._html_body_parts(body.content, scan), scan.stages):
                    part.name = "message body" if part.name == "text" else f"message body {part.name}"
                    self._analyze_part(part, scan, counter, frozenset())
            else:
                text = Text(name="message body", text=body.content[: self.limits.max_text_chars])
                with scan.stages.timing("detection"):
                    analyze_text(text, scan, counter)
        except (DeadlineExceeded, Unscannable, Failure, WorkerLost):
            complete = False  # what was read so far still counts; the verdict says the rest was not checked
        signals = counter.signals(lambda: request.recipient_keys, request.subject_keys_of)
        return signals if complete else replace(signals, complete=False)

    def _html_body_parts(self, content: str, scan: _Scan):
        """An HTML body's parts; a large one is parsed in an extraction worker the deadline can stop."""
        if self.pool is None or len(content) < _HTML_IN_PROCESS_CHARS:
            return html_parts(content, self.limits.max_text_chars)
        with scan.stages.timing("extraction"):
            return self.pool.run(html_body_parts, (content, self.limits.max_text_chars), scan.deadline)

    def _new_scan(self, request: ScanRequest) -> _Scan:
        return _Scan(
            request=request,
            analyzer=self.analyzer,
            recognizers=self.recognizers,
            entities=self.entities,
            names=self.names,
            state=ScanState(limits=self.limits, deadline=request.deadline),
        )

    def _scan_file(
        self, name: str, content: bytes, content_type: str, scan: _Scan, counter: PeopleCounter, skippable=False
    ) -> None:
        kind = sniff(name, content, content_type)
        if kind in _SKIPPED_KINDS:
            scan.notes.append(f"{name}: {_SKIPPED_KINDS[kind]}")
            return
        if kind in _UNREADABLE_KINDS:
            if skippable:
                scan.notes.append(f"{name}: {_UNREADABLE_KINDS[kind][1]}")
                return
            raise Unscannable(*_UNREADABLE_KINDS[kind])
        file_categories = frozenset(scan.special.categories_in(name))
        if self.pool is not None and kind in ISOLATED_KINDS:
            parts = self._isolated_parts(kind, content, scan)
        else:
            parts = EXTRACTORS[kind](content, scan.state)
        for part in _timed_parts(parts, scan.stages):
            scan.deadline.check()
            if isinstance(part, Embedded):
                self._scan_embedded(part, scan, counter)
            elif isinstance(part, Failed):
                scan.errors.append((part.code, part.reason))
            else:
                self._analyze_part(part, scan, counter, file_categories)

    def _isolated_parts(self, kind: str, content: bytes, scan: _Scan) -> list:
        """Every part of one file, read by an extraction worker that is killed at the deadline."""
        state = scan.state
        job = Job(kind=kind, content=content, limits=self.limits, seconds=scan.deadline.remaining(),
                  expanded_bytes=state.expanded_bytes, cells=state.cells)
        with scan.stages.timing("extraction"):
            extracted = self.pool.run(extract_job, (job,), scan.deadline)
        state.expanded_bytes, state.cells = extracted.expanded_bytes, extracted.cells
        return extracted.parts

    def _analyze_part(self, part, scan: _Scan, counter: PeopleCounter, file_categories) -> None:
        with scan.stages.timing("detection"):
            if isinstance(part, Table):
                analyze_table(part, scan, counter, file_categories)
            elif isinstance(part, Text) and part.text.strip():
                analyze_text(part, scan, counter)

    def _scan_embedded(self, part: Embedded, scan: _Scan, counter: PeopleCounter) -> None:
        if scan.state.depth >= self.limits.max_depth:
            raise Unscannable("too_deep", f"files are nested more than {self.limits.max_depth} deep")
        scan.state.depth += 1
        try:
            self._scan_file(part.name, part.content, part.content_type, scan, counter, part.skippable)
        except Unscannable as error:
            if error.code in ("zip_bomb", "too_large", "too_deep"):
                raise
            scan.errors.append((error.code, f"'{part.name}' inside it: {error}"))
        finally:
            scan.state.depth -= 1


def _unfetched(attachment: Attachment, base: dict) -> AttachmentSignals:
    """No bytes: deliberately left alone (a note), or a fetch that failed (an error)."""
    if attachment.note is not None and attachment.fetch_error is None:
        return AttachmentSignals(**base, scanned=False, note=attachment.note)
    failure = attachment.fetch_error
    return AttachmentSignals(
        **base,
        scanned=False,
        error=failure.reason if failure else "its content could not be fetched",
        error_code=failure.code if failure else "not_fetched",
        infrastructure_failure=failure.infrastructure if failure else True,
    )


_END = object()


def _timed_parts(parts, stages: StageTimes):
    """The parts an extractor yields, the time spent producing each counted as extraction."""
    iterator = iter(parts)
    while True:
        with stages.timing("extraction"):
            part = next(iterator, _END)
        if part is _END:
            return
        yield part


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _where(error: Exception) -> str:
    """The innermost frame of a traceback, as file:line (never its message, which may quote data)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename.rpartition('/')[2]}:{tb.tb_lineno}" if tb else "?"
