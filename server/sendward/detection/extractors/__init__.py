"""One extractor per format: ``extract(data, state) -> iterator of parts`` (see ../model.py).

Extractors raise ``Unscannable`` for a file they cannot read at all and yield
``Failed`` for a part they cannot read while the rest is fine.
"""

from sendward.detection.extractors import (
    csv_text,
    docx,
    email_message,
    html,
    ods,
    pdf,
    plain_text,
    pptx,
    rtf,
    xls,
    xlsx,
    zip_archive,
)

EXTRACTORS = {
    "xlsx": xlsx.extract,
    "xls": xls.extract,
    "ods": ods.extract,
    "csv": csv_text.extract,
    "docx": docx.extract,
    "pptx": pptx.extract,
    "pdf": pdf.extract,
    "text": plain_text.extract,
    "html": html.extract,
    "rtf": rtf.extract,
    "eml": email_message.extract_eml,
    "msg": email_message.extract_msg,
    "zip": zip_archive.extract,
}
