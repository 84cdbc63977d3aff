"""Every format is read, people are counted, and a damaged copy of each is reported, not raised."""

import pytest

from tests import files
from tests.builders import hidden_places

CLIENTS = list(files.client_rows(40))
TABLE = [["Name", "Phone", "Email"]] + [[r["name"], r["phone"], r["email"]] for r in CLIENTS]
TEXT_LIST = "\n".join(f"{r['name']}, {r['email']}" for r in CLIENTS)


def assert_people(signals, count, *entities):
    assert signals.error is None, signals.error
    assert signals.scanned
    assert signals.content.data_subjects == count
    for entity in entities:
        assert signals.content.entities.get(entity, 0) >= count, (entity, signals.content.entities)


def test_xlsx(scan):
    signals = scan("clients.xlsx", files.xlsx(("Clients", TABLE, {})))
    assert_people(signals, 40, "PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS")
    assert {loc.where for loc in signals.content.locations} == {
        "sheet 'Clients', column 'Name'", "sheet 'Clients', column 'Phone'", "sheet 'Clients', column 'Email'",
    }


def test_xlsm_by_content_not_extension(scan):
    assert_people(scan("macro.xlsm", files.xlsx(("Clients", TABLE, {}))), 40, "EMAIL_ADDRESS")
    assert_people(scan("no-extension", files.xlsx(("Clients", TABLE, {}))), 40, "EMAIL_ADDRESS")


def test_xls(scan):
    assert_people(scan("clients.xls", files.xls([("Clients", TABLE, {})])), 40, "PERSON", "EMAIL_ADDRESS")


def test_ods(scan):
    assert_people(scan("clients.ods", files.ods([("Clients", TABLE, {})])), 40, "PERSON", "EMAIL_ADDRESS")


@pytest.mark.parametrize("delimiter, encoding", [(",", "utf-8"), (";", "utf-8-sig"), ("\t", "utf-16"), ("|", "cp1252")])
def test_csv_encodings_and_delimiters(scan, delimiter, encoding):
    rows = [row + ["Zoë"] for row in TABLE]
    signals = scan("clients.csv", files.csv_text(rows, delimiter, encoding))
    assert_people(signals, 40, "EMAIL_ADDRESS", "PHONE_NUMBER")


def test_docx_paragraphs_and_tables(scan):
    data = files.docx(paragraphs=["Client list below."], table=TABLE)
    assert_people(scan("list.docx", data), 40, "PERSON", "EMAIL_ADDRESS")


def test_docx_header(scan):
    signals = scan("letter.docx", files.docx(paragraphs=["Hello"], header="Contact Sarah Jones on 020 7946 0123"))
    assert signals.content.entities.get("PHONE_NUMBER") == 1


def test_pptx(scan):
    signals = scan("deck.pptx", files.pptx([f"{r['name']} {r['email']}" for r in CLIENTS[:12]]))
    assert_people(signals, 12, "EMAIL_ADDRESS")


def test_pdf_text_layer(scan):
    pages = [[f"{r['name']}, {r['email']}" for r in CLIENTS[:20]], [f"{r['name']}, {r['email']}" for r in CLIENTS[20:]]]
    assert_people(scan("list.pdf", files.pdf(pages)), 40, "EMAIL_ADDRESS")


def test_txt(scan):
    assert_people(scan("list.txt", TEXT_LIST.encode()), 40, "EMAIL_ADDRESS")


def test_html_with_a_table(scan):
    rows = "".join(f"<tr><td>{r['name']}</td><td>{r['phone']}</td></tr>" for r in CLIENTS)
    html = f"<html><body><p>Clients</p><table><tr><th>Name</th><th>Phone</th></tr>{rows}</table></body></html>"
    assert_people(scan("list.html", html.encode()), 40, "PERSON", "PHONE_NUMBER")


