"""What an override's justification keeps: the reason, not the identifiers a sender may paste in."""

import pytest

from sendward.domain.policy import Policy
from sendward.services.audit import decision_record, redact_justification
from tests.builders import draft, evaluate_recipients


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Agreed with jane.doe@gmail.com by phone", "Agreed with [email] by phone"),
        ("NHS 943-476-5919 confirmed", "NHS [number] confirmed"),
        ("Sort code 12-34-56, account 12345678", "Sort code [number], account [number]"),
        ("Her address is in SW1A 1AA", "Her address is in [postcode]"),
    ],
)
def test_identifiers_are_redacted(written, kept):
    assert redact_justification(written) == kept


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Called her on 07700 900123 first", "Called her on [phone] first"),
        ("Ring +44 (0)20 7946 0018 to confirm", "Ring [phone] to confirm"),
        ("Her mobile is 07700–900–123.", "Her mobile is [phone]."),  # en dashes
        ("Desk (0117) 496 0123 ext 4 agreed", "Desk [phone] agreed"),
        ("Family in Lagos, +234 803 123 4567", "Family in Lagos, [phone]"),
    ],
)
def test_phone_numbers_are_redacted(written, kept):
    assert redact_justification(written) == kept


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Agreed with Sarah Jones by phone", "Agreed with [name] by phone"),
        ("Grace Campbell and Mohammed Khan asked for it", "[name] and [name] asked for it"),
        ("Sent at the request of JONES, Sarah", "Sent at the request of [name]"),
        ("Liam Jones needs the list today", "[name] needs the list today"),
        ("Sarah J. Jones signed it off", "[name] signed it off"),
    ],
)
def test_names_are_redacted(written, kept):
    assert redact_justification(written) == kept


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Mrs Smith asked for a copy", "[name] asked for a copy"),
        ("Approved by Dr Priya Shah", "Approved by [name]"),
        ("Mr. O'Neil agreed", "[name] agreed"),
        ("Cllr Smith-Jones wants it today", "[name] wants it today"),
    ],
)
def test_titles_with_names_are_redacted(written, kept):
    assert redact_justification(written) == kept


def test_everything_at_once():
    written = "Mrs Okafor (jo@example.org, 07700 900123, NHS 943 476 5919) and Sam Evans at B1 1AA"
    assert redact_justification(written) == "[name] ([email], [phone], NHS [number]) and [name] at [postcode]"


@pytest.mark.parametrize(
    "sentence",
    [
        "Sent to the care team at the partner trust, agreed with the DPO",
        "Our partners need this by 2026 for the 12 families",
        "Agreed with Legal Services on 3 March",
        "The Head Teacher approved it",
        "Approved by the Data Protection Officer",
        "Sent to Adult Social Care under the information sharing agreement",
        "Agreed at the Safeguarding Board meeting",
        "Requested by Children's Services for the Christmas Day rota on Ward 7",
        "Cleared with Information Governance, see ticket 4512",
        "Police asked for it under Schedule 2 of the Data Protection Act 2018",
    ],
)
def test_ordinary_justifications_are_kept_as_written(sentence):
    assert redact_justification(sentence) == sentence


def test_message_keys_tell_a_resend_to_other_recipients_without_naming_anything():
    from sendward.domain.draft import Address, Body, Draft
    from sendward.services.audit import message_keys

    first = Draft(to=(Address("john.smith@gmail.com"),), subject="Referral for J", body=Body(content="hello"))
    fixed = Draft(to=(Address("John.Smith@partner.org"),), subject="Referral for J", body=Body(content="hello"))
    a, b = message_keys(b"k", "t", "u1", first), message_keys(b"k", "t", "u1", fixed)
    assert a["content"] == b["content"] and a["recipients"] != b["recipients"]
    assert message_keys(b"k", "t", "u2", first)["content"] != a["content"]  # per user
    assert message_keys(b"other", "t", "u1", first) != a  # keyed
    assert all(len(v) == 12 and "gmail" not in v for v in a.values())


def test_the_audit_record_keeps_counts_not_domains():
    """The verdict names the inside domains for the add-in; the audit record keeps counts only."""
    policy = Policy(internal_domains=["northshire.gov.uk"], trusted_domains=["partner-trust.org.uk"])
    verdict = evaluate_recipients(draft(to=["a@gmail.com"]), policy)
    record = decision_record(verdict, tenant_id="tenant-a", user="u")
    assert "internal_domains" not in record.counts["recipients"]
    assert "partner-trust" not in repr(record)


# -- issue 14: what got past the redaction -------------------------------------------------------


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Agreed with Siobhán Ní Bhriain by phone", "Agreed with [name] by phone"),
        ("Seán Ó Súilleabháin asked for it", "[name] asked for it"),
        ("Approved by Pádraig O'Connor", "Approved by [name]"),
        ("Sent at the request of José García", "Sent at the request of [name]"),
        ("Zoë Müller needs it today", "[name] needs it today"),
        ("Cleared with Sarah Kowalczyk", "Cleared with [name]"),
        ("Asked by Aoife Nic Giolla Phádraig", "Asked by [name]"),
    ],
)
def test_irish_and_other_full_names_are_redacted(written, kept):
    assert redact_justification(written) == kept


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Write to john dot smith at gmail dot com instead", "Write to [email] instead"),
        ("Copy jo.bloggs [at] example [dot] org please", "Copy [email] please"),
        ("Reply to amy(at)northshire(dot)gov(dot)uk", "Reply to [email]"),
        ("Send to jane.doe @ gmail.com", "Send to [email]"),
    ],
)
def test_spelt_out_email_addresses_are_redacted(written, kept):
    assert redact_justification(written) == kept


@pytest.mark.parametrize(
    "written",
    [
        "Client born on the third of March nineteen eighty-five",
        "Date of birth 3rd March 1985, checked",
        "Her DOB is the twelfth of June",
        "Born March 3rd, 1985",
    ],
)
def test_dates_of_birth_in_words_are_redacted(written):
    kept = redact_justification(written)
    assert not any(w in kept.lower() for w in ("march", "june", "1985", "eighty", "twelfth", "third"))
    assert "[date" in kept


@pytest.mark.parametrize(
    "written, gone",
    [
        ("Address is 12 Main Street, agreed", "12 Main Street"),
        ("Lives at Flat 3, 45 Station Road", "45 Station Road"),
    ],
)
def test_street_addresses_are_redacted(written, gone):
    assert gone not in redact_justification(written)
    assert "[address]" in redact_justification(written)


def test_justifications_are_cut_to_their_longest():
    from sendward.services.audit import MAX_JUSTIFICATION_CHARS

    assert len(redact_justification("the reason " * 500)) == MAX_JUSTIFICATION_CHARS


@pytest.mark.parametrize("written", ["Reply to jane.doe＠gmail.com", "Reply to jane.doe@@gmail.com"])
def test_look_alike_at_signs_do_not_keep_an_address(written):
    kept = redact_justification(written)
    assert "jane" not in kept.lower() and "[email]" in kept
