"""Scan results kept in a shared cache come back equal to what was scanned."""

from dataclasses import replace

from sendward.adapters.cache.key_value import MemoryKeyValueCache
from sendward.adapters.cache.scan_results import KeyValueScanCache, decode, encode
from sendward.domain.signals import AttachmentSignals, ContentSignals, Location

SIGNALS = AttachmentSignals(
    name="clients.xlsx",
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    size=5120,
    content=ContentSignals(
        data_subjects=163,
        entities={"PERSON": 163, "PHONE_NUMBER": 160},
        special_categories={"health": 4},
        custom_patterns={"case reference": 163},
        hidden_data_subjects=12,
        locations=(
            Location("sheet 'Clients', column 'Phone'", "PHONE_NUMBER", 160),
            Location("sheet 'Old'", "PERSON", 12, hidden="hidden_sheet"),
        ),
    ),
    content_hash="ab" * 32,
)


def nameless(signals):
    return replace(signals, name="", content_type="")


def test_signals_survive_the_round_trip():
    assert decode(encode(SIGNALS)) == nameless(SIGNALS)


def test_an_unscanned_result_survives_too():
    failed = AttachmentSignals(name="x.zip", scanned=False, error="it is encrypted", error_code="encrypted")
    assert decode(encode(failed)) == nameless(failed)


def test_the_cache_keeps_no_file_name():
    """A name can name a person; the scorer gives a hit the name of the file it answers for."""
    store = MemoryKeyValueCache()
    KeyValueScanCache(store).put("scan:k", SIGNALS)
    assert b"clients.xlsx" not in store.get("scan:k")
    assert KeyValueScanCache(store).get("scan:k") == nameless(SIGNALS)


def test_an_entry_in_another_format_is_a_miss():
    store = MemoryKeyValueCache()
    cache = KeyValueScanCache(store)
    cache.put("scan:k", SIGNALS)
    assert cache.get("scan:k").content == SIGNALS.content
    store.set("scan:k", b'{"v": 0, "signals": {}}', 60)
    assert cache.get("scan:k") is None
    store.set("scan:k", b"not json", 60)
    assert cache.get("scan:k") is None


def test_a_file_that_could_not_be_read_is_not_kept():
    """Its reason can quote a name inside an archive ("'Jane Doe.docx' in the archive is password-protected")."""
    store = MemoryKeyValueCache()
    failed = AttachmentSignals(
        name="x.zip", scanned=False, error="'Jane Doe.docx' in the archive is password-protected", error_code="encrypted"
    )
    KeyValueScanCache(store).put("scan:k", failed)
    assert store.get("scan:k") is None
