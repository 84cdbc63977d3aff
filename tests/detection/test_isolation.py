"""Files are parsed in extraction workers the deadline kills; a runaway parse costs one worker, not a request.

These tests assert the logic (deadline reached, worker killed, a fresh worker serves the next file);
timings of eight concurrent bombs against a real server are in tests/hostile/test_soak.py (make soak).
"""

import os
import time

import pytest

from sendward.detection.isolation import ExtractionPool, WorkerLost
from sendward.detection.limits import Unscannable
from sendward.kernel import Deadline, DeadlineExceeded
from sendward.detection.scanner import Scanner
from tests import files


@pytest.fixture(scope="module")
def pool():
    pool = ExtractionPool(workers=2, memory_mb=512)
    yield pool
    pool.close()


def test_a_call_past_the_deadline_is_stopped_and_its_worker_replaced(pool):
    killed = pool.killed
    with pytest.raises(DeadlineExceeded):
        pool.run(time.sleep, (60,), Deadline(0.3))
    assert pool.killed == killed + 1
    assert pool.run(len, (b"still served",), Deadline(10)) == 12


def test_a_worker_is_reused_between_files(pool):
    pool.run(len, (b"warm",), Deadline(10))
    started = pool.started
    for _ in range(5):
        pool.run(len, (b"small",), Deadline(10))
    assert pool.started == started


def test_memory_is_capped_in_the_worker(pool):
    with pytest.raises(Unscannable) as raised:
        pool.run(bytearray, (2 * 2**30,), Deadline(10))  # 2 GB against a 512 MB cap
    assert raised.value.code == "too_large"
    assert pool.run(len, (b"after",), Deadline(10)) == 5


def test_a_worker_that_dies_is_reported_and_replaced(pool):
    with pytest.raises(WorkerLost):
        pool.run(os._exit, (3,), Deadline(10))
    assert pool.run(len, (b"next",), Deadline(10)) == 4


def test_an_expired_deadline_starts_nothing(pool):
    started = pool.started
    with pytest.raises(DeadlineExceeded):
        pool.run(len, (b"late",), Deadline(0))
    assert pool.started == started


def test_a_pdf_bomb_is_named_unscannable_at_the_deadline_and_the_next_file_is_read(scan, scanner):
    bomb = files.pdf_bomb(48)  # ~120 KB; PDFium needs tens of seconds, pypdf minutes
    killed = scanner.pool.killed
    signals = scan("report.pdf", bomb, seconds=0.5)  # long before it reaches the memory cap
    assert (signals.scanned, signals.error_code) == (False, "time_budget")
    assert signals.infrastructure_failure
    assert scanner.pool.killed == killed + 1
    after = scan("list.pdf", files.pdf([["Sarah Jones sarah.jones@example.org"]]))
    assert after.scanned and after.content.data_subjects == 1


def test_a_reader_that_dies_names_the_file_unscannable(scanner, scan, monkeypatch):
    def crash(*args):
        raise WorkerLost(-6)

    monkeypatch.setattr(scanner.pool, "run", crash)
    signals = scan("list.pdf", files.pdf([["Sarah Jones"]]))
    assert (signals.scanned, signals.error_code) == (False, "too_large")


def test_an_extractor_error_in_a_worker_names_the_file_corrupt(scan):
    signals = scan("broken.docx", files.zip_of({"word/document.xml": b"<w:document"}))
    assert not signals.scanned
    assert signals.error_code == "corrupt"


def test_files_inside_a_pdf_are_read(scan):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf([["Quarterly report"]]))))
    writer.add_attachment("clients.csv", "\n".join(["Name,Email"] + [
        f"{r['name']},{r['email']}" for r in files.client_rows(12)]).encode())
    signals = scan("report.pdf", files.save(writer))
    assert signals.scanned
    assert signals.content.data_subjects == 12


def test_in_process_extraction_is_still_possible_for_the_bench():
    from sendward.detection.scanner import ScanRequest
    from sendward.domain.policy import Policy
    from tests.builders import attachment, draft

    scanner = Scanner(extraction_pool=None)
    request = ScanRequest.for_draft(draft(to=["a@b.org"]), Policy(), Deadline(30))
    signals = scanner.scan_attachment(attachment("a.pdf", files.pdf([["Sarah Jones sarah.jones@example.org"]])), request)
    assert scanner.pool is None and signals.content.data_subjects == 1


def test_a_large_html_body_is_parsed_where_the_deadline_can_stop_it(scanner):
    from sendward.detection.scanner import ScanRequest
    from sendward.domain.draft import Body
    from sendward.domain.policy import Policy
    from tests.builders import draft

    big = "<p>" + "<b>Sarah Jones</b> sarah.jones@example.org " * 10_000 + "</p>"
    late = ScanRequest.for_draft(draft(to=["a@b.org"]), Policy(), Deadline(0))
    assert scanner.scan_body(Body(content=big, type="html"), late).complete is False
    on_time = ScanRequest.for_draft(draft(to=["a@b.org"]), Policy(), Deadline(30))
    read = scanner.scan_body(Body(content=big, type="html"), on_time)
    assert read.complete and read.data_subjects == 1


def test_a_body_not_read_in_time_is_named_in_the_verdict(scanner):
    from sendward.domain.draft import Address, Body, Draft
    from sendward.domain.policy import Policy
    from sendward.services.scoring import Scorer

    clock = iter(range(0, 10**6, 5))  # every look at the clock: 5 s later, past any budget
    body = Body(content="<p>" + "hello " * 50_000 + "</p>", type="html")
    draft = Draft(sender=Address("me@northshire.gov.uk"), to=(Address("a@gmail.com"),), body=body)
    verdict = Scorer(scanner=scanner, clock=lambda: next(clock)).score(draft, Policy(), 1)
    assert "message_body" in verdict.not_checked


def test_workers_are_the_first_the_kernel_ends_when_memory_runs_out(pool):
    import pathlib

    if not pathlib.Path("/proc/self/oom_score_adj").exists():
        pytest.skip("no /proc on this platform")
    adjusted = pool.run(pathlib.Path.read_text, (pathlib.Path("/proc/self/oom_score_adj"),), Deadline(10))
    assert adjusted.strip() == "1000"
    assert pool.run(os.getpriority, (os.PRIO_PROCESS, 0), Deadline(10)) > os.getpriority(os.PRIO_PROCESS, 0)


def test_a_pool_can_be_warmed_before_the_first_file():
    pool = ExtractionPool(workers=1, memory_mb=512)
    try:
        pool.warm().join(timeout=60)
        assert pool.started == 1
        pool.run(len, (b"x",), Deadline(10))
        assert pool.started == 1  # the warmed worker served it
    finally:
        pool.close()
