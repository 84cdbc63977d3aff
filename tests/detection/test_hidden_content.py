"""Personal data where the sender cannot see it is found, counted and located."""

from tests import files
from tests.builders import hidden_places

CLIENTS = list(files.client_rows(30))
TABLE = [["Name", "Phone", "Email"]] + [[r["name"], r["phone"], r["email"]] for r in CLIENTS]
SUMMARY = [["Department", "Headcount"], ["Housing", 148], ["Highways", 140]]


def test_hidden_sheet(scan):
    signals = scan("foi.xlsx", files.xlsx(("Summary", SUMMARY, {}), ("Staff", TABLE, {"state": "hidden"})))
    assert signals.content.data_subjects == 30
    assert signals.content.hidden_data_subjects == 30
    assert hidden_places(signals) == {"hidden_sheet"}
    assert any(loc.where == "sheet 'Staff', column 'Email'" for loc in signals.content.locations)


def test_very_hidden_sheet(scan):
    signals = scan("foi.xlsx", files.xlsx(("Summary", SUMMARY, {}), ("Staff", TABLE, {"state": "veryHidden"})))
    assert hidden_places(signals) == {"very_hidden_sheet"}
    assert signals.content.hidden_data_subjects == 30


def test_hidden_rows_count_only_their_people(scan):
    signals = scan("c.xlsx", files.xlsx(("Clients", TABLE, {"hidden_rows": [2, 3, 4]})))
    assert signals.content.data_subjects == 30
    assert signals.content.hidden_data_subjects == 3
    assert hidden_places(signals) == {"hidden_rows"}


def test_a_hidden_column_hides_something_about_everyone(scan):
    signals = scan("c.xlsx", files.xlsx(("Clients", TABLE, {"hidden_cols": [2]})))
    assert signals.content.hidden_data_subjects == 30
    phone = next(loc for loc in signals.content.locations if loc.entity == "PHONE_NUMBER")
    assert (phone.hidden, phone.count) == ("hidden_columns", 30)


def test_comments(scan):
    comments = {"A1": "Call Sarah Jones on 020 7946 0123 about her rent arrears"}
    signals = scan("c.xlsx", files.xlsx(("Summary", SUMMARY, {"comments": comments})))
    assert "comments" in hidden_places(signals)
    assert signals.content.hidden_data_subjects == 1


def test_pivot_cache_without_its_source(scan):
    data = files.with_parts(files.xlsx(("Summary", SUMMARY, {})), files.pivot_cache_parts(TABLE, "Deleted data"))
    signals = scan("pivot.xlsx", data)
    assert signals.content.hidden_data_subjects == 30
    assert hidden_places(signals) == {"pivot_cache"}


def test_pivot_cache_of_a_visible_sheet_is_not_hidden(scan):
    book = files.xlsx(("Clients", TABLE, {}), ("Summary", SUMMARY, {}))
    signals = scan("pivot.xlsx", files.with_parts(book, files.pivot_cache_parts(TABLE, "Clients")))
    assert signals.content.data_subjects == 30
    assert signals.content.hidden_data_subjects == 0


def test_the_same_people_visible_and_in_a_hidden_copy_count_once(scan):
    signals = scan("c.xlsx", files.xlsx(("Clients", TABLE, {}), ("Backup", TABLE, {"state": "hidden"})))
    assert signals.content.data_subjects == 30
    assert signals.content.hidden_data_subjects == 30


def test_xls_hidden_sheet_rows_and_columns(scan):
    data = files.xls([("Summary", SUMMARY, {}), ("Staff", TABLE, {"hidden": True})])
    signals = scan("foi.xls", data)
    assert hidden_places(signals) == {"hidden_sheet"}
    assert signals.content.hidden_data_subjects == 30
    rows = scan("c.xls", files.xls([("Clients", TABLE, {"hidden_rows": [1, 2]})]))
    assert rows.content.hidden_data_subjects == 2
    columns = scan("c.xls", files.xls([("Clients", TABLE, {"hidden_cols": [1]})]))
    assert "hidden_columns" in hidden_places(columns)


def test_ods_hidden_sheet_collapsed_rows_and_annotations(scan):
    sheet = scan("c.ods", files.ods([("Summary", SUMMARY, {}), ("Staff", TABLE, {"hidden": True})]))
    assert hidden_places(sheet) == {"hidden_sheet"}
    rows = scan("c.ods", files.ods([("Clients", TABLE, {"hidden_rows": {1, 2, 3}})]))
    assert rows.content.hidden_data_subjects == 3
    note = {(0, 0): "Ring Priya Shah on 020 7946 0456"}
    annotated = scan("c.ods", files.ods([("Summary", SUMMARY, {"annotations": note})]))
    assert "comments" in hidden_places(annotated)


def test_docx_comments_tracked_deletions_and_hidden_text(scan):
    data = files.docx(
        paragraphs=["Minutes of the meeting."],
        comments=["Sarah Jones (020 7946 0111) asked to be removed"],
        deleted=["Previous tenant: Oliver Patel, 020 7946 0222"],
        hidden=["Hidden note: Grace Campbell 020 7946 0333"],
    )
    signals = scan("minutes.docx", data)
    assert hidden_places(signals) == {"comments", "tracked_changes", "hidden_text"}
    assert signals.content.hidden_data_subjects == 3


def test_pptx_hidden_slide(scan):
    data = files.pptx(["Agenda", "Contact Sarah Jones on 020 7946 0123"], hidden_slides=[1])
    assert hidden_places(scan("deck.pptx", data)) == {"hidden_slide"}


def test_pdf_annotations(scan):
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Text as Note

    writer = PdfWriter(clone_from=PdfReader(__import__("io").BytesIO(files.pdf([["Quarterly report"]]))))
    writer.add_annotation(0, Note(text="Ask Oliver Patel, 020 7946 0999", rect=(50, 550, 200, 650)))
    signals = scan("report.pdf", files.save(writer))
    assert "comments" in hidden_places(signals)


def _with_defined_names(**names):
    from openpyxl.workbook.defined_name import DefinedName

    book = files.workbook(("Summary", SUMMARY, {}))
    for name, formula in names.items():
        book.defined_names[name] = DefinedName(name, attr_text=formula)
    return files.save(book)


def test_a_constant_defined_name_is_read(scan):
    contacts = "; ".join(f"{r['name']} {r['email']}" for r in CLIENTS[:6])
    signals = scan("summary.xlsx", _with_defined_names(Contacts=f'"{contacts}"', Depts="Summary!$A$1:$B$3"))
    assert signals.content.data_subjects == 6
    assert signals.content.hidden_data_subjects == 6
    assert hidden_places(signals) == {"defined_names"}
    assert {loc.where for loc in signals.content.locations} == {"defined names"}


def test_defined_names_that_point_at_cells_are_not_text(scan):
    signals = scan("summary.xlsx", _with_defined_names(Depts="Summary!$A$1:$B$3", Rate="0.2"))
    assert (signals.scanned, signals.content.data_subjects, hidden_places(signals)) == (True, 0, set())


def test_a_file_with_nothing_hidden(scan):
    assert scan("c.xlsx", files.xlsx(("Clients", TABLE, {}))).content.hidden_data_subjects == 0