def test_rtf(scan):
    lines = "\\par ".join(f"{r['name']}, {r['email']}" for r in CLIENTS[:10])
    assert_people(scan("list.rtf", ("{\\rtf1\\ansi " + lines + "}").encode()), 10, "EMAIL_ADDRESS")


def test_eml_attachment_with_its_own_attachment(scan):
    inner = files.eml(attachments=[("clients.xlsx", files.xlsx(("Clients", TABLE, {})))])
    assert_people(scan("forwarded.eml", inner), 40, "EMAIL_ADDRESS")


def test_msg_attachment(scan):
    from tests.msgfile import build_msg

    data = build_msg("Clients", "See attached", recipients=[("to", "a@b.org", "A")],
                     attachments=[("clients.csv", files.csv_text(TABLE))])
    assert_people(scan("forwarded.msg", data), 40, "EMAIL_ADDRESS")


def test_zip_recursively(scan):
    inner = files.zip_of({"deep/clients.xlsx": files.xlsx(("Clients", TABLE, {}))})
    outer = files.zip_of({"readme.txt": b"nothing here", "inner.zip": inner})
    assert_people(scan("bundle.zip", outer), 40, "EMAIL_ADDRESS")


def test_the_same_people_in_two_files_of_a_zip_count_once(scan):
    sheet = files.xlsx(("Clients", TABLE, {}))
    signals = scan("bundle.zip", files.zip_of({"a.xlsx": sheet, "copy of a.xlsx": sheet}))
    assert signals.content.data_subjects == 40


