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


def describe_entities(entities: dict[str, int], most: int = 3, custom: dict[str, int] | None = None) -> str:
    """'163 names, 163 phone numbers' for the commonest kinds found.

    ``custom``: tenant identifiers by pattern name, named as policy.custom_pattern
    names them ('5 × ILS case reference').
    """
    labelled = [(count, f"{count:,} {ENTITY_WORDS.get(kind, kind.lower())}") for kind, count in entities.items()]
    labelled += [(count, f"{count:,} × {name}") for name, count in (custom or {}).items()]
    ranked = sorted(labelled, key=lambda item: (-item[0], item[1]))[:most]
    return ", ".join(label for _, label in ranked)


def describe_content(content) -> str:
    """' (163 names, 5 × ILS case reference)' for what one attachment or body holds, '' when nothing is named."""
    described = describe_entities(content.entities, custom=content.custom_patterns)
    return f" ({described})" if described else ""
