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


SYLLABLES = ["ta", "ren", "mo", "li", "ser", "van", "to", "ri", "an", "el", "por", "cu", "de", "ma", "ni", "ost", "ul", "ba"]


def prose(rng: random.Random, words: int) -> str:
    """Sentences of invented lower-case words: reads like text, compresses like text, names nobody."""
    out = []
    for i in range(words):
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
        out.append(word.capitalize() if i % 12 == 0 else word)
        if i % 12 == 11:
            out[-1] += "."
    return " ".join(out) + "."


def docx_1mb(target_bytes: int = 1_000_000) -> tuple[bytes, int]:
    """A long report (about 1 MB as a file) with a contact line every twenty paragraphs."""
    small, _ = _report(200)
    large, _ = _report(1200)
    per_paragraph = (len(large) - len(small)) / 1000  # beyond a fixed overhead the file grows linearly
    paragraphs = round(200 + (target_bytes - len(small)) / per_paragraph)
    return _report(paragraphs)


def _report(paragraphs: int) -> tuple[bytes, int]:
    from docx import Document

    rng = random.Random(7)
    crowd = list(people(max(1, paragraphs // 20), seed=11))
    document = Document()
    for number in range(1, paragraphs + 1):
        if number % 20 == 0:
            person = crowd[number // 20 - 1]
            document.add_paragraph(f"For details contact {person['name']} on {person['phone']} or {person['email']}.")
        else:
            document.add_paragraph(prose(rng, rng.randint(30, 90)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), paragraphs // 20


def recipients_draft(count: int):
    """A draft to ``count`` people: a third colleagues, a third partners, a third private webmail."""
    from sendward.domain.draft import Address, Body, Draft

    rng = random.Random(count)
    webmail = ["gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com"]
    to = []
    for i in range(count):
        domain = ("northshire.gov.uk", f"partner{i % 40}.org.uk", rng.choice(webmail))[i % 3]
        to.append(Address(f"person.{i}@{domain}", f"Person {i}"))
    return Draft(
        sender=Address("ils@northshire.gov.uk", "ILS"),
        to=tuple(to[: count // 2]),
        bcc=tuple(to[count // 2 :]),
        subject="Quarterly update",
        body=Body(content="Dear all,\n\nPlease find the quarterly update below.\n\nKind regards,\nILS"),
    )


def many_recipients_eml(count: int = 20_000) -> bytes:
    """An .eml to ``count`` people in To, each with a quoted "Surname, Forename" name, folded lines."""
    to = ",\r\n ".join(f'"Person, {i}" <person.{i}@partner{i % 40}.org.uk>' for i in range(count))
    return (
        f"From: ILS <ils@northshire.gov.uk>\r\nTo: {to}\r\nSubject: Quarterly update\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nDear all,\r\n\r\nThe quarterly update.\r\n"
    ).encode()


def pdf_pages(pages: int = 20) -> tuple[bytes, int]:
    """A report of ``pages`` pages of text, each with a table of eight contacts."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(20)
    crowd = list(people(pages * 8, seed=23))
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4)
    for page in range(pages):
        y = 800
        for line in range(30):
            document.drawString(40, y, prose(rng, 12)[:95])
            y -= 14
        for person in crowd[page * 8 : page * 8 + 8]:
            document.drawString(40, y, f"{person['name']}   {person['phone']}   {person['email']}")
            y -= 14
        document.showPage()
    document.save()
    return buffer.getvalue(), len(crowd)


def nested_zip() -> tuple[bytes, int]:
    """A zip holding a sheet, a zip holding a document and a CSV, and an e-mail with a sheet."""
    import csv
    import zipfile
    from email.message import EmailMessage

    sheet, table = sheet_10k(1000)
    report, contacts = _report(300)
    rows = io.StringIO()
    csv.writer(rows).writerows(table[:501])

    def zipped(entries: dict) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
        return out.getvalue()

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@northshire.gov.uk", "b@northshire.gov.uk", "list"
    message.set_content("attached")
    message.add_attachment(sheet, maintype="application", subtype="octet-stream", filename="copy.xlsx")
    inner = zipped({"report.docx": report, "clients.csv": rows.getvalue().encode()})
    archive = zipped({"clients.xlsx": sheet, "inner.zip": inner, "forwarded.eml": message.as_bytes()})
    return archive, 1000 + contacts  # the sheet's people (also in the CSV and the e-mail) and the report's


def sent_items(count: int, correspondents: int = 400, seed: int = 17) -> list[dict]:
    """``count`` sent messages in Graph's shape: mostly to a few usual people, some groups, some one-offs."""
    from datetime import datetime, timedelta, timezone

    rng = random.Random(seed)
    first = ["anna", "ben", "chloe", "david", "emma", "farah", "george", "hannah", "imran", "jack", "kate", "liam"]
    last = ["smith", "jones", "patel", "brown", "taylor", "wilson", "evans", "khan", "walker", "wright", "hall"]
    people = [
        (f"{rng.choice(first)}.{rng.choice(last)}{i}@{rng.choice(['northshire.gov.uk', 'partner.org.uk'])}",
         f"{rng.choice(first).title()} {rng.choice(last).title()}")
        for i in range(correspondents)
    ]
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    messages = []
    for n in range(count):
        size = rng.choice((1, 1, 1, 2, 2, 3, 5))
        chosen = {people[min(int(rng.paretovariate(1.2)) - 1, correspondents - 1)] for _ in range(size)}
        messages.append({
            "id": f"AAMkAD-{n}",
            "sentDateTime": (start + timedelta(minutes=37 * n)).isoformat().replace("+00:00", "Z"),
            "subject": f"Case {rng.randrange(count // 4 + 1)} update",
            "conversationId": f"conv-{n}",
            "from": {"emailAddress": {"address": "ils@northshire.gov.uk", "name": "ILS"}},
            "toRecipients": [{"emailAddress": {"address": a, "name": name}} for a, name in sorted(chosen)],
            "ccRecipients": [],
            "bccRecipients": [],
        })
    return messages


def received_items(count: int, seed: int = 19) -> list[dict]:
    """``count`` Inbox messages in Graph's shape: the sent items' people writing back, some copying others."""
    replies = sent_items(count, seed=seed)
    for item in replies:
        sender, *others = item["toRecipients"]
        item.update(
            id=f"AAMkAD-in-{item['id']}", receivedDateTime=item["sentDateTime"], **{"from": sender},
            toRecipients=[{"emailAddress": {"address": "ils@northshire.gov.uk", "name": "ILS"}}], ccRecipients=others,
        )
        del item["bccRecipients"]
    return replies
def attachment_5mb(seed: int, people_count: int = 60) -> tuple[bytes, int]:
    """A 5 MB .docx as people send them: a table of ``people_count`` clients and a photo (incompressible
    bytes, so the file stays 5 MB on the wire). ``seed`` makes each file's bytes differ, so no scan
    result is reused between runs."""
    from tests.files import docx, with_parts

    rng = random.Random(seed)
    table = [["Name", "Phone", "Email"]] + [[p["name"], p["phone"], p["email"]] for p in people(people_count, seed)]
    document = docx(["Client contacts for the review"], table=table)
    photo = rng.randbytes(5 * 1024 * 1024 - len(document))
    return with_parts(document, {"word/media/photo1.jpeg": photo}), people_count
