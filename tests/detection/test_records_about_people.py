"""A record about people (a list or table whose rows are people) versus a document that mentions people."""

import random

import pytest

from sendward.domain.policy import Policy
from tests import files

GIVEN = ["Amelia", "Oliver", "Priya", "Mohammed", "Grace", "Liam", "Fatima", "Chen", "Siobhan", "Kwame", "Sarah", "Thomas"]
FAMILY = ["Okafor", "Patel", "Jones", "Nguyen", "Campbell", "Khan", "Evans", "Kowalski", "Murphy", "Shah", "Walsh"]


def names(count, seed=7):
    rng = random.Random(seed)
    return [(rng.choice(GIVEN), rng.choice(FAMILY)) for _ in range(count)]


def csv_file(rows) -> bytes:
    return files.csv_text(rows)


# -- running text: mentions are not records ----------------------------------------------


def test_a_press_release_naming_people_is_about_nobody(scan_body):
    quotes = "\n\n".join(f'"We are delighted," said {g} {f}, Director.' for g, f in names(8))
    body = f"FOR IMMEDIATE RELEASE\n\n{quotes}\n\nMedia contact: press@northshire.gov.uk"
    assert scan_body(body).data_subjects == 0


def test_minutes_listing_councillors_are_about_nobody(scan_body):
    present = "\n".join(f"Cllr {g} {f}" for g, f in names(12))
    assert scan_body(f"Minutes of the committee\n\nPresent:\n{present}\n\nApologies: none").data_subjects == 0


def test_six_signatures_with_us_phone_numbers_are_not_a_list(scan_body):
    body = "Agreed.\n"
    for i, (g, f) in enumerate(names(6)):
        body += f"\n{g} {f}\nSenior Analyst\nT: 916-552-{7000 + i}\nM: 713-853-{1000 + i}\n\n> earlier text\n"
    signals = scan_body(body)
    assert signals.data_subjects < 5
    assert "UK_NHS" not in signals.entities  # 916-552-7070 is a phone number, whatever its check digit


def test_an_nhs_number_needs_its_own_form_or_context_in_text(scan_body):
    number = files.nhs_number(3)  # "4xx xxx xxxx"
    dashed = number.replace(" ", "-")
    assert "UK_NHS" in scan_body(f"Dear Sarah Jones, your NHS number is {dashed}.").entities
    assert "UK_NHS" in scan_body(f"Patient reference {number}.").entities
    assert "UK_NHS" not in scan_body(f"Call us on {dashed} any time.").entities


AREAS = ["020 7946", "0113 496", "0117 496", "0121 496", "0131 496", "0141 496", "0161 496", "0191 498"]


def phone(i: int) -> str:
    """Numbers from different exchanges (Ofcom's drama ranges), as a list of private people has."""
    return f"{AREAS[i % len(AREAS)]} 0{i:03d}"


def test_names_and_phone_numbers_pasted_as_a_list_are_records(scan_body):
    rows = "\n".join(f"{g} {f} - {phone(i)}" for i, (g, f) in enumerate(names(25)))
    assert scan_body(f"Everyone's number for the trip:\n\n{rows}\n\nSee you Saturday.").data_subjects == 25


def test_a_teams_direct_lines_are_business_contact_details(scan_body):
    rows = "\n".join(f"{g} {f} - 020 7946 0{i:03d}" for i, (g, f) in enumerate(names(12)))
    assert scan_body(f"The desk's direct lines:\n{rows}\n").data_subjects == 0


def test_a_list_of_private_email_addresses_is_a_record(scan_body):
    rows = "\n".join(f"{g.lower()}.{f.lower()}.{i}@gmail.com" for i, (g, f) in enumerate(names(9)))
    assert scan_body(f"The volunteers:\n{rows}\n").data_subjects == 9


def test_names_never_span_a_line_break(scan_body):
    body = "Please call about the review.\nSarah\nJones Road depot is closed."
    assert "PERSON" not in scan_body(body).entities


