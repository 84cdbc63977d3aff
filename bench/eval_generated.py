"""Our own hard negatives and positives for `make eval` (generated, deterministic; nothing real).

Benign (hard negatives): business mail that names people in a business role or quotes
earlier messages (Outlook, Lotus Notes, Gmail, Apple Mail, French and German reply
headers), press releases, minutes, signatures with US phone numbers, product and
business directories, a BCC newsletter, a rota on the organisation's parent domain, a
multi-agency invitation, a patient's own letters, an HR policy with a contact line, a
conference agenda, invoices and a sales workbook.

About people (positives): exports as real systems write them (snake_case, camelCase,
split name columns, no header row, US and ISO dates, a company column beside per-person
columns, "Surname, Forename" cells with titles and bracketed names, repeated first
names), a safeguarding workbook, a Word table of tenants, a PDF clinic list, vCards, a
JSON export of users, and lists of names with contact details pasted into a body.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from typing import Callable

from sendward.domain.draft import Address, Attachment, Body, Draft
from tests.files import docx

GIVEN = """Aisha Oliver Amelia Jack Priya Mohammed Sophie Thomas Chloe Daniel Grace Samuel Zara Liam
Hannah Oluwaseun Emily Ryan Fatima Callum Megan Joseph Isla Kieran Niamh Aaron Leah Connor Ellie Harvey
Yusuf Rebecca Declan Freya Rhys Jasmine Tariq Lucy Owen Bethany Ewan Shona Gareth Siobhan Imran Ruth
Patrick Alice Nathan Martha""".split()
FAMILY = """Okafor Patel Jones Walsh Nguyen Hughes Kowalski Begum Fraser MacLeod O'Neill Adeyemi Clarke
Thompson Evans Roberts Hussain Chen Murphy Campbell Stewart Reid Bennett Lloyd Gallagher Iqbal Shah Morgan
Price Turner Barker Doyle Fletcher Kaur Ahmed Singh Wright Foster Harper Ellis Dunn Palmer Griffiths
Pearce Brennan Quinn Whitaker Sutton Holt""".split()
STREETS = "Church Lane|Mill Road|Station Road|High Street|Victoria Avenue|Park Crescent|Orchard Close|Queens Drive".split("|")
TOWNS = "Leeds|Norwich|Swansea|Carlisle|Derby|Exeter|Dundee|Ipswich".split("|")
WORK = ("harbourline-consulting.co.uk", "meridian-grid.com", "westbrook-legal.co.uk")
WEBMAIL = ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com")


@dataclass
class Case:
    name: str
    label: str  # "benign" or "people"
    build: Callable[[], Draft]
    people: int | None = None
    expect: frozenset[str] = frozenset()
    also_ok: frozenset[str] = frozenset()
    kind: str = ""


ATTACHMENT_PEOPLE = frozenset({"attachment.personal_data"})
BODY_PEOPLE = frozenset({"body.personal_data"})
ALSO_OK = frozenset({"attachment.special_category", "attachment.hidden_content", "recipients.exposed",
                     "recipients.external_domains"})


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(GIVEN), rng.choice(FAMILY)


def _people(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (given, family) pairs (first names repeat across people)."""
    seen, found = set(), []
    while len(found) < n:
        pair = _person(rng)
        suffix = 0
        while pair in seen:
            suffix += 1
            pair = (pair[0], f"{rng.choice(FAMILY)}-{rng.choice(FAMILY)}")
        seen.add(pair)
        found.append(pair)
    return found


def _mobile(rng: random.Random) -> str:
    return f"07{rng.choice('45789')}{rng.randint(10, 99)} {rng.randint(100000, 999999)}"


def _us_phone(rng: random.Random) -> str:
    return f"{rng.randint(201, 989)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"


def _email(given: str, family: str, domain: str) -> str:
    return f"{given}.{family}".lower().replace("'", "") + f"@{domain}"


def _postcode(rng: random.Random) -> str:
    return f"{rng.choice(['LS', 'NR', 'SA', 'CA', 'DE', 'EX'])}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"


def _us_date(rng: random.Random) -> str:
    return f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1940, 2005)}"


