"""Tables: columns classified once, rows with personal data counted, look-alikes left alone."""

import random

import pytest

from sendward.domain.policy import Policy
from tests import files

CLIENTS = list(files.client_rows(200))


def sheet(rows, name="Sheet1", **options):
    return files.xlsx((name, rows, options))


@pytest.mark.parametrize("count", [1, 2, 57, 200])
def test_rows_with_personal_data_are_the_people(scan, count):
    rows = [["Name", "Email"]] + [[r["name"], r["email"]] for r in CLIENTS[:count]]
    assert scan("list.xlsx", sheet(rows)).content.data_subjects == count


def test_duplicate_rows_are_one_person(scan):
    rows = [["Name", "Email"]] + [[r["name"], r["email"]] for r in CLIENTS[:50]] * 2
    assert scan("list.xlsx", sheet(rows)).content.data_subjects == 50


def test_two_people_with_one_name_are_two(scan):
    rows = [["Name", "Email"], ["John Smith", "john.smith@example.com"], ["John Smith", "jsmith2@example.org"]]
    assert scan("list.xlsx", sheet(rows)).content.data_subjects == 2


def test_a_shared_switchboard_number_does_not_merge_staff(scan):
    rows = [["Name", "Phone"]] + [[r["name"] + f" {i}", "020 7946 0000"] for i, r in enumerate(CLIENTS[:40])]
    assert scan("staff.xlsx", sheet(rows)).content.data_subjects == 40


def test_a_title_row_above_the_header(scan):
    rows = [["Client list, July 2013"], [], ["Name", "Phone"]] + [[r["name"], r["phone"]] for r in CLIENTS[:30]]
    signals = scan("list.xlsx", sheet(rows))
    assert signals.content.data_subjects == 30
    assert any(loc.where.endswith("column 'Phone'") for loc in signals.content.locations)


def test_a_table_without_headers_is_classified_by_its_values(scan):
    rows = [[r["name"], r["email"], r["nhs"]] for r in CLIENTS[:60]]
    signals = scan("list.xlsx", sheet(rows))
    assert signals.content.data_subjects == 60
    assert signals.content.entities == {"PERSON": 60, "EMAIL_ADDRESS": 60, "UK_NHS": 60}
    assert any(loc.where.endswith("column 'C'") for loc in signals.content.locations)


def test_phone_numbers_stored_as_numbers_lose_their_zero_but_count(scan):
    rows = [["Client", "Mobile"]] + [[r["name"], 7700900000 + i] for i, r in enumerate(CLIENTS[:25])]
    signals = scan("list.xlsx", sheet(rows))
    assert signals.content.entities.get("PHONE_NUMBER") == 25


def test_ten_digit_numbers_are_nhs_numbers_only_when_nearly_all_check(scan):
    rng = random.Random(7)
    random_numbers = [[str(rng.randrange(10**9, 10**10))] for _ in range(100)]
    assert "UK_NHS" not in scan("numbers.xlsx", sheet([["Number"]] + random_numbers)).content.entities
    valid = [[r["nhs"]] for r in CLIENTS[:100]]
    assert scan("numbers.xlsx", sheet([["Number"]] + valid)).content.entities["UK_NHS"] == 100


def test_dates_of_birth_need_a_header(scan):
    import datetime

    dates = [datetime.date(1950 + i % 50, 1 + i % 12, 1 + i % 28) for i in range(40)]
    with_header = [["Name", "Date of birth"]] + [[r["name"], d] for r, d in zip(CLIENTS, dates)]
    assert scan("dob.xlsx", sheet(with_header)).content.entities["DATE_OF_BIRTH"] == 40
    without = [["Due"]] + [[d] for d in dates]
    assert scan("dates.xlsx", sheet(without)).content.data_subjects == 0


def test_postcodes_alone_are_not_people(scan):
    rows = [["Depot", "Postcode"]] + [[f"Depot {i}", pc] for i, pc in enumerate(["LS1 4AP", "M1 1AE", "B33 8TH"] * 10)]
    assert scan("depots.xlsx", sheet(rows)).content.data_subjects == 0


