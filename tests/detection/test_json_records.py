"""JSON exports (an array of users, patients, contacts) are read as tables."""

import json

from sendward.detection.extractors.json_records import records
from tests import files

PEOPLE = list(files.client_rows(60))


def users(count=60):
    return [{"id": i, "firstName": r["name"].split()[0], "lastName": r["name"].split()[1],
             "email": r["email"], "birthDate": f"1996-5-{1 + i % 28}",
             "address": {"address": f"{i + 1} Mill Road", "city": "Leeds"}} for i, r in enumerate(PEOPLE[:count])]


def test_an_array_of_users_is_a_table_with_dotted_columns():
    tables, rest = records(json.dumps({"users": users(3), "total": 3}))
    (path, rows), = tables
    assert path == "$.users"
    assert rows[0] == ["id", "firstName", "lastName", "email", "birthDate", "address.address", "address.city"]
    assert len(rows) == 4
    assert '"total": 3' in rest


def test_json_lines_are_one_table():
    text = "\n".join(json.dumps(u) for u in users(5))
    (path, rows), = records(text)[0]
    assert len(rows) == 6


def test_json_without_records_and_prose_are_text():
    assert records(json.dumps({"name": "settings", "values": [1, 2, 3]})) is None
    assert records("Dear Sarah Jones, see you on Monday.") is None
    assert records("[not json") is None


def test_hostile_nesting_falls_back_to_text():
    assert records("[" * 100_000 + "]" * 100_000) is None


def test_a_json_export_of_people_counts_its_rows(scan):
    signals = scan("users.json", json.dumps({"users": users()}, indent=2).encode())
    assert signals.content.data_subjects == 60
    assert signals.content.entities["DATE_OF_BIRTH"] == 60


def test_very_large_json_is_read_as_text(monkeypatch):
    from sendward.detection.extractors import json_records

    monkeypatch.setattr(json_records, "MAX_CHARS", 100)
    assert records(json.dumps({"users": users(5)})) is None
