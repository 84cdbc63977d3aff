"""Address headers of .eml files are read in one pass and agree with the standard library's parser."""

from __future__ import annotations

import email
import email.policy
import email.utils

import pytest

from sendward.drafts.eml import addresses, parse_eml

TRICKY = [
    b'"Smith, John" <john@example.org>, "Doe, Jane" <jane@example.org>',
    b'Friends: a@example.org, "B, b" <b@example.org>;, c@example.org',
    b"undisclosed-recipients:;",
    b"=?utf-8?q?Zo=C3=AB_Smith?= <zoe@example.org>",
    b"=?utf-8?b?SsO2cmc=?= <j@example.org>, =?iso-8859-1?q?Fran=E7ois?= <f@example.org>",
    b'"=?utf-8?q?Zo=C3=AB?=" <zoe@example.org>',
    b"=?utf-8?q?Smith=2C_John?= <js@example.org>",
    b"=?x-no-such-charset?q?Odd?= <odd@example.org>",
    b"Alice <a@example.org>,\r\n\tBob <b@example.org>,\r\n Carol <c@example.org>",
    "Zoë Ørsted <z@example.org>".encode(),
    b'"quoted \\"name\\"" <q@example.org>',
    b"<bare@example.org>, bare2@example.org",
    b"Alice <a@example.org>, , Bob <b@example.org>",
    b"Mr. Smith <s@example.org>",
    b'"a@b" <x@example.org>',
]


def _message(header_value: bytes):
    raw = b"From: Sender <sender@example.org>\r\nTo: " + header_value + b"\r\nSubject: s\r\n\r\nbody\r\n"
    return email.message_from_bytes(raw, policy=email.policy.default)


def _stdlib(header_value: bytes) -> list[tuple[str, str]]:
    """What email.policy.default's header parser makes of the header (the slow reference)."""
    values = [str(v) for v in _message(header_value).get_all("to", [])]
    return [(name.strip(), address.strip()) for name, address in email.utils.getaddresses(values) if address]


@pytest.mark.parametrize("header_value", TRICKY)
def test_the_linear_parser_agrees_with_the_standard_library(header_value):
    ours = [(a.name, a.address) for a in addresses(_message(header_value), "to")]
    assert ours == _stdlib(header_value)
    assert ours or header_value.endswith(b":;")


def test_a_comment_after_an_address_is_kept_as_its_name():
    # the one difference, chosen: RFC 822 mail wrote "a@example.org (Alice)"
    assert [(a.name, a.address) for a in addresses(_message(b"a@example.org (Alice)"), "to")] == [
        ("Alice", "a@example.org")
    ]


def test_an_empty_group_before_an_address_is_read_where_the_standard_library_fails():
    try:
        expected = _stdlib(b"Team: ; Other <o@example.org>")
    except AttributeError:  # Python 3.11's headerregistry trips on it
        expected = [("Other", "o@example.org")]
    assert [(a.name, a.address) for a in addresses(_message(b"Team: ; Other <o@example.org>"), "to")] == expected


def test_a_header_set_through_the_api_is_read_too():
    message = email.message.EmailMessage()
    message["To"] = "Zoë <z@example.org>, \"Doe, Jane\" <jane@example.org>"
    assert [(a.name, a.address) for a in addresses(message, "to")] == [
        ("Zoë", "z@example.org"), ("Doe, Jane", "jane@example.org")
    ]


def test_twenty_thousand_recipients_are_all_read(monkeypatch):
    # the policy's own address parser is never asked (it is quadratic in the header's length)
    from email import _header_value_parser

    def refuse(*args, **kwargs):
        raise AssertionError("email.policy.default parsed an address header")

    monkeypatch.setattr(_header_value_parser, "get_address_list", refuse)
    to = ",\r\n ".join(f'"Client, {i}" <client{i}@example{i % 40}.org>' for i in range(20_000))
    raw = f"From: a@example.org\r\nTo: {to}\r\nCc: =?utf-8?q?Zo=C3=AB?= <z@example.org>\r\nSubject: s\r\n\r\nhi\r\n"
    draft = parse_eml(raw.encode())
    assert len(draft.to) == 20_000 and draft.to[-1].address == "client19999@example39.org"
    assert draft.to[0].name == "Client, 0" and draft.cc[0].name == "Zoë"
    assert draft.sender.address == "a@example.org"


def test_the_common_shape_is_read_by_the_fast_path_exactly_as_getaddresses_reads_it():
    import random

    from sendward.drafts.eml import _simple_list

    rng = random.Random(16)
    names = ['Ann Example', "Seán O'Brien", "Mary-Jane  Smith", '"Smith, John"', '"Quoted \\"Nick\\" Name"',
             "", '"  spaced  "', "Bob", '"a@b"', '"Dr; Who"']
    addresses_ = ["ann@example.org", "o'brien+tag@mail.example.co.uk", "x.y-z@EXAMPLE.ORG", "a@b"]
    fast = 0
    for _ in range(400):
        entries = []
        for _ in range(rng.randint(1, 6)):
            name, address = rng.choice(names), rng.choice(addresses_)
            entries.append(f"{name} <{address}>" if name and rng.random() < 0.8 else address)
        value = rng.choice([", ", ",", ",\r\n ", " , "]).join(entries)
        expected = [(n, a) for n, a in email.utils.getaddresses([value])]
        ours = _simple_list(value)
        if ours is not None:
            fast += 1
            assert ours == expected, value
    assert fast > 100  # most values take the fast path


@pytest.mark.parametrize("value", [
    'Team: a@example.org;', "a@example.org (Alice)", "=?utf-8?q?Zo=C3=AB?= <z@example.org>",
    '"unclosed <a@example.org>', "a@example.org,,b@example.org", "Mr. Smith <s@example.org>",
])
def test_anything_else_goes_to_getaddresses(value):
    from sendward.drafts.eml import _simple_list

    assert _simple_list(value) is None


@pytest.mark.parametrize("hostile", [
    " " * 200_000,
    '"' + "x, " * 70_000,  # a quote never closed
    '"a" ' * 50_000,
    "word " * 40_000 + "no angle",
    "a" * 200_000 + "@",
    "\\" * 200_001,
])
def test_hostile_values_are_read_in_one_pass(hostile):
    # a pattern that rescans the rest of the value at each position would take hours here
    from sendward.drafts.eml import _simple_list

    assert _simple_list(hostile) in (None, [])