def test_postcode_and_date_of_birth_together_single_people_out(scan):
    rows = [["Postcode", "DOB"]] + [[pc, f"19{60 + i}-01-0{1 + i % 9}"] for i, pc in enumerate(["LS1 4AP", "M1 1AE", "B33 8TH"] * 5)]
    assert scan("quasi.xlsx", sheet(rows)).content.data_subjects == 15


def test_a_product_catalogue_holds_no_people(scan):
    rng = random.Random(3)
    rows = [["SKU", "Barcode", "Product", "Price", "Order no", "Supplier"]]
    for i in range(300):
        rows.append([
            f"SKU-{i:05d}", f"50{rng.randrange(10**10, 10**11)}", f"Widget model {i}", round(rng.uniform(1, 500), 2),
            f"0{rng.randrange(7 * 10**9, 8 * 10**9)}", rng.choice(["Acme Ltd", "Northern Supplies plc", "Bolt & Co"]),
        ])
    signals = scan("catalogue.xlsx", sheet(rows))
    assert signals.content.data_subjects == 0
    assert signals.content.entities == {}


def test_a_company_list_holds_no_people(scan):
    companies = ["Acme Widgets Ltd", "Northern Trains", "Jackson Plumbing Services", "Greggs plc", "Smith & Sons Builders",
                 "Leeds City Council", "Bright Futures Trust", "Oak Tree Surgery", "Patel Pharmacy", "Harper Collins Publishers"]
    rows = [["Company", "Switchboard", "Website"]] + [[c, f"0113 496 0{i:03d}", f"www.company{i}.co.uk"] for i, c in enumerate(companies * 5)]
    signals = scan("companies.xlsx", sheet(rows))
    assert signals.content.data_subjects == 0
    assert "PERSON" not in signals.content.entities


def test_a_company_list_with_towns_holds_no_people(scan):
    rng = random.Random(5)
    rows = [["Company", "Phone", "Town"]] + [
        [f"{rng.choice(['Northern', 'Apex', 'Riverside'])} {rng.choice(['Plumbing', 'Motors', 'Bakery'])} Ltd",
         f"0161 496 0{i:03d}", ["Bristol", "Leeds"][i % 2]]
        for i in range(60)
    ]
    signals = scan("suppliers.xlsx", sheet(rows))
    assert signals.content.data_subjects == 0
    assert "PERSON" not in signals.content.entities


def test_a_list_of_depots_by_county_holds_no_people(scan):
    rows = [["Depot", "County"]] + [[f"D{i}", ["Kent", "Essex", "Devon", "Surrey", "Norfolk"][i % 5]] for i in range(50)]
    signals = scan("depots.xlsx", sheet(rows))
    assert signals.content.data_subjects == 0
    assert "PERSON" not in signals.content.entities


# Towns that start with a given name ("Milton", "Newton") pass the value check a name column needs.
TOWNS = ["Milton Keynes", "Newton Abbot", "Ashton under Lyne", "Carlton Colville", "Clayton West", "Stanley"]


@pytest.mark.parametrize("header", ["Town", "Site name", "Customer county", "Branch", "Country of birth", "Ward"])
def test_a_header_naming_a_place_rules_out_people(scan, header):
    rows = [["Ref", header]] + [[f"R{i}", TOWNS[i % len(TOWNS)]] for i in range(48)]
    assert "PERSON" not in scan("places.xlsx", sheet(rows)).content.entities


def test_a_place_header_below_a_title_row_is_found(scan):
    rows = [["Sites, July 2013"], [], ["Code", "Town"]] + [[f"S{i}", TOWNS[i % len(TOWNS)]] for i in range(48)]
    assert "PERSON" not in scan("places.xlsx", sheet(rows)).content.entities


@pytest.mark.parametrize("header", ["Site contact", "Branch manager", "Area officer"])
def test_a_person_named_after_a_place_word_is_a_person(scan, header):
    rows = [["Site", header]] + [[f"Depot {i}", r["name"]] for i, r in enumerate(CLIENTS[:30])]
    signals = scan("contacts.xlsx", sheet(rows))
    assert signals.content.entities.get("PERSON") == 30


