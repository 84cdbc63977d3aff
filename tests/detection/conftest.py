import pytest

from sendguard.detection.limits import Deadline
from sendguard.detection.scanner import ScanRequest
from sendguard.domain.policy import Policy
from tests.builders import attachment, draft


@pytest.fixture
def scan(scanner):
    """scan(name, data, policy=None, seconds=30, to=()) -> AttachmentSignals."""

    def run(name, data, policy=None, seconds=30.0, to=(), content_type="application/octet-stream"):
        d = draft(to=to or ["someone@example.org"])
        request = ScanRequest.for_draft(d, policy or Policy(), Deadline(seconds))
        return scanner.scan_attachment(attachment(name, data, content_type), request)

    return run


@pytest.fixture
def scan_body(scanner):
    def run(text, body_type="text", policy=None, to=()):
        from sendguard.domain.draft import Body

        d = draft(to=to or ["someone@example.org"])
        request = ScanRequest.for_draft(d, policy or Policy(), Deadline(30))
        return scanner.scan_body(Body(content=text, type=body_type), request)

    return run


def hidden_places(signals) -> set[str]:
    return {loc.hidden for loc in signals.content.locations if loc.hidden}
