"""`sendward check` on drafts carrying each attachment format: the right verdict and counts."""

import json

import pytest

from sendward.entrypoints import cli
from tests import files
from tests.msgfile import build_msg

PEOPLE = list(files.client_rows(30))
TABLE = [["Name", "Phone", "Email"]] + [[p["name"], p["phone"], p["email"]] for p in PEOPLE]
LINES = [f"{p['name']}, {p['email']}" for p in PEOPLE]

FORMATS = {
    "clients.xlsx": lambda: files.xlsx(("Clients", TABLE, {})),
    "clients.xls": lambda: files.xls([("Clients", TABLE, {})]),
    "clients.ods": lambda: files.ods([("Clients", TABLE, {})]),
    "clients.csv": lambda: files.csv_text(TABLE),
    "clients.docx": lambda: files.docx(paragraphs=["Our clients:"], table=TABLE),
    "clients.pptx": lambda: files.pptx(LINES),
    "clients.pdf": lambda: files.pdf([LINES]),
    "clients.txt": lambda: "\n".join(LINES).encode(),
    "clients.html": lambda: ("<ul>" + "".join(f"<li>{line}</li>" for line in LINES) + "</ul>").encode(),
    "clients.rtf": lambda: ("{\\rtf1\\ansi " + "\\par ".join(LINES) + "}").encode(),
    "clients.zip": lambda: files.zip_of({"inner/clients.xlsx": files.xlsx(("Clients", TABLE, {}))}),
    "forwarded.eml": lambda: files.eml(attachments=[("clients.csv", files.csv_text(TABLE))]),
    "forwarded.msg": lambda: build_msg("Clients", "attached", recipients=[("to", "a@b.org", "A")],
                                       attachments=[("clients.csv", files.csv_text(TABLE))]),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_blocks_when_sent_outside(tmp_path, capsys, name):
    draft = tmp_path / "draft.eml"
    draft.write_bytes(files.eml(subject="Client list", to="partner@outside.org.uk", attachments=[(name, FORMATS[name]())]))
    code = cli.main(["check", "--json", str(draft)])
    verdict = json.loads(capsys.readouterr().out)
    assert (code, verdict["action"]) == (2, "block")
    attachment = verdict["attachments"][0]
    assert attachment["scanned"] is True
    assert attachment["data_subjects"] == 30
    finding = next(f for f in verdict["findings"] if f["rule"] == "attachment.personal_data")
    assert finding["evidence"]["data_subjects"] == 30


@pytest.mark.parametrize("name", ["clients.xlsx", "clients.docx", "clients.pdf"])
def test_the_same_files_sent_inside_are_allowed(tmp_path, capsys, name):
    draft = tmp_path / "draft.eml"
    draft.write_bytes(files.eml(to="colleague@northshire.gov.uk", attachments=[(name, FORMATS[name]())]))
    assert cli.main(["check", "--json", str(draft)]) == 0
    assert json.loads(capsys.readouterr().out)["attachments"][0]["data_subjects"] == 30