def _iso_date(rng: random.Random) -> str:
    return f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _csv(rows, delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _draft(body: str, *, to=None, cc=(), bcc=(), sender="officer@northshire.gov.uk", subject="Update",
           attachment: tuple[str, bytes] | None = None) -> Draft:
    to = to if to is not None else (Address(f"team@{WORK[0]}"),)
    attachments = ()
    if attachment:
        name, content = attachment
        attachments = (Attachment(name=name, content_type="text/csv", size=len(content), content=content),)
    return Draft(sender=Address(sender), to=tuple(to), cc=tuple(cc), bcc=tuple(bcc), subject=subject,
                 body=Body(content=body), attachments=attachments)


# -- benign ------------------------------------------------------------------------------


def _outlook_thread(rng: random.Random) -> str:
    parts = ["Thanks - I'll confirm the figures by Friday.\n\nRegards\nTom\n"]
    for _ in range(rng.randint(2, 4)):
        names = _people(rng, rng.randint(6, 14))
        to = "; ".join(f"{g} {f} <{_email(g, f, 'northshire.gov.uk')}>" for g, f in names[1:])
        g, f = names[0]
        parts.append(
            f"\n-----Original Message-----\nFrom: {g} {f} [mailto:{_email(g, f, 'northshire.gov.uk')}]\n"
            f"Sent: Tuesday, March 12, 2024 9:{rng.randint(10, 59)} AM\nTo: {to}\n"
            f"Cc: {names[-1][0]} {names[-1][1]}\nSubject: RE: Q1 budget\n\n"
            f"Please see the revised numbers attached and call me on {_mobile(rng)} if unclear.\n\n{g}\n"
        )
    return "".join(parts)


def _notes_thread(rng: random.Random) -> str:
    names = _people(rng, rng.randint(8, 16))
    g, f = names[0]
    lines = [f"Please review before the call.\n\n---------------------- Forwarded by {g} {f}/HOU/ECT on 05/14/2001 "
             f"04:39 PM ---------------------------\n\n"]
    for g2, f2 in names[1:4]:
        lines.append(f"{g2} {f2}@ECT\n05/14/2001 11:{rng.randint(10, 59)} AM\n")
    lines.append("To: " + ", ".join(f"{a} {b}/HOU/ECT@ECT" for a, b in names[4:]) + "\n")
    lines.append(f"cc: {names[1][0]} {names[1][1]}/Corp/Enron@ENRON\nSubject: Re: gas nominations\n\n"
                 "The revised schedule is on the shared drive.\n")
    return "".join(lines)


def _gmail_thread(rng: random.Random) -> str:
    names = _people(rng, rng.randint(6, 10))
    out = ["Sounds good, see you then.\n\n"]
    for i, (g, f) in enumerate(names):
        style = i % 4
        addr = _email(g, f, rng.choice(WORK))
        if style == 0:
            out.append(f"On Mon, 3 Jun 2024 at 10:{10 + i}, {g} {f} <{addr}> wrote:\n> Can we move to Thursday?\n")
        elif style == 1:
            out.append(f"Le lun. 3 juin 2024 à 10:{10 + i}, {g} {f} <{addr}> a écrit :\n> D'accord pour jeudi.\n")
        elif style == 2:
            out.append(f"Von: {g} {f} <{addr}>\nGesendet: Montag, 3. Juni 2024 10:{10 + i}\n"
                       f"An: {names[0][0]} {names[0][1]} <{_email(*names[0], WORK[1])}>\nBetreff: Termin\n\nPasst.\n")
        else:
            out.append(f"On 3 Jun 2024, at 10:{10 + i}, {g} {f} <{addr}> wrote:\n\n> Thursday works.\n")
    return "\n".join(out)


def _press_release(rng: random.Random) -> str:
    names = _people(rng, 5)
    quotes = "\n\n".join(
        f'"We are delighted with the results," said {g} {f}, {rng.choice(["Chief Executive", "Director of Operations", "Head of Finance", "Chair"])}.'
        for g, f in names[:4]
    )
    g, f = names[4]
    return (f"FOR IMMEDIATE RELEASE\n\nMeridian Grid announces new wind partnership\n\n{quotes}\n\n"
            f"Media contact: {g} {f}, Press Office, tel {_mobile(rng)}, {_email(g, f, 'meridian-grid.com')}\n")


def _minutes(rng: random.Random) -> str:
    names = _people(rng, rng.randint(8, 14))
    present = "\n".join(f"Cllr {g} {f}" for g, f in names)
    actions = "\n".join(f"{i + 1}. {g} {f} to report back on the highways budget." for i, (g, f) in enumerate(names[:4]))
    return (f"Minutes of the Environment Committee, 12 March 2024\n\nPresent:\n{present}\n\nApologies: none\n\n"
            f"Actions:\n{actions}\n\nThe meeting closed at 8.15pm.\n")


def _signatures(rng: random.Random) -> str:
    out = ["Agreed, let's proceed.\n"]
    for g, f in _people(rng, 6):
        out.append(f"\n{g} {f}\nSenior Analyst | Meridian Grid\nT: {_us_phone(rng)} | M: {_us_phone(rng)}\n"
                   f"{_email(g, f, 'meridian-grid.com')}\n\n> earlier text\n")
    return "".join(out)


def _products_csv(rng: random.Random) -> bytes:
    rows = [["product_id", "product_name", "brand", "description", "price", "supplier_address"]]
    for i in range(rng.randint(40, 200)):
        (_, f1), (_, f2), (_, f3) = _person(rng), _person(rng), _person(rng)
        rows.append([f"P{10000 + i}", f"{rng.choice(['Oak', 'Linen', 'Steel'])} {rng.choice(['Chair', 'Lamp', 'Desk'])}",
                     f"{f1}, {f2} and {f3}", "Inspired by religion and myth, hand finished.",
                     f"{rng.randint(5, 400)}.99", f"{rng.randint(1, 90)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"])
    return _csv(rows)


def _directory_csv(rng: random.Random) -> bytes:
    rows = [["name", "street", "city", "phone", "website"]]
    for i in range(rng.randint(40, 150)):
        g, f = _person(rng)
        rows.append([f"{f} {rng.choice(['Brewing', 'Ales', 'Brewery', 'Taproom'])}", f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                     rng.choice(TOWNS), f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                     f"www.{f.lower()}{i}.co.uk"])
    return _csv(rows)


def _species_csv(rng: random.Random) -> bytes:
    rows = [["#", "Name", "Type", "HP", "Attack"]]
    for i in range(rng.randint(40, 150)):
        rows.append([i + 1, f"{rng.choice(GIVEN)}saur", rng.choice(["Grass", "Fire", "Water"]), rng.randint(20, 120),
                     rng.randint(20, 120)])
    return _csv(rows)


def _newsletter(rng: random.Random) -> Draft:
    bcc = [Address(_email(g, f, rng.choice(WEBMAIL))) for g, f in _people(rng, rng.randint(120, 300))]
    return _draft("Our spring newsletter: opening hours, volunteering days and the summer fair.",
                  to=(Address("newsletter@northshire.gov.uk"),), bcc=bcc, subject="Spring newsletter")


def _parent_domain_rota(rng: random.Random) -> Draft:
    names = _people(rng, 12)
    rota = "\n".join(f"{g} {f}  {_mobile(rng)}  {rng.choice(['Mon', 'Tue', 'Wed'])} early" for g, f in names)
    to = [Address(_email(g, f, "northshire.gov.uk")) for g, f in names[:6]]
    return _draft(f"Next week's rota:\n\n{rota}\n", to=to, sender="duty.manager@housing.northshire.gov.uk",
                  subject="Rota")


def _professional_invite(rng: random.Random) -> Draft:
    names = _people(rng, 12)
    to = [Address(_email(g, f, d), f"{g} {f}") for (g, f), d in zip(names, [rng.choice(("nhs.net", "police.uk", "northshire.gov.uk", "westbrook-legal.co.uk")) for _ in names])]
    return _draft("You are invited to the Northshire Safeguarding Children Partnership practice review "
                  "on 14 May at County Hall. Please confirm attendance.", to=to, subject="Invitation")


def _own_letter(rng: random.Random) -> Draft:
    g, f = _person(rng)
    c, d = _person(rng)
    addr = _email(g, f, rng.choice(WEBMAIL))
    body = (f"Dear {g} {f},\n\nFollowing your appointment on 3 May, I enclose a summary for your records. "
            f"Mr {f}, please call the clinic on 0113 496 0000 if anything is unclear.\n\n"
            f"Yours sincerely\n\nDr {c} {d}\nConsultant\n")
    return _draft(body, to=(Address(addr, f"{g} {f}"),), subject="Your appointment")


# -- documents (Office, PDF, vCard, JSON) -------------------------------------------------


def _xlsx(rows, title="Sheet1") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf(lines, per_page=45) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4)
    for start in range(0, max(1, len(lines)), per_page):
        y = 800
        for line in lines[start : start + per_page]:
            document.drawString(40, y, line)
            y -= 16
        document.showPage()
    document.save()
    return buffer.getvalue()


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = (11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11) % 11
        if check != 10:
            n = "".join(map(str, digits + [check]))
            return f"{n[:3]} {n[3:6]} {n[6:]}"