def test_a_diagnosis_after_the_salutation_belongs_to_the_person_addressed(scan):
    letter = files.docx(paragraphs=[
        "Dear Mrs Okafor,", "", "Thank you for coming to the memory clinic on 3 May.", "",
        "I am sorry to confirm the diagnosis of dementia we discussed. Call 020 7946 0777.",
    ])
    signals = scan("letter.docx", letter, to=["someone.else@gmail.com"])
    assert signals.content.data_subjects == 1
    assert signals.content.special_categories == {"health": 1}


@pytest.mark.parametrize("text, category", [
    ("Sarah Jones (020 7946 0123) is off with work-related stress and anxiety.", "health"),
    ("Sarah Jones (020 7946 0123) has long Covid.", "health"),
    ("Sarah Jones (020 7946 0123) was diagnosed with multiple sclerosis.", "health"),
    ("Sarah Jones (020 7946 0123) reports migraines and depression.", "health"),
    ("Sarah Jones (020 7946 0123) is dyslexic.", "disability"),
])
def test_health_and_disability_vocabulary(scan_body, text, category):
    assert scan_body(text).special_categories == {category: 1}


@pytest.mark.parametrize("text", [
    "Sarah Jones, 14 Church Lane, Leeds LS1 4AB, 020 7946 0123.",
    "Sarah Jones (020 7946 0123) works at St Mary's Church hall on Mosque Road.",
])
def test_street_and_building_names_are_not_special_categories(scan_body, text):
    assert scan_body(text).special_categories == {}


# -- tables as real systems export them ------------------------------------------------


def test_split_snake_case_name_columns_and_us_dates(scan):
    rows = [["patient_id", "first_name", "last_name", "date_of_birth", "race"]]
    rows += [[f"PT{i:04d}", g, f, f"{1 + i % 12}/{1 + i % 28}/19{50 + i % 40}", "White"] for i, (g, f) in enumerate(names(120))]
    content = scan("export.csv", csv_file(rows)).content
    assert content.data_subjects == 120
    assert content.entities["PERSON"] == 120 and content.entities["DATE_OF_BIRTH"] == 120
    assert content.special_categories == {"ethnicity": 120}


def test_camel_case_headers(scan):
    rows = [["ClientName", "phoneNumber", "emailAddress"]]
    rows += [[f"{g} {f}", f"020 7946 {i:04d}", f"c{i}@example.org"] for i, (g, f) in enumerate(names(40))]
    assert scan("clients.csv", csv_file(rows)).content.data_subjects == 40


def test_other_languages_headers(scan):
    rows = [["nome", "sobrenome", "idade"]] + [[g, f, 30 + i % 40] for i, (g, f) in enumerate(names(30))]
    assert scan("pacientes.csv", csv_file(rows)).content.data_subjects == 30


def test_surname_forename_cells_with_titles_and_bracketed_names(scan):
    rows = [["Name", "Age", "Fare"]]
    for i, (g, f) in enumerate(names(50)):
        rows.append([f"{f}, Mrs. {g} James ({g} {f})" if i % 2 else f"{f}, Mr. {g}", 20 + i, "7.25"])
    assert scan("passengers.csv", csv_file(rows)).content.data_subjects == 50


def test_a_company_column_beside_personal_columns_is_still_people(scan):
    rows = [["first_name", "last_name", "company_name", "phone1", "email"]]
    rows += [[g, f, "Okafor Trading Ltd", f"020 7946 {i:04d}", f"p{i}@gmail.com"] for i, (g, f) in enumerate(names(60))]
    assert scan("contacts.csv", csv_file(rows)).content.data_subjects == 60


def test_rows_are_people_even_when_first_names_repeat(scan):
    rows = [["id", "first_name", "gender"]] + [[i, GIVEN[i % 3], "F"] for i in range(90)]
    assert scan("members.csv", csv_file(rows)).content.data_subjects == 90


