"""Each recognizer: values it must find, and near-misses it must not."""

from datetime import date, datetime

import pytest

from sendward.detection.recognizers import load_recognizers


def recognizer(entity):
    return next(r for r in load_recognizers() if r.ENTITY == entity)


CASES = {
    "UK_NHS": (["943 476 5919", "9434765919", "943-476-5919"], ["943 476 5918", "000 000 0000", "07700 900123", "12345"]),
    "UK_NINO": (["AB 12 34 56 C", "AB123456C", "JG103759A"], ["BG123456C", "AB123456E", "DA123456C", "ab123456c", "AB12345C"]),
    "UK_POSTCODE": (["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB"], ["QQ1 1AA", "12345", "SW1A 1AAA", "sw1a 1aa"]),
    "EMAIL_ADDRESS": (["jo.bloggs@example.org", "a+b@nhs.net", "X_Y@sub.domain.co.uk"], ["jo@localhost", "a@b", "not an email", "jo@example.invalidtld"]),
    "UK_DRIVING_LICENCE": (["MORGA657054SM9IJ", "JONES710238HA3DX"], ["MORGA657054SM9I", "12345678901234567"]),
    "CREDIT_CARD": (
        ["4111 1111 1111 1111", "4111111111111111", "5500-0000-0000-0004", "378282246310005", "6011 1111 1111 1117"],
        # Luhn fails by one digit; too short; a 13-digit barcode; all zeros
        ["4111 1111 1111 1112", "5500 0000 0000 0005", "1234 5678 9012 3456", "4111 1111 1111", "5012345678900",
         "0000 0000 0000 0000"],
    ),
    "IBAN_CODE": (
        ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "gb82west12345698765432",
         "DE89 3704 0044 0532 0130 00", "FR14 2004 1010 0505 0001 3M02 606"],
        # mod-97 fails by one digit; truncated; no such country; hyphens; an e-mail address
        ["GB82 WEST 1234 5698 7654 33", "DE89 3704 0044 0532 0130 01", "GB82 WEST 1234", "XX82WEST12345698765432",
         "GB82-WEST-1234-5698-7654-32", "FATIMA.TAYLOR0@EXAMPLE.COM"],
    ),
    # Strict (no header): two or more words starting with a given name, no organisation word.
    "PERSON": (
        ["Sarah Jones", "JAMES SMITH", "Smith, John", "Priya Shah", "Mary Ann Evans"],
        ["Smith", "Leeds", "sarah", "Sarah Jones 2", "Jackson Plumbing Ltd", "Northern Trains", "Leeds City Council",
         "Smith, Plumbing", "Widget Blue"],
    ),
    "PHONE_NUMBER": (["07912 345678", "+44 7912 345678", "020 7946 0958", "0113 496 0123", "+33 1 23 45 67 89"], ["5012345678900", "123456", "ORD-2024-000123", "£1,234.56"]),
}


def assert_judged(entity, cases, strict):
    positives, negatives = cases[entity]
    found = recognizer(entity)
    for value in positives:
        assert found.matches_value(value, strict=strict), value
    for value in negatives:
        assert not found.matches_value(value, strict=strict), value


@pytest.mark.parametrize("entity", sorted(CASES))
def test_whole_cell_values(entity):
    assert_judged(entity, CASES, strict=True)


