"""Regenerate the example drafts in this folder (deterministic): `python examples/generate.py`.

Names are invented; phone numbers are in Ofcom's ranges reserved for drama
(07700 900000-900999, 0113 496 0000-0999); addresses at webmail domains use
local parts no real person is likely to hold.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

import openpyxl
from docx import Document

HERE = Path(__file__).parent
COUNCIL = "northshire.gov.uk"
GIVEN = ["Amelia", "Oliver", "Priya", "Mohammed", "Grace", "Liam", "Fatima", "Chen", "Siobhan", "Kwame",
         "Isla", "Rhys", "Zainab", "Tomasz", "Eilidh", "Arjun", "Chidi", "Ruby", "Harvey", "Aoife"]
FAMILY = ["Okafor", "Patel", "Jones", "Nguyen", "Campbell", "Khan", "Evans", "Kowalski", "Murphy", "Shah",
          "Taylor", "Mensah", "Hughes", "Begum", "Fraser", "Wilson", "Adeyemi", "Walsh", "Singh", "Hall"]
FIXED_TIME = datetime(2013, 7, 2, 10, 15, 0)
WEBMAIL = ["gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com"]


def main() -> None:
    rng = random.Random(2013)
    clients = [_person(rng, i) for i in range(163)]
    write("01-mass-email-client-list.eml", seed_incident(clients))
    write("02-newsletter-bcc.eml", bcc_newsletter(clients))
    write("03-all-staff.eml", all_staff())
    write("04-lookalike-domain.eml", lookalike(clients[0]))
    write("05-letter-to-one-client.eml", letter_to_client(clients[1]))
    write("06-clinic-reminder-cc.eml", clinic_cc(clients[:3]))
    write("07-foi-reply-hidden-sheet.eml", foi_hidden_sheet(rng))
    write_json("clinic-reminder-request.json", clinic_request(clients[:3]))


def clinic_request(patients) -> dict:
    """The JSON an add-in sends for 06-clinic-reminder-cc.eml (POST /api/v1/score)."""
    return {
        "from": {"address": f"sexual.health@{COUNCIL}", "name": "Northshire Sexual Health"},
        "to": [],
        "cc": [{"address": p["email"], "name": p["name"]} for p in patients],
        "bcc": [],
        "subject": "Reminder: HIV clinic appointment on Monday",
        "body": {"type": "text", "content": "This is a reminder of your appointment on Monday at 10am."},
        "attachments": [],
    }


def write_json(name: str, document: dict) -> None:
    import json

    (HERE / name).write_text(json.dumps(document, indent=2) + "\n")


def _person(rng: random.Random, i: int) -> dict:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return {
        "name": f"{given} {family}",
        "email": f"{given.lower()}.{family.lower()}.{i:03d}@{WEBMAIL[i % len(WEBMAIL)]}",
        "phone": f"07700 900{i:03d}",
        "ref": f"ILS/{rng.choice(['NTH', 'STH', 'EST', 'WST'])}/{10000 + i * 7:05d}",
    }


def message(sender: str, subject: str, body: str, to=(), cc=(), bcc=()) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    if bcc:
        msg["Bcc"] = ", ".join(bcc)
    msg["Subject"] = subject
    msg["Date"] = "Tue, 02 Jul 2013 10:15:00 +0100"
    msg.set_content(body)
    return msg


def attach(msg: EmailMessage, name: str, data: bytes, maintype: str, subtype: str) -> None:
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)


def workbook_bytes(workbook) -> bytes:
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return fixed_zip(buffer.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same archive with every timestamp pinned, so regenerating changes nothing."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2013-07-02T10:15:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6]), content)
    return out.getvalue()


def seed_incident(clients) -> EmailMessage:
    """July 2013: 157 clients in To, and a spreadsheet of 163 vulnerable adults attached."""
    msg = message(
        formataddr(("Independent Living Service", f"ils@{COUNCIL}")),
        "Independent Living Service: your next review",
        "Dear all,\n\nPlease find attached the schedule for your next review meeting.\n\n"
        "Kind regards,\nIndependent Living Service",
        to=[formataddr((c["name"], c["email"])) for c in clients[:157]],
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append(["Name", "Phone", "Case reference", "Review date"])
    for c in clients:
        sheet.append([c["name"], c["phone"], c["ref"], "2013-07-15"])
    attach(msg, "clients.xlsx", workbook_bytes(workbook), "application",
           "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return msg


def bcc_newsletter(clients) -> EmailMessage:
    return message(
        formataddr(("Independent Living Service", f"ils@{COUNCIL}")),
        "Independent Living Service newsletter: summer 2013",
        "Dear friends,\n\nOur summer coffee mornings start next week at the community centre.\n\n"
        "Best wishes,\nIndependent Living Service",
        to=[f"ils@{COUNCIL}"],
        bcc=[c["email"] for c in clients[:157]],
    )


def all_staff() -> EmailMessage:
    return message(
        f"hr@{COUNCIL}",
        "Office closure on Friday afternoon",
        "Dear colleagues,\n\nThe Civic Centre closes at 2pm on Friday for maintenance.\n\nHR",
        to=[f"staff.member.{i:03d}@{COUNCIL}" for i in range(420)],
    )


def lookalike(client) -> EmailMessage:
    msg = message(
        f"ils@{COUNCIL}",
        "Referral for support",
        "Hi Jo,\n\nHere is the referral we discussed.\n\nThanks",
        to=["jo.bloggs@northshlre.gov.uk"],
    )
    attach(msg, "referral.docx", letter_docx(client, "Referral for independent living support"), "application",
           "vnd.openxmlformats-officedocument.wordprocessingml.document")
    return msg


def letter_to_client(client) -> EmailMessage:
    msg = message(
        f"ils@{COUNCIL}",
        "Your review meeting",
        f"Dear {client['name'].split()[0]},\n\nYour review letter is attached.\n\nIndependent Living Service",
        to=[formataddr((client["name"], client["email"]))],
    )
    attach(msg, "review-letter.docx", letter_docx(client, "Your review meeting"), "application",
           "vnd.openxmlformats-officedocument.wordprocessingml.document")
    return msg


def letter_docx(client, title: str) -> bytes:
    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"Dear {client['name']},")
    document.add_paragraph(
        f"Your case reference is {client['ref']}. We will call you on {client['phone']} "
        "to confirm the time of your review at the Civic Centre."
    )
    document.add_paragraph("Yours sincerely,\nIndependent Living Service")
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def clinic_cc(patients) -> EmailMessage:
    return message(
        f"sexual.health@{COUNCIL}",
        "Reminder: HIV clinic appointment on Monday",
        "Hello,\n\nThis is a reminder of your appointment at the sexual health clinic on Monday at 10am.\n\n"
        "Northshire Sexual Health",
        cc=[formataddr((p["name"], p["email"])) for p in patients],
    )


def foi_hidden_sheet(rng: random.Random) -> EmailMessage:
    """2017-style FOI reply: a summary tab, and a hidden tab of staff names the sender never saw."""
    msg = message(
        f"foi@{COUNCIL}",
        "FOI request 2017/0412: staff numbers by department",
        "Dear Ms Reporter,\n\nPlease find our response attached.\n\nInformation Governance",
        to=["newsdesk@northshire-gazette.co.uk"],
    )
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append(["Department", "Headcount"])
    for department, count in [("Adult social care", 212), ("Housing", 148), ("Highways", 140)]:
        summary.append([department, count])
    staff = workbook.create_sheet("Staff list")
    staff.sheet_state = "hidden"
    staff.append(["Employee name", "Department", "Work phone", "Date of birth"])
    for i in range(500):
        staff.append([
            f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            rng.choice(["Adult social care", "Housing", "Highways"]),
            f"0113 496 0{i % 1000:03d}",
            f"19{rng.randint(55, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        ])
    attach(msg, "foi-2017-0412-response.xlsx", workbook_bytes(workbook), "application",
           "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return msg


def write(name: str, msg: EmailMessage) -> None:
    if msg.is_multipart():
        msg.set_boundary(f"sendward-example-{name[:2]}")
    (HERE / name).write_bytes(msg.as_bytes())


if __name__ == "__main__":
    main()
