"""Minimal Outlook .msg files for tests (MS-OXMSG), written with extract-msg's OLE writer."""

from __future__ import annotations

import io
import struct

from extract_msg.ole_writer import OleWriter

PT_LONG, PT_UNICODE, PT_BINARY = 0x0003, 0x001F, 0x0102
RECIPIENT_TYPES = {"to": 1, "cc": 2, "bcc": 3}


def _string(text: str) -> bytes:
    return text.encode("utf-16-le")


def _long_property(prop_id: int, value: int) -> bytes:
    tag = (prop_id << 16) | PT_LONG
    return struct.pack("<IIi4x", tag, 0x6, value)


def _top_header(recipients: int, attachments: int) -> bytes:
    return struct.pack("<8xIIII8x", recipients, attachments, recipients, attachments)


def build_msg(
    subject: str,
    body: str,
    sender: str = "ils@northshire.gov.uk",
    recipients=(),
    attachments=(),
) -> bytes:
    """recipients: [(field, address, name)]; attachments: [(filename, bytes)]."""
    writer = OleWriter()
    writer.addEntry("__substg1.0_001A001F", _string("IPM.Note"))
    writer.addEntry("__substg1.0_0037001F", _string(subject))
    writer.addEntry("__substg1.0_1000001F", _string(body))
    writer.addEntry("__substg1.0_0C1F001F", _string(sender))
    writer.addEntry("__substg1.0_0065001F", _string(sender))
    writer.addEntry("__substg1.0_0C1A001F", _string(sender.split("@")[0]))
    writer.addEntry("__substg1.0_5D01001F", _string(sender))
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        writer.addEntry(f"__nameid_version1.0/{stream}", b"")
    for index, (field, address, name) in enumerate(recipients):
        storage = f"__recip_version1.0_#{index:08X}"
        writer.addEntry(storage, storage=True)
        writer.addEntry(f"{storage}/__substg1.0_3001001F", _string(name))
        writer.addEntry(f"{storage}/__substg1.0_3003001F", _string(address))
        writer.addEntry(f"{storage}/__substg1.0_39FE001F", _string(address))
        writer.addEntry(f"{storage}/__properties_version1.0", b"\0" * 8 + _long_property(0x0C15, RECIPIENT_TYPES[field]))
    for index, (filename, data) in enumerate(attachments):
        storage = f"__attach_version1.0_#{index:08X}"
        writer.addEntry(storage, storage=True)
        writer.addEntry(f"{storage}/__substg1.0_3707001F", _string(filename))
        writer.addEntry(f"{storage}/__substg1.0_3704001F", _string(filename[:8]))
        writer.addEntry(f"{storage}/__substg1.0_37010102", data)
        writer.addEntry(f"{storage}/__properties_version1.0", b"\0" * 8 + _long_property(0x3705, 1))
    writer.addEntry("__properties_version1.0", _top_header(len(recipients), len(attachments)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