# Judged only under their own column header (tables.NEEDS_HEADER) or, for PERSON, a name header.
HEADED_CASES = {
    "UK_PASSPORT": (
        ["123456789", "AB1234567", " 123456789 "],
        ["12345678", "1234567890", "A1234567", "AB123456", "ab1234567", "AB 1234567", "123 456 789"],
    ),
    "UK_BANK_ACCOUNT": (
        ["20-00-00 12345678", "20 00 00 12345678", "20-00-00, 12345678", "20-00-00", "12345678"],
        ["1234567", "123456789", "20/00/00", "200000", "20-00-00-12345678", "20-00-0 12345678"],
    ),
    "DATE_OF_BIRTH": (
        [date(1985, 3, 12), datetime(1985, 3, 12), "12/03/1985", "4 July 1979", "July 4, 1979", "1979-07-04",
         "12.03.85", "1985-03-12 00:00:00"],
        [date(1850, 1, 1), date(date.today().year + 1, 1, 1), "13/1985", "1985", "next Tuesday",
         "12/03/1985 and 4 July", "2013-07-15 09:30"],
    ),
    "PERSON": (
        ["Smith", "Okafor", "O'Neil", "Smith-Jones", "Nguyen Van An"],
        ["", "x", "Acme Ltd", "12 Main Street", "Leeds City Council", "Patel Pharmacy"],
    ),
}


@pytest.mark.parametrize("entity", sorted(HEADED_CASES))
def test_cell_values_under_a_header(entity):
    assert_judged(entity, HEADED_CASES, strict=False)


TEXT_CASES = [
    ("UK_NHS", "Her NHS number is 943 476 5919.", True),
    ("UK_NHS", "Order 943 476 5918 shipped.", False),
    ("UK_NINO", "National insurance: QQ 12 34 56 C", False),
    ("UK_NINO", "NI number AB 12 34 56 C on file", True),
    ("PHONE_NUMBER", "Call me on 020 7946 0958 tomorrow", True),
    ("PHONE_NUMBER", "Barcode 5012345678900 in stock", False),
    ("EMAIL_ADDRESS", "Write to jo.bloggs@example.org please", True),
    ("DATE_OF_BIRTH", "DOB: 12/03/1985", True),
    ("DATE_OF_BIRTH", "Date of birth 4 July 1979", True),
    ("DATE_OF_BIRTH", "The meeting is on 12/03/1985.", False),
    ("UK_PASSPORT", "Passport number 123456789 expires soon", True),
    ("UK_PASSPORT", "Reference 123456789 for the invoice", False),
    ("UK_BANK_ACCOUNT", "Sort code and account: 20-00-00 12345678", True),
    ("UK_BANK_ACCOUNT", "Invoice 12345678 is due", False),
    ("PERSON", "Dear Sarah Jones, thank you", True),
    ("PERSON", "Mr Okafor called", True),
    ("PERSON", "JONES, Sarah (client)", True),
    ("PERSON", "Jackson Plumbing Ltd will quote", False),
    ("PERSON", "Northern Trains are late again", False),
    ("LOCATION", "She lives at 14 Acacia Avenue, Leeds", True),
    ("LOCATION", "We ordered 14 apples", False),
]


@pytest.mark.parametrize("entity, text, expected", TEXT_CASES)
def test_running_text(scanner, entity, text, expected):
    results = scanner.analyzer.analyze(text, language="en", entities=[entity], score_threshold=0.4)
    assert bool(results) is expected, (text, results)


def test_registry_loads_one_recognizer_per_entity():
    entities = [r.ENTITY for r in load_recognizers()]
    assert len(entities) == len(set(entities))
    assert {"PERSON", "PHONE_NUMBER", "UK_NHS", "UK_NINO", "UK_POSTCODE", "EMAIL_ADDRESS"} <= set(entities)


def test_a_date_followed_by_a_number_is_not_a_payment_card():
    """PDF text often keeps one space between fields: the year of a date of birth and the NHS number
    after it are not a 14-digit card number, though they pass the Luhn check."""
    from sendward.detection.recognizers.payment_card import PaymentCardRecognizer

    recognizer = PaymentCardRecognizer()
    text = "Yusuf Dunn 25/06/1994 944 610 9248"
    assert recognizer.analyze("1994 944 610 9248", ["CREDIT_CARD"]), "the digits alone do pass as a card"
    assert recognizer.analyze(text, ["CREDIT_CARD"]) == []
    assert recognizer.analyze("Card 4111 1111 1111 1111 expires 08/27", ["CREDIT_CARD"])
