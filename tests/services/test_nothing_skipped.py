"""Issue 13: nothing is skipped silently. Empty content for a non-empty file is unread, a short
client budget never costs the body or the recipients, and attachments not read in time are named."""

from __future__ import annotations

import base64

from sendward.domain.draft import Attachment
from sendward.domain.policy import Policy
from sendward.drafts.json_draft import ScoreRequest
from sendward.services.scoring import Scorer
from tests import files
from tests.builders import attachment, draft, people, score_request

CLIENTS = list(files.client_rows(60))
BODY_OF_60 = "Today's visits:\n" + "\n".join(f"{r['name']} - {r['email']}" for r in CLIENTS)


def _unscannable(verdict):
    return [f for f in verdict["findings"] if f["rule"] == "attachment.unscannable"]


def _request(name="clients.csv", size=4812, content_base64=""):
    body = score_request(draft(to=["a@gmail.com"]))
    body["attachments"] = [{"id": "att-0", "name": name, "size": size, "content_base64": content_base64}]
    return body


def test_empty_content_for_a_declared_non_empty_file_is_unread_not_scanned():
    parsed = ScoreRequest.model_validate(_request()).to_draft().attachments[0]
    assert parsed.content is None, "0 bytes for a 4812-byte file are not the file"
    assert parsed.size == 4812, "the declared size is kept"
    assert parsed.fetch_error.code == "empty_content"


def test_a_really_empty_file_is_read_as_empty():
    parsed = ScoreRequest.model_validate(_request(name="empty.txt", size=0)).to_draft().attachments[0]
    assert parsed.content == b""
    assert parsed.fetch_error is None


def test_bytes_replace_the_declared_size():
    encoded = base64.b64encode(b"name,phone\n").decode()
    parsed = ScoreRequest.model_validate(_request(size=99, content_base64=encoded)).to_draft().attachments[0]
    assert (parsed.content, parsed.size, parsed.fetch_error) == (b"name,phone\n", 11, None)


def test_empty_content_is_reported_as_unscannable_and_the_fail_mode_decides(client, auth):
    verdict = client.post("/api/v1/score", json=_request(), headers=auth()).get_json()
    assert verdict["attachments"][0]["scanned"] is False
    assert verdict["attachments"][0]["data_subjects"] == 0
    [finding] = _unscannable(verdict)
    assert finding["evidence"]["reason"] == "empty_content"
    assert finding["evidence"]["infrastructure_failure"] is True
    assert finding["action"] == ("block" if verdict["fail_mode"] == "closed" else "info")


def test_empty_content_blocks_when_the_fail_mode_is_closed(scanner):
    d = draft(to=["a@gmail.com"], attachments=[Attachment(name="clients.csv", size=4812).read_as(b"")])
    verdict = Scorer(scanner=scanner).score(d, Policy(fail_mode="closed"), 0)
    assert verdict.action == "block"
    assert [f.evidence["reason"] for f in verdict.findings if f.rule == "attachment.unscannable"] == ["empty_content"]


def test_a_budget_of_100_ms_still_gives_the_body_finding(client, auth):
    body = {**score_request(draft(to=people(3), body=BODY_OF_60)), "budget_ms": 100}
    verdict = client.post("/api/v1/score", json=body, headers=auth()).get_json()
    finding = next(f for f in verdict["findings"] if f["rule"] == "body.personal_data")
    assert finding["evidence"]["data_subjects"] == 60
    assert verdict["action"] == "block"


class _Clock:
    """A clock that moves only when told to: the budget is spent exactly where the test says."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_an_attachment_reached_after_the_deadline_is_named_not_scanned_and_the_body_still_counts(scanner):
    clock = _Clock()
    spender = _SpendingScanner(scanner, clock)
    files_ = [attachment("first.csv", b"name\nA\n"), attachment("second.csv", b"name\nB\n")]
    d = draft(to=people(3), body=BODY_OF_60, attachments=files_)
    verdict = Scorer(scanner=spender, clock=clock).score(d, Policy(), 0, budget_ms=1000)
    body = next(f for f in verdict.findings if f.rule == "body.personal_data")
    assert body.evidence["data_subjects"] == 60
    second = verdict.attachments[1]
    assert (second.scanned, second.error_code) == (False, "time_budget")
    assert spender.scanned == ["first.csv"], "the second file was not started once the budget was spent"
    reasons = [f.evidence["reason"] for f in verdict.findings if f.rule == "attachment.unscannable"]
    assert "time_budget" in reasons


class _SpendingScanner:
    """The real scanner; each attachment read spends the whole budget."""

    def __init__(self, scanner, clock):
        self.scanner = scanner
        self.clock = clock
        self.scanned = []

    def scan_body(self, body, request):
        return self.scanner.scan_body(body, request)

    def scan_attachment(self, attachment, request):
        if attachment.content is not None:
            self.scanned.append(attachment.name)
            self.clock.now += 10
        return self.scanner.scan_attachment(attachment, request)
