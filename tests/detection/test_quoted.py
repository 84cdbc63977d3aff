"""Quoted and forwarded header blocks are the thread's own participants, not this message's disclosure."""

import pytest

from sendward.detection.quoted import blank_quoted_headers

COLLEAGUES = [f"{g} {f}" for g in ("Amelia", "Oliver", "Priya", "Grace") for f in ("Okafor", "Patel", "Evans")]


def addresses(names, domain="northshire.gov.uk"):
    return "; ".join(f"{n} <{n.lower().replace(' ', '.')}@{domain}>" for n in names)


OUTLOOK = (
    "Thanks, agreed.\n\n-----Original Message-----\n"
    f"From: Amelia Okafor [mailto:amelia.okafor@northshire.gov.uk]\nSent: Tuesday, March 12, 2024 9:14 AM\n"
    f"To: {addresses(COLLEAGUES[:6])}\n    {addresses(COLLEAGUES[6:])}\n"
    "Cc: Grace Evans\nSubject: RE: budget\n\nThe figures are attached.\n"
)
NOTES = (
    "See below.\n\n---------------------- Forwarded by Amelia Okafor/HOU/ECT on 05/14/2001 04:39 PM "
    "---------------------------\n\nOliver Patel@ECT\n05/14/2001 11:12 AM\n"
    "To: Priya Evans/HOU/ECT@ECT, Grace Okafor/HOU/ECT@ECT, Liam Shah/Corp/Enron@ENRON\n"
    "cc: Fatima Khan/HOU/ECT@ECT\nSubject: Re: nominations\n\nThe schedule is on the drive.\n"
)
NOTES_COLUMNS = (
    "Amelia Okafor@ECT       To:     priya.evans@example.org, grace.okafor@example.org,\n"
    "05/14/2001 11:12 AM      liam.shah@example.org, fatima.khan@example.org,\n"
    "                         oliver.patel@example.org\n"
    "cc:\nSubject: Re: nominations\n\nThe schedule is on the drive.\n"
)
GMAIL_WRAPPED = (
    "Fine by me.\n\nOn Mon, 3 Jun 2024 at 10:12, Amelia Okafor <amelia.okafor@example.org>\nwrote:\n"
    "> Shall we move to Thursday?\n"
)
FRENCH = (
    "D'accord.\n\nDe : Amelia Okafor <amelia.okafor@example.org>\nEnvoyé : lundi 3 juin 2024 10:12\n"
    "À : Oliver Patel <oliver.patel@example.org>; Priya Evans <priya.evans@example.org>\nObjet : Réunion\n"
)
GERMAN = (
    "Passt.\n\nVon: Amelia Okafor <amelia.okafor@example.org>\nGesendet: Montag, 3. Juni 2024 10:12\n"
    "An: Oliver Patel <oliver.patel@example.org>; Priya Evans <priya.evans@example.org>\nBetreff: Termin\n"
)


@pytest.mark.parametrize("text", [OUTLOOK, NOTES, NOTES_COLUMNS, GMAIL_WRAPPED, FRENCH, GERMAN],
                         ids=["outlook", "notes", "notes-columns", "gmail-wrapped", "french", "german"])
def test_header_blocks_are_blanked_and_the_message_text_kept(text):
    blanked = blank_quoted_headers(text)
    assert blanked.count("\n") == text.count("\n")  # lines keep their places
    assert "@" not in blanked
    assert "Okafor" not in blanked and "Patel" not in blanked
    lines = text.rstrip("\n").split("\n")
    own = [line for line in (lines[0], lines[-1]) if ":" not in line and not line.startswith(">")]
    assert own and all(line in blanked for line in own)  # the message's own words stay


def test_a_lone_to_in_prose_is_kept():
    text = "To: all staff\n\nThe office closes at 3pm on Friday."
    assert blank_quoted_headers(text) == text


@pytest.mark.parametrize("text", [OUTLOOK, NOTES, GERMAN])
def test_a_thread_naming_a_dozen_colleagues_is_about_nobody(scan_body, text):
    assert scan_body(text * 3).data_subjects < 5


def test_a_list_pasted_into_a_forwarded_message_still_counts(scan_body):
    areas = ["020 7946", "0113 496", "0117 496", "0121 496"]
    rows = "\n".join(f"{n} - {areas[i % 4]} 0{i:03d}" for i, n in enumerate(COLLEAGUES))
    assert scan_body(OUTLOOK + "\nHere are the clients:\n" + rows + "\n").data_subjects == len(COLLEAGUES)


def test_a_memos_own_heading_is_kept():
    memo = "To: Mrs Amelia Okafor\nFrom: Housing Officer\nDate: 3 May 2024\nSubject: Your tenancy\n\nDear Mrs Okafor,"
    assert blank_quoted_headers(memo) == memo


def test_outlook_desktop_headers_without_addresses_are_blanked():
    quoted = ("Fine.\n\nFrom: Okafor, Amelia\nSent: 12 March 2024 09:14\nTo: Patel, Oliver; Evans, Grace\n"
              "Subject: RE: budget\n\nFigures attached.")
    blanked = blank_quoted_headers(quoted)
    assert "Okafor" not in blanked and "Patel" not in blanked and "Figures attached." in blanked


def test_people_pasted_under_a_to_line_are_still_read(scan_body):
    """A To: line with addresses does not make the list of people below it part of a header."""
    rows = "\n".join(
        f"{name}, {name.lower().replace(' ', '.')}@gmail.com, NHS {nhs}, DOB 0{i + 1}/03/198{i}, diabetes"
        for i, (name, nhs) in enumerate(zip(COLLEAGUES[:8], ("943 476 5919", "401 023 2137", "485 777 3456",
                                                            "943 476 5870", "401 023 2145", "485 777 3472",
                                                            "943 476 5889", "401 023 2153")))
    )
    text = f"To: ward@nhs.net; clinic@nhs.net\n{rows}\n"
    assert blank_quoted_headers(text).count("@gmail.com") == 8
    assert scan_body(text).data_subjects == 8
