"""Hostile and over-limit files end fast as unscannable, with a reason, never an exception."""

import time

import pytest

from sendward.detection.limits import Limits
from sendward.detection.scanner import Scanner
from tests import files

TABLE = [["Name", "Email"]] + [[r["name"], r["email"]] for r in files.client_rows(20)]


@pytest.fixture(scope="module")
def bomb():
    return files.zip_bomb(300 * 1024 * 1024)


def timed(scan, *args, **kwargs):
    started = time.monotonic()
    signals = scan(*args, **kwargs)
    return signals, time.monotonic() - started


def test_zip_bomb(scan, bomb):
    signals, seconds = timed(scan, "bomb.zip", bomb)
    assert not signals.scanned
    assert signals.error_code in ("too_large", "zip_bomb")
    assert seconds < 2


def test_high_ratio_member_is_a_bomb(scan):
    signals, seconds = timed(scan, "bomb.zip", files.zip_bomb(20 * 1024 * 1024))
    assert signals.error_code == "zip_bomb"
    assert seconds < 2


def test_a_member_larger_than_its_header_says(scan):
    signals = scan("lying.zip", files.lying_zip(b"A" * 5000, declared_size=100))
    assert signals.error_code in ("zip_bomb", "corrupt")
    assert not signals.scanned


def test_nested_bomb_inside_a_document_name(scan, bomb):
    signals, seconds = timed(scan, "outer.zip", files.zip_of({"inner.zip": bomb[:1000] + bomb[1000:]}))
    assert not signals.scanned
    assert seconds < 5


def test_a_50_mb_file(scan):
    signals, seconds = timed(scan, "huge.csv", b"a," * (25 * 1024 * 1024))
    assert (signals.scanned, signals.error_code) == (False, "too_large")
    assert "larger than 35 MB" in signals.error
    assert seconds < 1


def test_encrypted_zip(scan):
    signals = scan("secret.zip", files.encrypted_zip({"clients.xlsx": files.xlsx(("Clients", TABLE, {}))}))
    assert (signals.scanned, signals.error_code) == (False, "encrypted")
    assert "password-protected" in signals.error


def test_encrypted_workbook(scan):
    signals = scan("secret.xlsx", files.encrypted_office(files.xlsx(("Clients", TABLE, {}))))
    assert (signals.scanned, signals.error_code) == (False, "encrypted")


def test_encrypted_pdf(scan):
    signals = scan("secret.pdf", files.encrypted_pdf([["Sarah Jones"]]))
    assert (signals.scanned, signals.error_code) == (False, "encrypted")


def test_nesting_deeper_than_the_limit(scan):
    data = files.xlsx(("Clients", TABLE, {}))
    for depth in range(7):
        data = files.zip_of({f"level{depth}.zip" if depth else "clients.xlsx": data})
    signals = scan("deep.zip", data)
    assert (signals.scanned, signals.error_code) == (False, "too_deep")


def test_too_many_cells(scan):
    small = Scanner(limits=Limits(max_cells=500))
    from sendward.kernel import Deadline
    from sendward.detection.scanner import ScanRequest
    from sendward.domain.policy import Policy
    from tests.builders import attachment, draft

    rows = [["Name", "Email"]] + [[r["name"], r["email"]] for r in files.client_rows(400)]
    request = ScanRequest.for_draft(draft(to=["a@b.org"]), Policy(), Deadline(30))
    signals = small.scan_attachment(attachment("big.xlsx", files.xlsx(("S", rows, {}))), request)
    assert (signals.scanned, signals.error_code) == (False, "too_large")


def test_too_many_archive_members(scan):
    signals = scan("many.zip", files.zip_of({f"f{i}.txt": b"x" for i in range(2500)}))
    assert signals.error_code == "too_large"


def test_billion_laughs_in_a_workbook_part(scan):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="&lol3;" sheetId="1"/></sheets></workbook>'
    )
    data = files.with_parts(files.xlsx(("Clients", TABLE, {})), {"xl/workbook.xml": laughs})
    signals, seconds = timed(scan, "laughs.xlsx", data)
    assert not signals.scanned
    assert signals.error_code == "corrupt"
    assert seconds < 2


def test_the_time_budget_ends_a_scan_with_what_was_found_so_far(scan):
    rows = [["Name", "Email"]] + [[r["name"], r["email"]] for r in files.client_rows(3000)]
    data = files.zip_of({f"part{i}.xlsx": files.xlsx(("S", rows, {})) for i in range(6)})
    signals, seconds = timed(scan, "big.zip", data, seconds=0.15)
    assert (signals.scanned, signals.error_code, signals.infrastructure_failure) == (False, "time_budget", True)
    assert seconds < 1.5
