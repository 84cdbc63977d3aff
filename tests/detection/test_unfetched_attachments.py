"""An attachment without bytes: a failed fetch is an error (ours or the file's), a deliberate skip a note."""

from sendward.kernel import Deadline
from sendward.detection.scanner import ScanRequest
from sendward.domain.draft import Attachment, FetchError
from sendward.domain.policy import Policy
from tests.builders import draft


def scan_unfetched(scanner, attachment):
    return scanner.scan_attachment(attachment, ScanRequest.for_draft(draft(to=["a@gmail.com"]), Policy(), Deadline(5)))


def test_a_failed_fetch_carries_its_reason_and_whose_failure_it_was(scanner):
    ours = scan_unfetched(scanner, Attachment("a.xlsx", fetch_error=FetchError("time_budget", "time ran out")))
    assert (ours.scanned, ours.error_code, ours.error, ours.infrastructure_failure) == (
        False, "time_budget", "time ran out", True)
    theirs = scan_unfetched(scanner, Attachment("b.xlsx", fetch_error=FetchError("too_large", "too big", False)))
    assert (theirs.error_code, theirs.infrastructure_failure) == ("too_large", False)


def test_no_bytes_and_no_reason_is_still_never_silently_fine(scanner):
    signals = scan_unfetched(scanner, Attachment("a.xlsx"))
    assert (signals.error_code, signals.infrastructure_failure) == ("not_fetched", True)


def test_a_deliberate_skip_is_a_note_not_an_error(scanner):
    signals = scan_unfetched(scanner, Attachment("plan.docx", kind="reference", note="a link; not read"))
    assert (signals.scanned, signals.error, signals.note) == (False, None, "a link; not read")