def _landline(rng: random.Random) -> str:
    return f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}"


def _hr_policy(rng: random.Random) -> Draft:
    g, f = _person(rng)
    paragraphs = ["Managing sickness absence", "Staff with anxiety, depression or long Covid may ask for reasonable "
                  "adjustments. Occupational health referrals are made by line managers.",
                  f"Contact: {g} {f}, HR Adviser, {_landline(rng)}"]
    return _draft("The revised policy is attached.", attachment=("absence-policy.docx", docx(paragraphs)))


def _agenda(rng: random.Random) -> Draft:
    rows = [["Time", "Session", "Speaker", "Organisation"]]
    rows += [[f"{9 + i}:00", "Panel", " ".join(_person(rng)), rng.choice(["NHS England", "Northshire Council",
                                                                          "University of Leeds"])] for i in range(8)]
    return _draft("Agenda attached.", attachment=("agenda.docx", docx(["Conference agenda"], rows)))


def _invoices(rng: random.Random) -> bytes:
    rows = [["Invoice No", "Customer", "Amount", "Date"]]
    rows += [[f"INV{i:05d}", f"{rng.choice(FAMILY)} {rng.choice(['Ltd', 'Builders', 'Plumbing', '& Sons'])}",
              f"{rng.randint(10, 900)}.00", "2024-03-01"] for i in range(rng.randint(40, 200))]
    return _csv(rows)


