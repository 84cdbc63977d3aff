"""Names of the kinds of personal data, as Presidio calls them and as people read them."""

ENTITY_WORDS = {
    "PERSON": "names",
    "EMAIL_ADDRESS": "e-mail addresses",
    "PHONE_NUMBER": "phone numbers",
    "UK_POSTCODE": "postcodes",
    "LOCATION": "postal addresses",
    "DATE_OF_BIRTH": "dates of birth",
    "UK_NHS": "NHS numbers",
    "UK_NINO": "National Insurance numbers",
    "UK_PASSPORT": "passport numbers",
    "UK_DRIVING_LICENCE": "driving licence numbers",
    "UK_BANK_ACCOUNT": "bank account numbers",
    "IBAN_CODE": "IBANs",
    "CREDIT_CARD": "card numbers",
    "CUSTOM": "tenant identifiers",
}


def describe_entities(entities: dict[str, int], most: int = 3) -> str:
    """'163 names, 163 phone numbers' for the commonest kinds found."""
    ranked = sorted(entities.items(), key=lambda item: (-item[1], item[0]))[:most]
    return ", ".join(f"{count:,} {ENTITY_WORDS.get(kind, kind.lower())}" for kind, count in ranked)
