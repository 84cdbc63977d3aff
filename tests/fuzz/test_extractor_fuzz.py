"""Mutated attachments never crash, hang or escape the limits: each ends as signals, perhaps unscannable.

Mutations are structure-aware: besides flipping, cutting and splicing raw bytes,
they rewrite one part inside a zip package (an XML part of an xlsx or docx) so
the damage reaches the parsers instead of stopping at the zip checksum.
`make test` runs a few dozen examples per format; `make soak` thousands
(HYPOTHESIS_PROFILE=soak, see tests/conftest.py).
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import files
from tests.msgfile import build_msg

PEOPLE = list(files.client_rows(15))
TABLE = [["Name", "Phone", "Email"]] + [[p["name"], p["phone"], p["email"]] for p in PEOPLE]

SEEDS = {
    "clients.xlsx": files.xlsx(("Clients", TABLE, {}), ("Hidden", TABLE, {"state": "hidden", "comments": {"A1": "Call Sarah"}})),
    "clients.xls": files.xls([("Clients", TABLE, {})]),
    "clients.ods": files.ods([("Clients", TABLE, {})]),
    "letter.docx": files.docx(paragraphs=["Dear Sarah Jones,", "Call 020 7946 0123"], table=TABLE, comments=["Oliver Patel"]),
    "deck.pptx": files.pptx(["Sarah Jones 020 7946 0123"]),
    "list.pdf": files.pdf([[f"{p['name']} {p['email']}" for p in PEOPLE]]),
    "bundle.zip": files.zip_of({"a.csv": files.csv_text(TABLE), "b.txt": b"Sarah Jones"}),
    "forwarded.eml": files.eml(attachments=[("clients.csv", files.csv_text(TABLE))]),
    "forwarded.msg": build_msg("Clients", "See attached", recipients=[("to", "a@b.org", "A")], attachments=[("c.csv", files.csv_text(TABLE))]),
    "list.csv": files.csv_text(TABLE),
    "page.html": b"<table>" + b"".join(f"<tr><td>{p['name']}</td><td>{p['email']}</td></tr>".encode() for p in PEOPLE) + b"</table>",
}


def flip(data: bytes, position: int, value: int) -> bytes:
    position %= len(data)
    return data[:position] + bytes([value]) + data[position + 1 :]


def rewrite_member(data: bytes, which: int, mutate) -> bytes:
    """Re-zip the package with one member's bytes mutated."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        names = source.namelist()
    except zipfile.BadZipFile:
        return mutate(data)
    target_name = names[which % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            content = source.read(name)
            target.writestr(name, mutate(content) if name == target_name else content)
    return out.getvalue()


@st.composite
def mutations(draw, data: bytes):
    kind = draw(st.sampled_from(["flip", "truncate", "splice", "member"]))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data = flip(data, draw(st.integers(0, 10**9)), draw(st.integers(0, 255)))
        return data
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    which = draw(st.integers(0, 50))
    cut = draw(st.integers(0, 4000))
    junk = draw(st.binary(max_size=32))
    return rewrite_member(data, which, lambda content: content[:cut] + junk + content[cut:])


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_files_end_as_signals(scan, name):
    seed = SEEDS[name]

    @settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(mutations(seed))
    def run(data):
        signals = scan(name, data, seconds=2.0)  # a hang is caught by the deadline, or by pytest-timeout
        assert signals.name == name
        assert signals.content.data_subjects >= 0
        assert signals.scanned or signals.error or signals.note
        if signals.error:
            assert signals.error_code in {"corrupt", "encrypted", "unknown_type", "too_large", "zip_bomb", "too_deep", "time_budget"}

    run()


def test_the_unmutated_seeds_are_read(scan):
    for name, data in SEEDS.items():
        signals = scan(name, data)
        assert signals.error is None, (name, signals.error)
        assert signals.content.data_subjects >= 1, name


def test_regression_html_that_made_the_name_pattern_backtrack(scan):
    """Found by this fuzzer: broken cells made a name pattern take 46 ms each, 11 s in all."""
    data = (
        b"<table>\x00tr\x00<td>Priya Shah</td><td>priya.shah.0@example.com</td></tr>"
        + b"".join(
            f"<tr><td>{p['name']}</\x01d\x00<td>{p['email']}</td></tr><tr><td\x00Amelia Evans</t\x00>".encode()
            for p in PEOPLE
        )
        + b"</table>"
    )
    signals = scan("page.html", data, seconds=2.0)
    assert signals.error_code != "time_budget"  # it took 11 s before the fix: the 2 s deadline would stop it
    assert signals.scanned and signals.content.data_subjects >= 1


def test_name_cells_never_backtrack():
    from sendward.detection.recognizers.person_name import PersonNameRecognizer

    recognizer = PersonNameRecognizer()
    # Against a same-run baseline (ordinary names of the same length), best of five: a backtracking
    # pattern takes tens of milliseconds on these (46 ms a cell before the fix), a linear one microseconds.
    ordinary = "Ann Marie " * 4 + "Smith-Jones"  # 51 characters, a cell the pattern reads in full
    baseline = best_of(5, lambda: recognizer.matches_value(ordinary))
    for value in ["a" * 59 + "!", "Ab" * 29 + "1", "O'" * 20 + "x" * 19 + "9", ("Smith-" * 9) + "1"]:
        seconds = best_of(5, lambda: recognizer.matches_value(value))
        assert seconds < 100 * baseline + 0.005, (value, seconds, baseline)


def best_of(times: int, run) -> float:
    """The shortest of ``times`` runs: a busy machine only ever makes a run longer."""
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)