def _sales(rng: random.Random) -> Draft:
    rows = [["Segment", "Country", "Product", "Units Sold", "Sale Price", "Gross Sales", "Date"]]
    rows += [[rng.choice(["Government", "Midmarket"]), rng.choice(["France", "Germany", "Canada"]),
              rng.choice(["Carretera", "Montana", "Paseo"]), rng.randint(100, 3000), 20, rng.randint(1000, 90000),
              "2014-01-01"] for _ in range(rng.randint(100, 700))]
    return _draft("Q1 figures.", attachment=("sales.xlsx", _xlsx(rows, "Sales")))


def _own_letter_nhs(rng: random.Random) -> Draft:
    g, f = _person(rng)
    c, d = _person(rng)
    body = (f"Dear {g} {f},\n\nYour NHS number is {_nhs_number(rng)}. Please bring it to your appointment at the "
            f"clinic on 3 May.\n\nYours sincerely\n\nDr {c} {d}\nClinic {_landline(rng)}\n")
    return _draft(body, to=(Address(_email(g, f, rng.choice(WEBMAIL)), f"{g} {f}"),), subject="Your appointment")


def _attach(rng_case, name):
    return lambda rng: _draft("Please find the file attached.", attachment=(name, rng_case(rng)))


BENIGN = [
    ("outlook-thread", lambda rng: _draft(_outlook_thread(rng), subject="RE: Q1 budget")),
    ("notes-thread", lambda rng: _draft(_notes_thread(rng), subject="Fw: gas nominations")),
    ("gmail-thread", lambda rng: _draft(_gmail_thread(rng), subject="Re: meeting")),
    ("press-release", lambda rng: _draft(_press_release(rng), subject="Press release")),
    ("minutes", lambda rng: _draft(_minutes(rng), subject="Minutes")),
    ("signatures-us-phones", lambda rng: _draft(_signatures(rng), subject="Re: proposal")),
    ("products-csv", _attach(_products_csv, "products.csv")),
    ("business-directory-csv", _attach(_directory_csv, "breweries.csv")),
    ("species-csv", _attach(_species_csv, "species.csv")),
    ("bcc-newsletter", _newsletter),
    ("parent-domain-rota", _parent_domain_rota),
    ("professional-invite", _professional_invite),
    ("patients-own-letter", _own_letter),
    ("hr-policy-docx", _hr_policy),
    ("agenda-docx", _agenda),
    ("invoices-csv", _attach(_invoices, "invoices.csv")),
    ("sales-xlsx", _sales),
    ("own-letter-nhs-number", _own_letter_nhs),
]


# -- about people ------------------------------------------------------------------------