def test_a_column_of_single_words_without_a_header_is_not_people(scan):
    words = ["Chester", "Lincoln", "Preston", "Bradford", "Douglas", "Kent", "Devon", "Leeds", "Bristol", "Morley"]
    signals = scan("list.xlsx", sheet([[w] for w in words * 5]))
    assert "PERSON" not in signals.content.entities
    assert signals.content.data_subjects == 0


@pytest.mark.parametrize("header", ["Surname", "Last name", "Family name"])
def test_a_column_of_surnames_under_a_name_header_counts(scan, header):
    rows = [["Ref", header, "Email"]] + [
        [f"R{i}", r["name"].split()[-1], r["email"]] for i, r in enumerate(CLIENTS[:40])
    ]
    signals = scan("staff.xlsx", sheet(rows))
    assert signals.content.entities.get("PERSON") == 40
    assert signals.content.data_subjects == 40


def test_company_names_without_a_header_are_not_people(scan):
    names = ["Acme Widgets Ltd", "Northern Trains", "Jackson Plumbing Services", "Greggs plc", "Bright Futures Trust"] * 8
    assert "PERSON" not in scan("orgs.xlsx", sheet([[n] for n in names])).content.entities


def test_contact_people_of_companies_are_people(scan):
    rows = [["Company", "Contact name", "Direct line"]] + [
        [f"Supplier {i} Ltd", r["name"], f"020 7946 0{i:03d}"] for i, r in enumerate(CLIENTS[:20])
    ]
    assert scan("contacts.xlsx", sheet(rows)).content.data_subjects == 20


def test_custom_pattern_column(scan):
    policy = Policy.model_validate({"custom_patterns": [{"name": "case ref", "pattern": r"ILS/[A-Z]{3}/\d{5}"}]})
    rows = [["Ref", "Review"]] + [[r["ref"], "2013-07-15"] for r in CLIENTS[:80]]
    signals = scan("refs.xlsx", sheet(rows), policy=policy)
    assert signals.content.custom_patterns == {"case ref": 80}
    assert signals.content.data_subjects == 80


def test_special_category_column(scan):
    rows = [["Name", "Email", "Diagnosis"]] + [[r["name"], r["email"], "Type 2" if i % 2 else ""] for i, r in enumerate(CLIENTS[:40])]
    signals = scan("list.xlsx", sheet(rows))
    assert signals.content.special_categories == {"health": 20}


def test_special_category_terms_in_a_notes_column(scan):
    notes = ["HIV positive, attends clinic", "no issues", "", "asylum seeker", "prefers mornings"]
    rows = [["Name", "Email", "Notes"]] + [[r["name"], r["email"], notes[i % 5]] for i, r in enumerate(CLIENTS[:50])]
    assert scan("clients.xlsx", sheet(rows)).content.special_categories == {"health": 10}


def test_special_category_from_the_sheet_name(scan):
    rows = [["Name", "Email"]] + [[r["name"], r["email"]] for r in CLIENTS[:12]]
    signals = scan("list.xlsx", files.xlsx(("HIV clinic patients", rows, {})))
    assert signals.content.special_categories == {"health": 12}


def test_special_category_from_the_file_name(scan):
    rows = [["Name", "Email"]] + [[r["name"], r["email"]] for r in CLIENTS[:12]]
    assert scan("mental-health-referrals.xlsx", sheet(rows)).content.special_categories == {"health": 12}


def test_ethnicity_religion_and_offences_headers(scan):
    rows = [["Name", "Email", "Ethnicity", "Religion", "Offence"]] + [
        [r["name"], r["email"], "White British", "None", "Theft"] for r in CLIENTS[:5]
    ]
    assert scan("x.xlsx", sheet(rows)).content.special_categories == {"criminal": 5, "ethnicity": 5, "religion": 5}


def test_a_file_about_its_recipient(scan):
    rows = [["Name", "Email", "Phone"], ["Amelia Okafor", "amelia@gmail.com", "07700 900001"]]
    about = scan("mine.xlsx", sheet(rows), to=["Amelia Okafor <amelia@gmail.com>"])
    assert about.content.about_recipient
    other = scan("mine.xlsx", sheet(rows), to=["someone.else@gmail.com"])
    assert not other.content.about_recipient