def test_rows_sharing_a_person_id_are_one_person(scan):
    rows = [["Customer_ID", "Name", "Phone"]]
    people = names(40)
    rows += [[1000 + i, f"{g} {f}", "0800 123 4567"] for i, (g, f) in enumerate(people)]
    rows += [[1000 + i, f"{g} {f}", "0800 123 4567"] for i, (g, f) in enumerate(people[:5])]  # duplicated rows
    assert scan("customers.csv", csv_file(rows)).content.data_subjects == 40


@pytest.mark.parametrize("name, rows", [
    ("products.csv", [["product_name", "brand", "price"]] + [[f"Oak Chair {i}", "Garner, Boyle and Flynn", "9.99"] for i in range(40)]),
    ("species.csv", [["#", "Name", "Type", "HP"]] + [[i, f"{GIVEN[i % 12]}saur", "Grass", 45] for i in range(40)]),
    ("breweries.csv", [["name", "street", "city", "phone", "website"]]
     + [[f"{FAMILY[i % 11]} Brewing", f"{i} Mill Road", "Leeds", f"0113 496 {i:04d}", f"www.b{i}.co.uk"] for i in range(40)]),
])
def test_names_of_things_are_not_people(scan, name, rows):
    assert scan(name, csv_file(rows)).content.data_subjects == 0


def test_bare_ten_digit_numbers_without_a_header_are_not_phone_numbers(scan):
    rows = [[f"Town{i}", 35.6 + i, 1392685764 + i * 7919] for i in range(60)]
    assert scan("cities.csv", csv_file(rows)).content.data_subjects == 0


def test_a_phone_column_keeps_numbers_whose_leading_zero_was_lost(scan):
    rows = [["Name", "Mobile"]] + [[f"{g} {f}", 7700900000 + i] for i, (g, f) in enumerate(names(30))]
    assert scan("staff.xlsx", files.xlsx(("Staff", rows, {}))).content.data_subjects == 30


def test_the_policy_terms_still_decide_special_categories(scan):
    rows = [["first_name", "last_name", "notes"]] + [[g, f, "anxiety"] for g, f in names(20)]
    policy = Policy.model_validate({"special_categories": ["religion"]})
    assert scan("list.csv", csv_file(rows), policy=policy).content.special_categories == {}


def test_role_mailboxes_are_not_people(scan_body):
    lines = "\n".join(f'66.249.66.{i} - - "GET / HTTP/1.1" 200 "Mozilla/5.0 (compatible; {b}/2.1; +{b.lower()}@example.com)"'
                      for i, b in enumerate(["info", "press", "crawler", "bot", "webmaster", "abuse"]))
    assert scan_body(lines).data_subjects == 0


def test_a_patients_own_letter_is_about_the_patient_alone(scan):
    letter = files.docx(paragraphs=[
        "Dear Amelia Okafor,", "", "Following your appointment at the diabetes clinic, I enclose a summary.",
        "Mrs Okafor, please call 020 7946 0777 if anything is unclear.", "", "Yours sincerely,", "",
        "Dr Priya Shah", "Consultant Diabetologist", "020 7946 0999",
    ])
    own = scan("letter.docx", letter, to=["Amelia Okafor <amelia.okafor@gmail.com>"]).content
    assert (own.data_subjects, own.about_recipient) == (1, True)
    assert scan("letter.docx", letter, to=["someone.else@gmail.com"]).content.special_categories == {"health": 1}