def test_images_are_noted_not_read(scan):
    signals = scan("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert (signals.scanned, signals.error, signals.note) == (False, None, "photo.png: images are not read (no OCR)")


def test_unknown_binary_is_unscannable(scan):
    signals = scan("drawing.dwg", bytes(range(256)) * 10)
    assert (signals.scanned, signals.error_code) == (False, "unknown_type")


MALFORMED = {
    "clients.xlsx": lambda: files.xlsx(("Clients", TABLE, {}))[:2000],
    "clients.xls": lambda: files.xls([("Clients", TABLE, {})])[:3000],
    "clients.ods": lambda: files.ods([("Clients", TABLE, {})])[:300],
    "list.docx": lambda: files.docx(paragraphs=["x"])[:2000],
    "deck.pptx": lambda: files.pptx(["x"])[:3000],
    "list.pdf": lambda: files.pdf([["Sarah Jones"]])[:400],
    "bundle.zip": lambda: files.zip_of({"a.txt": b"hello" * 100})[:60],
    "forwarded.msg": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    "broken.xlsx": lambda: files.with_parts(files.xlsx(("Clients", TABLE, {})), {"xl/workbook.xml": "<workbook><sheets><sheet"}),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_are_reported_not_raised(scan, name):
    signals = scan(name, MALFORMED[name]())
    assert not signals.scanned
    assert signals.error_code in ("corrupt", "unknown_type"), (signals.error_code, signals.error)
    assert signals.error


CSV = files.csv_text(TABLE)
CSV_LINES = CSV.splitlines(keepends=True)
RTF = ("{\\rtf1\\ansi " + "\\par ".join(TEXT_LIST.splitlines()) + "}").encode()


def _eml_with_csv(encoded: bytes, boundary: str = "; boundary=XYZ") -> bytes:
    """A forwarded message whose clients.csv attachment is the given base64 text."""
    return (
        f"From: ils@northshire.gov.uk\nTo: b@example.org\nSubject: Fwd\nMIME-Version: 1.0\n"
        f"Content-Type: multipart/mixed{boundary}\n\n--XYZ\nContent-Type: text/plain\n\nSee attached\n"
        "--XYZ\nContent-Type: text/csv\nContent-Disposition: attachment; filename=clients.csv\n"
        "Content-Transfer-Encoding: base64\n\n"
    ).encode() + encoded + b"\n--XYZ--\n"


def _base64(data: bytes) -> bytes:
    return __import__("base64").b64encode(data)


# Damaged text formats are read as far as they go: the people in what is readable are counted.
DAMAGED_TEXT = {
    "nul bytes.csv": lambda: CSV.replace(b",", b",\x00"),
    "utf-16 without a bom.csv": lambda: CSV.decode().encode("utf-16-le"),
    "invalid utf-8.csv": lambda: b"\xc3\x28" + CSV.replace(b"Name", b"N\xffame") + b"\xe2\x82",
    "unterminated quote.csv": lambda: CSV + b'"Sarah Jones, 07700 900999',
    "invalid utf-8.txt": lambda: TEXT_LIST.encode().replace(b"\n", b"\xff\xfe\n"),
    "unclosed tags.html": lambda: ("<html><body><table>" + "".join(f"<tr><td>{r['name']}<td>{r['email']}" for r in CLIENTS)).encode(),
    "huge attribute.html": lambda: b"<p title='" + b"A" * 4_000_000 + b"'>" + TEXT_LIST.encode().replace(b"\n", b"<br>") + b"</p>",
    "unbalanced groups.rtf": lambda: b"{{{{" + RTF + b"}}}}}}}}}}",
    "invalid base64 characters.eml": lambda: _eml_with_csv(_base64(CSV).replace(b"Y29t", b"!@#$", 2)),
    "base64 cut mid-quad.eml": lambda: _eml_with_csv(_base64(CSV)[: len(_base64(CSV)) // 4 * 4 - 3]),
    "base64 running into the boundary.eml": lambda: _eml_with_csv(_base64(CSV) + b"--XYZ"),
}


@pytest.mark.parametrize("name", sorted(DAMAGED_TEXT))
def test_damaged_text_formats_are_read_as_far_as_they_go(scan, name):
    signals = scan(name, DAMAGED_TEXT[name]())
    assert (signals.scanned, signals.error) == (True, None)
    assert signals.content.data_subjects == 40, signals.content


def test_a_csv_with_mixed_delimiters_counts_the_rows_it_can_split(scan):
    semicolon_rows = [line.replace(b",", b";") for line in CSV_LINES[31:]]
    signals = scan("mixed.csv", b"".join(CSV_LINES[:31] + semicolon_rows))
    assert (signals.scanned, signals.error) == (True, None)
    assert signals.content.data_subjects == 30


@pytest.mark.parametrize(
    "name, data",
    [
        ("truncated.rtf", RTF[: len(RTF) // 2]),
        ("truncated.eml", files.eml(attachments=[("clients.csv", CSV)])[:1800]),
    ],
)
def test_a_truncated_file_counts_the_people_before_the_cut(scan, name, data):
    signals = scan(name, data)
    assert (signals.scanned, signals.error) == (True, None)
    assert 0 < signals.content.data_subjects < 40


@pytest.mark.parametrize(
    "name, data",
    [
        ("no boundary.eml", _eml_with_csv(_base64(CSV), boundary="")),
        ("boundary never used.eml", _eml_with_csv(_base64(CSV)).replace(b"--XYZ", b"--ABC")),
    ],
)
def test_a_message_whose_parts_cannot_be_separated_is_unscannable(scan, name, data):
    signals = scan(name, data)
    assert (signals.scanned, signals.error_code) == (False, "corrupt")
    assert "boundary" in signals.error


def test_a_damaged_member_does_not_hide_the_rest_of_the_archive(scan):
    good = files.xlsx(("Clients", TABLE, {}))
    signals = scan("bundle.zip", files.zip_of({"good.xlsx": good, "bad.xlsx": good[:1500]}))
    assert signals.content.data_subjects == 40
    assert signals.error_code == "corrupt"
    assert "bad.xlsx" in signals.error


def test_hidden_places_are_empty_for_a_plain_sheet(scan):
    assert hidden_places(scan("clients.xlsx", files.xlsx(("Clients", TABLE, {})))) == set()
