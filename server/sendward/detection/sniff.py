"""Which format a file is, from its first bytes first and its name second."""

from __future__ import annotations

import io
import zipfile

from sendward.drafts.msg import OLE_SIGNATURE

_BY_EXTENSION = {
    "xlsx": "xlsx", "xlsm": "xlsx", "xltx": "xlsx", "xltm": "xlsx",
    "xls": "xls", "ods": "ods",
    "csv": "csv", "tsv": "csv", "tab": "csv",
    "docx": "docx", "docm": "docx", "dotx": "docx",
    "pptx": "pptx", "pptm": "pptx",
    "pdf": "pdf",
    "txt": "text", "text": "text", "log": "text", "md": "text", "json": "text", "xml": "text",
    "vcf": "text", "ics": "text",
    "htm": "html", "html": "html",
    "rtf": "rtf",
    "eml": "eml", "msg": "msg",
    "zip": "zip",
}
_IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "heic", "svg", "ico", "emf", "wmf"}


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def sniff(name: str, data: bytes, content_type: str = "") -> str:
    """One of the extractor kinds, "image", "encrypted_office", or "unknown"."""
    ext = extension(name)
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data, ext)
    if head.startswith(OLE_SIGNATURE):
        return _ole_kind(data, ext)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if ext in _IMAGE_EXTENSIONS or content_type.startswith("image/") or _image_magic(head):
        return "image"
    if ext in ("eml",) or content_type == "message/rfc822":
        return "eml"
    kind = _BY_EXTENSION.get(ext)
    if kind in ("csv", "text", "html", "eml"):
        return kind
    if content_type.startswith("text/html"):
        return "html"
    if content_type.startswith("text/csv"):
        return "csv"
    if content_type.startswith("text/") or _looks_like_text(data):
        return "text"
    return "unknown"


def _zip_kind(data: bytes, ext: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"  # the zip extractor will report it as corrupt
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "content.xml" in names and "mimetype" in names:
        return "ods" if ext in ("ods", "") or _odf_mimetype(data) == "spreadsheet" else "odf"
    return "zip"


def _odf_mimetype(data: bytes) -> str:
    try:
        mimetype = zipfile.ZipFile(io.BytesIO(data)).read("mimetype").decode("ascii", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return ""
    return mimetype.rpartition(".")[2]


def _ole_kind(data: bytes, ext: str) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError):
        return "unknown"
    try:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            return "encrypted_office"
        if ole.exists("Workbook") or ole.exists("Book"):
            return "xls"
        if ole.exists("__properties_version1.0") or ext == "msg":
            return "msg"
        if ole.exists("WordDocument"):
            return "doc"
        return "unknown"
    finally:
        ole.close()


def _image_magic(head: bytes) -> bool:
    return head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF"))


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if not sample or b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError:
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in sample)
        return printable / len(sample) > 0.95
