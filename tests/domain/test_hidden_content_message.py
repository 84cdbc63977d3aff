"""attachment.hidden_content names where the hidden data is and says what the sender can do."""

from sendward.domain.rules.attachment_hidden_content import message
from sendward.domain.signals import Location


def test_a_hidden_sheet_is_named_with_advice():
    text = message(
        "foi.xlsx", 500,
        [Location("sheet 'Staff list', column 'Name'", "PERSON", 500, "hidden_sheet"),
         Location("sheet 'Staff list', column 'Phone'", "PHONE_NUMBER", 500, "hidden_sheet"),
         Location("sheet 'Summary', column 'Team'", "PERSON", 3, None)],
    )
    assert text.startswith("foi.xlsx has the hidden sheet 'Staff list' with personal data about 500 people")
    assert "Summary" not in text  # visible sheets are not hidden places
    assert "Unhide it and check it, delete the sheet, or send a PDF of the visible part instead." in text


def test_several_places_are_listed_with_general_advice():
    text = message(
        "r.xlsx", 2,
        [Location("sheet 'A', column 'x'", "PERSON", 1, "hidden_sheet"),
         Location("sheet 'B''s', column 'x'", "PERSON", 1, "hidden_sheet"),
         Location("sheet 'C', column 'y'", "PERSON", 1, "hidden_columns"),
         Location("comment", "PERSON", 1, "comments")],
    )
    assert "the hidden sheets 'A', 'B's'" in text
    assert "hidden columns in sheet 'C'" in text and "comments" in text
    assert "about 2 people" in text and text.endswith("send a PDF of the visible part instead.")


def test_a_pivot_cache_gets_its_own_advice():
    text = message("p.xlsx", 1, [Location("pivot cache 'Cache1'", "PERSON", 1, "pivot_cache")])
    assert "a pivot table's saved source data" in text and "about 1 person" in text
    assert "Paste the pivot table as values" in text