def test_notes_sent_to_the_very_people_they_list_are_no_disclosure(scanner):
    from sendward.kernel import Deadline
    from sendward.detection.scanner import ScanRequest
    from sendward.domain.draft import Body
    from tests.builders import draft

    attendees = [(f"{g} {f}", f"{g.lower()}.{f.lower()}@gmail.com") for g, f in dict.fromkeys(names(8))]
    body = "Contact list from Tuesday's meeting:\n" + "\n".join(
        f"{n} - {e} - {phone(i)}" for i, (n, e) in enumerate(attendees))

    def body_signals(to):
        d = draft(to=to, body=body)
        return scanner.scan_body(Body(content=body), ScanRequest.for_draft(d, Policy(), Deadline(30)))

    own = body_signals([f"{n} <{e}>" for n, e in attendees])
    assert (own.data_subjects, own.recipient_data_subjects, own.about_recipients_only) == (len(attendees),) * 2 + (True,)
    assert not body_signals(["someone.else@gmail.com"]).about_recipients_only


def test_a_policy_document_with_a_contact_line_is_about_nobody(scan):
    policy_doc = files.docx(paragraphs=[
        "Managing sickness absence",
        "Staff with anxiety or depression may ask for reasonable adjustments.",
        "Contact: Grace Campbell, HR Adviser, 020 7946 0555",
    ])
    assert scan("policy.docx", policy_doc).content.data_subjects == 0


def test_speakers_beside_their_organisations_are_a_business_list(scan):
    rows = [["Time", "Session", "Speaker", "Organisation"]]
    rows += [[f"{9 + i}:00", "Panel", f"{g} {f}", "NHS England"] for i, (g, f) in enumerate(names(8))]
    assert scan("agenda.docx", files.docx(paragraphs=["Agenda"], table=rows)).content.data_subjects == 0


@pytest.mark.parametrize("headers", [
    ["nombre", "apellido", "correo", "teléfono", "fecha de nacimiento"],
    ["prénom", "nom de famille", "courriel", "téléphone", "date de naissance"],
    ["Vorname", "Nachname", "E-Mail", "Telefon", "Geburtsdatum"],
])
def test_other_languages_contact_headers(scan, headers):
    rows = [headers] + [[g, f, f"p{i}@gmail.com", phone(i), f"{1 + i % 28}/0{1 + i % 9}/1980"]
                        for i, (g, f) in enumerate(names(30))]
    content = scan("contactos.csv", csv_file(rows)).content
    assert content.data_subjects == 30
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "DATE_OF_BIRTH"} <= set(content.entities)


def test_unfamiliar_names_beside_private_emails_still_count(scan):
    # three in ten start with a familiar given name: too few to call the column names, too many for things
    rare = ["Sarah Quist", "Zorvath Ilnea", "Qelmira Tosk", "Thomas Varga", "Yrsindel Kovv", "Mavrel Dunt",
            "Oliver Xann", "Pethwyn Olq", "Drusvel Amk", "Kelvaro Znet"]
    rows = [["name", "email", "ip_address"]] + [[rare[i % 10], f"u{i}@gmail.com", f"10.0.0.{i}"] for i in range(50)]
    assert scan("export.csv", csv_file(rows)).content.data_subjects == 50


def test_an_institution_named_as_an_employer_is_no_special_category(scan):
    rows = [["first_name", "last_name", "employer", "notes"]]
    rows += [[g, f, "Riverside Clinic", "Works at Northshire Mental Health Trust"] for g, f in names(20)]
    assert scan("staff.csv", csv_file(rows)).content.special_categories == {}
    rows = [["first_name", "last_name", "condition"]] + [[g, f, "Severe Depression"] for g, f in names(20)]
    assert scan("cases.csv", csv_file(rows)).content.special_categories == {"health": 20}


def test_full_name_and_date_of_birth_together_identify_one_person(scan):
    rows = [["Name", "Date of birth", "Visit"]]
    rows += [["Sarah Jones", "12/03/1980", f"2024-0{m}-01"] for m in range(1, 4)]  # one patient, three visits
    rows += [["Sarah Jones", "07/11/1992", "2024-01-05"]]  # a namesake
    assert scan("visits.csv", csv_file(rows)).content.data_subjects == 2
