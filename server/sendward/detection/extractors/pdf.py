"""PDF: the text layer of each page (no OCR), annotations and embedded files, through pypdf."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.kernel import DeadlineExceeded
from sendward.detection.model import COMMENTS, Embedded, Text

logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings can quote document text


def extract(data: bytes, state: ScanState):
    reader = _open(data)
    if len(reader.pages) > state.limits.max_pages:
        raise Unscannable("too_large", f"more than {state.limits.max_pages} pages")
    notes = []
    for number, page in enumerate(reader.pages, start=1):
        state.deadline.check()
        try:
            text = page.extract_text() or ""
        except DeadlineExceeded:
            raise
        except Exception as error:  # pypdf raises many types on damaged content streams
            yield _failed_page(number, error)
            continue
        state.expand(len(text))
        yield Text(name=f"page {number}", text=text)
        notes.extend(_annotations(page))
    if notes:
        yield Text(name="comments", text="\n".join(notes), hidden=COMMENTS)
    yield from _attachments(reader, state)


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unscannable("encrypted", "the PDF is password-protected")
        _ = len(reader.pages)
        return reader
    except Unscannable:
        raise
    except Exception as error:  # pypdf raises assorted errors on damaged files
        if "crypt" in str(error).lower() or type(error).__name__ == "DependencyError":
            raise Unscannable("encrypted", "the PDF is encrypted") from None
        raise Unscannable("corrupt", f"not a readable PDF ({type(error).__name__})") from None


def _failed_page(number: int, error: Exception):
    from sendward.detection.model import Failed

    return Failed(name=f"page {number}", code="corrupt", reason=f"page {number} is damaged ({type(error).__name__})")


def _annotations(page) -> list[str]:
    texts = []
    try:
        for annotation in page.get("/Annots") or []:
            contents = annotation.get_object().get("/Contents")
            if contents:
                texts.append(str(contents))
    except (PyPdfError, AttributeError, TypeError, ValueError, KeyError):
        pass
    return texts


def _attachments(reader: PdfReader, state: ScanState):
    try:
        attachments = reader.attachments
    except Exception:  # a damaged name tree: the pages were still read
        return
    for name, contents in attachments.items():
        for content in contents:
            state.expand(len(content))
            yield Embedded(name=name, content=content)
