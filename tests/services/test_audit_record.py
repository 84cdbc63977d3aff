"""What an override's justification keeps: the reason, not the identifiers a sender may paste in."""

import pytest

from sendguard.services.audit import redact_justification


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Agreed with jane.doe@gmail.com by phone", "Agreed with [email] by phone"),
        ("Called her on 07700 900123 first", "Called her on [number] first"),
        ("NHS 943-476-5919 confirmed", "NHS [number] confirmed"),
        ("Her address is in SW1A 1AA", "Her address is in [postcode]"),
        (
            "Our partners need this by 2026 for the 12 families",
            "Our partners need this by 2026 for the 12 families",
        ),
    ],
)
def test_identifiers_are_redacted(written, kept):
    assert redact_justification(written) == kept
