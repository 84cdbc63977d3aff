import pytest

from sendward.signals.lookalike import lookalike_kind, one_edit_apart, skeleton


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("northshire", "northshire", False),
        ("northshire", "northshre", True),  # deletion
        ("northshire", "northsshire", True),  # insertion
        ("northshire", "northshlre", True),  # substitution
        ("northshire", "nrothshire", True),  # adjacent swap
        ("northshire", "southshire", False),
        ("abc", "abcde", False),
        ("", "a", True),
    ],
)
def test_one_edit_apart(a, b, expected):
    assert one_edit_apart(a, b) is expected
    assert one_edit_apart(b, a) is expected


def test_skeleton_folds_look_alike_characters():
    assert skeleton("northshlre.gov.uk") == skeleton("northshire.gov.uk")
    assert skeleton("rnicrosoft.com") == skeleton("microsoft.com")
    assert skeleton("xn--nrthshire-6vh.gov.uk") != ""  # punycode decodes without error


def test_punycode_homoglyph_domain_is_caught():
    cyrillic = "nоrthshire.gov.uk".encode("idna").decode()
    assert cyrillic.startswith("xn--")
    assert lookalike_kind(cyrillic, "northshire.gov.uk") == "homoglyph"


def test_short_names_need_more_than_one_edit():
    assert lookalike_kind("nhs.uk", "nhx.uk") is None
    assert lookalike_kind("nhs-uk.com", "nhs.uk") is None


def test_the_protected_domain_inside_a_longer_one_is_a_prefix():
    assert lookalike_kind("northshire.gov.uk.attacker.com", "northshire.gov.uk") == "prefix"
    assert lookalike_kind("nhs.net.attacker.com", "nhs.net") == "prefix"  # short names too: the whole domain is there


def test_a_one_label_suffix_gives_no_embedded_suffix_swap():
    assert lookalike_kind("acme.example.com", "acmecorp.com") is None
    assert lookalike_kind("acmecorp.zendesk.com", "acmecorp.com") is None


def test_a_real_subdomain_is_no_lookalike():
    assert lookalike_kind("social.northshire.gov.uk", "northshire.gov.uk") is None