def _mockaroo(rng: random.Random, n: int) -> bytes:
    rows = [["id", "first_name", "last_name", "email", "gender", "ip_address"]]
    for i, (g, f) in enumerate(_people(rng, n), 1):
        rows.append([i, g, f, _email(g, f, rng.choice(WEBMAIL)), rng.choice(["Female", "Male"]),
                     f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"])
    return _csv(rows)


def _patients(rng: random.Random, n: int) -> bytes:
    rows = [["patient_id", "first_name", "last_name", "date_of_birth", "race", "zip"]]
    for i, (g, f) in enumerate(_people(rng, n), 1):
        rows.append([f"PT{i:05d}", g, f, _us_date(rng), rng.choice(["White", "Black", "Asian", "Other"]),
                     str(rng.randint(10000, 99999))])
    return _csv(rows)


def _camel(rng: random.Random, n: int) -> bytes:
    rows = [["ClientName", "phoneNumber", "emailAddress", "dateOfBirth"]]
    for g, f in _people(rng, n):
        rows.append([f"{g} {f}", _mobile(rng), _email(g, f, rng.choice(WEBMAIL)), _iso_date(rng)])
    return _csv(rows)


def _no_header(rng: random.Random, n: int) -> bytes:
    rows = []
    for g, f in _people(rng, n):
        rows.append([f"{g} {f}", _email(g, f, rng.choice(WEBMAIL)), _mobile(rng),
                     f"{rng.randint(1, 200)} {rng.choice(STREETS)}, {rng.choice(TOWNS)} {_postcode(rng)}"])
    return _csv(rows)


def _company_contacts(rng: random.Random, n: int) -> bytes:
    rows = [["first_name", "last_name", "company_name", "address", "city", "phone1", "phone2", "email"]]
    for g, f in _people(rng, n):
        rows.append([g, f, f"{rng.choice(FAMILY)} {rng.choice(['Ltd', 'Trading', 'Group'])}",
                     f"{rng.randint(1, 200)} {rng.choice(STREETS)}", rng.choice(TOWNS), _mobile(rng), _mobile(rng),
                     _email(g, f, rng.choice(WEBMAIL))])
    return _csv(rows)


def _surname_forename(rng: random.Random, n: int) -> bytes:
    rows = [["Passenger", "Age", "Ticket", "Fare"]]
    for g, f in _people(rng, n):
        title = rng.choice(["Mr.", "Mrs.", "Miss.", "Dr."])
        extra = f" ({rng.choice(GIVEN)} {rng.choice(FAMILY)})" if title == "Mrs." else ""
        rows.append([f"{f}, {title} {g}{extra}", rng.randint(1, 80), f"A/{rng.randint(1000, 99999)}",
                     f"{rng.randint(5, 200)}.{rng.randint(0, 99):02d}"])
    return _csv(rows)


def _repeated_first_names(rng: random.Random, n: int) -> bytes:
    rows = [["customer_id", "firstName", "lastName", "email", "city"]]
    for i, (g, f) in enumerate(_people(rng, n), 1):
        rows.append([i, g, f, _email(g, f, rng.choice(WEBMAIL)).replace("@", f"{i}@"), rng.choice(TOWNS)])
    return _csv(rows)


def _safeguarding(rng: random.Random, n: int) -> bytes:
    rows = [["Child name", "DOB", "School", "Concern"]]
    rows += [[f"{g} {f}", f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/20{rng.randint(10, 18)}", "Northshire Primary",
              rng.choice(["neglect", "domestic abuse at home", "self-harm"])] for g, f in _people(rng, n)]
    return _xlsx(rows, "Referrals")


def _tenants(rng: random.Random, n: int) -> bytes:
    rows = [["Tenant", "Address", "Arrears"]]
    rows += [[f"{g} {f}", f"{rng.randint(1, 90)} {rng.choice(STREETS)}, {rng.choice(TOWNS)} {_postcode(rng)}",
              f"£{rng.randint(100, 3000)}"] for g, f in _people(rng, n)]
    return docx(["Tenants in arrears"], rows)


def _patients_pdf(rng: random.Random, n: int) -> bytes:
    return _pdf([f"{g} {f}   {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/19{rng.randint(40, 99)}   "
                 f"{_nhs_number(rng)}" for g, f in _people(rng, n)])


def _vcards(rng: random.Random, n: int) -> bytes:
    return "".join(f"BEGIN:VCARD\nVERSION:3.0\nFN:{g} {f}\nTEL;TYPE=CELL:{_mobile(rng)}\n"
                   f"EMAIL:{_email(g, f, rng.choice(WEBMAIL))}\nEND:VCARD\n" for g, f in _people(rng, n)).encode()


def _users_json(rng: random.Random, n: int) -> bytes:
    import json

    users = [{"id": i + 1, "firstName": g, "lastName": f, "age": rng.randint(18, 80),
              "email": _email(g, f, rng.choice(WEBMAIL)), "phone": _mobile(rng), "birthDate": _iso_date(rng),
              "address": {"address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}", "city": rng.choice(TOWNS)}}
             for i, (g, f) in enumerate(_people(rng, n))]
    return json.dumps({"users": users, "total": n}, indent=2).encode()


def _food_bank_body(rng: random.Random, n: int) -> Draft:
    lines = "\n".join(f"{g} {f}, {rng.randint(1, 90)} {rng.choice(STREETS)}, {_postcode(rng)}, {_mobile(rng)}"
                      for g, f in _people(rng, n))
    return _draft(f"Please find below the clients for Saturday's food bank delivery:\n\n{lines}\n\nThanks",
                  subject="Deliveries")


def _body_list(rng: random.Random, n: int) -> Draft:
    lines = "\n".join(f"{g} {f} - {_mobile(rng)}" for g, f in _people(rng, n))
    to = [Address(_email(g, f, rng.choice(WEBMAIL))) for g, f in _people(rng, 30)]
    return _draft(f"Hi all, here is everyone's number for the trip:\n\n{lines}\n\nSee you Saturday.", to=to,
                  subject="Trip contacts")


PEOPLE_FILES = [
    ("mockaroo-split-names", _mockaroo, "users.csv"),
    ("patients-snake-case-us-dates", _patients, "patients_export.csv"),
    ("camel-case-headers", _camel, "clients.csv"),
    ("no-header-row", _no_header, "export.csv"),
    ("company-column-contacts", _company_contacts, "contacts.csv"),
    ("surname-forename-titles", _surname_forename, "manifest.csv"),
    ("repeated-first-names", _repeated_first_names, "customers.csv"),
    ("safeguarding-xlsx", _safeguarding, "referrals.xlsx"),
    ("tenants-docx-table", _tenants, "arrears.docx"),
    ("patients-pdf", _patients_pdf, "clinic-list.pdf"),
    ("vcards", _vcards, "contacts.vcf"),
    ("users-json", _users_json, "users.json"),
]


def cases(per_kind: int = 12, seed: str = "sendward-eval-v1") -> list[Case]:
    found = []
    for kind, make in BENIGN:
        for i in range(per_kind):
            rng = random.Random(f"{seed}:{kind}:{i}")
            found.append(Case(name=f"{kind}-{i}", label="benign", build=lambda make=make, rng=rng: make(random.Random(rng.random())),
                              kind=kind))
    sizes = [12, 25, 40, 75, 150, 300, 600, 1200]
    for kind, make, filename in PEOPLE_FILES:
        for i in range(per_kind):
            n = sizes[i % len(sizes)]
            if filename.endswith((".docx", ".pdf")):
                n = min(n, 300)  # python-docx and reportlab are slow to write thousands of rows
            salt = random.Random(f"{seed}:{kind}:{i}").random()
            found.append(Case(
                name=f"{kind}-{i}", label="people", people=n, expect=ATTACHMENT_PEOPLE, also_ok=ALSO_OK, kind=kind,
                build=lambda make=make, n=n, salt=salt, filename=filename: _draft(
                    "Please find the file attached.", attachment=(filename, make(random.Random(salt), n))),
            ))
    for i in range(per_kind):
        n = [12, 18, 25, 60][i % 4]
        salt = random.Random(f"{seed}:food-bank:{i}").random()
        found.append(Case(name=f"food-bank-body-{i}", label="people", people=n, expect=BODY_PEOPLE, also_ok=ALSO_OK,
                          kind="food-bank-body", build=lambda n=n, salt=salt: _food_bank_body(random.Random(salt), n)))
    for i in range(per_kind):
        n = [12, 18, 25, 40][i % 4]
        salt = random.Random(f"{seed}:body-list:{i}").random()
        found.append(Case(name=f"body-list-private-to-{i}", label="people", people=n, expect=BODY_PEOPLE,
                          also_ok=ALSO_OK, kind="body-list-private-to",
                          build=lambda n=n, salt=salt: _body_list(random.Random(salt), n)))
    return found
