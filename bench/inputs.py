"""Benchmark inputs, generated deterministically (invented people, drama-range or random valid numbers)."""

from __future__ import annotations

import io
import random

import phonenumbers

GIVEN = ["Amelia", "Oliver", "Priya", "Mohammed", "Grace", "Liam", "Fatima", "Chen", "Siobhan", "Kwame", "Isla",
         "Rhys", "Zainab", "Tomasz", "Eilidh", "Arjun", "Chidi", "Ruby", "Harvey", "Aoife", "Noah", "Maya", "Ethan",
         "Leah", "Yusuf", "Hannah", "Callum", "Sofia", "Dylan", "Imogen"]
FAMILY = ["Okafor", "Patel", "Jones", "Nguyen", "Campbell", "Khan", "Evans", "Kowalski", "Murphy", "Shah", "Taylor",
          "Mensah", "Hughes", "Begum", "Fraser", "Wilson", "Adeyemi", "Walsh", "Singh", "Hall", "Brown", "Davies",
          "Robinson", "Wright", "Thompson", "Walker", "White", "Edwards", "Green", "Lewis"]


def uk_mobile(rng: random.Random) -> str:
    while True:
        number = "07" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if phonenumbers.is_valid_number(phonenumbers.parse(number, "GB")):
            return f"{number[:5]} {number[5:]}"


def people(count: int, seed: int = 2013):
    """``count`` distinct people: the truth for the data-subject count is ``count``."""
    rng = random.Random(seed)
    for i in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        yield {
            "name": f"{given} {family}",
            "phone": uk_mobile(rng),
            "email": f"{given.lower()}.{family.lower()}.{i}@example.org",
            "ref": f"ILS/{rng.choice(['NTH', 'STH', 'EST', 'WST'])}/{i:05d}",
        }


def sheet_10k(rows: int = 10_000) -> tuple[bytes, list[list[str]]]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Clients"
    table = [["Name", "Phone", "Email", "Case reference"]]
    table += [[p["name"], p["phone"], p["email"], p["ref"]] for p in people(rows)]
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), table


PROSE = (
    "The partnership board reviewed progress against the annual plan and agreed that the revised "
    "priorities for the coming year should focus on prevention, early help and closer joint working "
    "between the council, health partners and the voluntary sector. "
)


def docx_1mb(target_bytes: int = 1_000_000) -> tuple[bytes, int]:
    """A long report (about 1 MB as a file) with a contact line every twenty paragraphs."""
    from docx import Document

    rng = random.Random(7)
    document = Document()
    contacts = 0
    paragraph = 0
    crowd = list(people(5000, seed=11))
    while True:
        for _ in range(200):
            paragraph += 1
            if paragraph % 20 == 0:
                person = crowd[contacts % len(crowd)]
                document.add_paragraph(f"For details contact {person['name']} on {person['phone']} or {person['email']}.")
                contacts += 1
            else:
                document.add_paragraph(PROSE * rng.randint(1, 3))
        buffer = io.BytesIO()
        document.save(buffer)
        if len(buffer.getvalue()) >= target_bytes:
            return buffer.getvalue(), min(contacts, len(crowd))
