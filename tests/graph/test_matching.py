"""Matching the add-in's attachment ids to the saved draft's attachments (pure)."""

from sendward.adapters.graph.attachments import Listed, match, rest_id, sharing_token
from sendward.domain.draft import Attachment

LISTED = [Listed("AAMk-1_a=", "a.txt", "file", 10), Listed("AAMk-2", "b.txt", "file", 20),
          Listed("AAMk-3", "b.txt", "file", 30)]


def test_ews_ids_become_rest_ids():
    assert rest_id(" AAMk/1+a= ") == "AAMk-1_a="


def test_ids_match_first_then_unique_names_then_nothing():
    wanted = [Attachment("renamed.txt", id="AAMk/1+a="), Attachment("b.txt", id="7", size=30),
              Attachment("b.txt", id="8"), Attachment("c.txt", id="9")]
    assert [m.id if m else None for m in match(wanted, LISTED)] == ["AAMk-1_a=", "AAMk-3", "AAMk-2", None]


def test_an_ambiguous_name_is_never_guessed():
    assert match([Attachment("b.txt", id="7")], LISTED) == [None]


def test_sharing_urls_are_encoded_as_microsoft_documents():
    # learn.microsoft.com/graph/api/shares-get: base64url without padding, prefixed with u!
    assert sharing_token("https://onedrive.live.com/redir?resid=1231244193912!12&authKey=1201919!12921!1") == (
        "u!aHR0cHM6Ly9vbmVkcml2ZS5saXZlLmNvbS9yZWRpcj9yZXNpZD0xMjMxMjQ0MTkzOTEyITEyJmF1dGhLZXk9MTIwMTkxOSExMjkyMSEx"
    )
