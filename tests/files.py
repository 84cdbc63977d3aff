"""Files generated for tests: spreadsheets, documents, archives, messages. Values are invented.

Phone numbers use Ofcom's drama ranges (07700 900xxx, 020 7946 0xxx); names come
from fixed lists; NHS numbers are generated with a valid check digit.
"""

from __future__ import annotations

import io
import random
import zipfile
from email.message import EmailMessage

GIVEN = ["Amelia", "Oliver", "Priya", "Mohammed", "Grace", "Liam", "Fatima", "Chen", "Siobhan", "Kwame"]
FAMILY = ["Okafor", "Patel", "Jones", "Nguyen", "Campbell", "Khan", "Evans", "Kowalski", "Murphy", "Shah"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def nhs_number(seed: int) -> str:
    """A ten-digit number with a valid NHS check digit."""
    rng = random.Random(seed)
    while True:
        digits = [4] + [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
        check = (11 - total % 11) % 11
        if check != 10:
            number = "".join(map(str, digits + [check]))
            return f"{number[:3]} {number[3:6]} {number[6:]}"


def client_rows(count: int, seed: int = 1):
    rng = random.Random(seed)
    for i in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        yield {
            "name": f"{given} {family}",
            "phone": f"07700 9{i % 100000:05d}",
            "email": f"{given.lower()}.{family.lower()}.{i}@example.com",
            "ref": f"ILS/ABC/{i:05d}",
            "nhs": nhs_number(seed * 100000 + i),
        }


def save(document) -> bytes:
    buffer = io.BytesIO()
    (document.save if hasattr(document, "save") else document.write)(buffer)
    return buffer.getvalue()


# -- spreadsheets ---------------------------------------------------------------


def workbook(*sheets):
    """sheets: (title, rows, options) where options may say state='hidden', hidden_rows, hidden_cols, comments."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, options in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        sheet.sheet_state = options.get("state", "visible")
        for r in options.get("hidden_rows", ()):
            sheet.row_dimensions[r].hidden = True
        for c in options.get("hidden_cols", ()):
            sheet.column_dimensions[get_column_letter(c)].hidden = True
        for cell, text in options.get("comments", {}).items():
            sheet[cell].comment = Comment(text, "Author")
    return book


def xlsx(*sheets) -> bytes:
    return save(workbook(*sheets))


def client_list_xlsx(count: int, seed: int = 1) -> bytes:
    rows = [["Name", "Phone", "Case reference"]] + [[r["name"], r["phone"], r["ref"]] for r in client_rows(count, seed)]
    return xlsx(("Clients", rows, {}))


def with_parts(package: bytes, parts: dict[str, bytes | str]) -> bytes:
    """A copy of a zip package with extra or replaced parts."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content.encode() if isinstance(content, str) else content)
    return out.getvalue()


def pivot_cache_parts(rows: list[list[str]], source_sheet: str = "Deleted data") -> dict[str, str]:
    """A pivot cache definition and its records, as Excel keeps them beside a pivot table."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    headers, records = rows[0], rows[1:]
    fields = "".join(f'<cacheField name="{h}" numFmtId="0"><sharedItems/></cacheField>' for h in headers)
    definition = (
        f'<pivotCacheDefinition {ns} recordCount="{len(records)}"><cacheSource type="worksheet">'
        f'<worksheetSource ref="A1:{chr(64 + len(headers))}{len(rows)}" sheet="{source_sheet}"/></cacheSource>'
        f'<cacheFields count="{len(headers)}">{fields}</cacheFields></pivotCacheDefinition>'
    )
    body = "".join("<r>" + "".join(f'<s v="{v}"/>' for v in record) + "</r>" for record in records)
    return {
        "xl/pivotCache/pivotCacheDefinition1.xml": definition,
        "xl/pivotCache/pivotCacheRecords1.xml": f'<pivotCacheRecords {ns} count="{len(records)}">{body}</pivotCacheRecords>',
    }


def xls(sheets) -> bytes:
    """sheets: (title, rows, options) with options hidden (sheet), hidden_rows, hidden_cols."""
    import xlwt

    book = xlwt.Workbook()
    for title, rows, options in sheets:
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        if options.get("hidden"):
            sheet.visibility = 1
        for r in options.get("hidden_rows", ()):
            sheet.row(r).hidden = True
        for c in options.get("hidden_cols", ()):
            sheet.col(c).hidden = True
    return save(book)


def ods(sheets) -> bytes:
    """sheets: (title, rows, options) with options hidden (sheet), hidden_rows (indexes), annotations {(r,c): text}."""
    from xml.sax.saxutils import escape

    styles = '<style:style style:name="hiddentable" style:family="table"><style:table-properties table:display="false"/></style:style>'
    tables = []
    for title, rows, options in sheets:
        style = ' table:style-name="hiddentable"' if options.get("hidden") else ""
        body = []
        for r, row in enumerate(rows):
            visibility = ' table:visibility="collapsed"' if r in options.get("hidden_rows", ()) else ""
            cells = []
            for c, value in enumerate(row):
                note = options.get("annotations", {}).get((r, c))
                annotation = f"<office:annotation><text:p>{escape(note)}</text:p></office:annotation>" if note else ""
                cells.append(f'<table:table-cell office:value-type="string">{annotation}<text:p>{escape(str(value))}</text:p></table:table-cell>')
            body.append(f"<table:table-row{visibility}>{''.join(cells)}</table:table-row>")
        tables.append(f'<table:table table:name="{escape(title)}"{style}>{"".join(body)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        f'<office:automatic-styles>{styles}</office:automatic-styles>'
        f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body></office:document-content>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", content)
    return out.getvalue()


def csv_text(rows, delimiter=",", encoding="utf-8") -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


# -- documents -------------------------------------------------------------------


def docx(paragraphs=(), table=None, comments=(), hidden=(), deleted=(), header=None) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = str(value)
    for text in hidden:
        run = document.add_paragraph().add_run(text)
        run.font.hidden = True
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for text in comments:
        paragraph = document.add_paragraph("See comment")
        document.add_comment(paragraph.runs, text=text, author="Reviewer")
    data = save(document)
    if deleted:
        data = _with_tracked_deletions(data, deleted)
    return data


def _with_tracked_deletions(data: bytes, texts) -> bytes:
    package = zipfile.ZipFile(io.BytesIO(data))
    body = package.read("word/document.xml").decode()
    deletions = "".join(
        f'<w:p><w:del w:id="{900 + i}" w:author="Editor" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>{t}</w:delText></w:r></w:del></w:p>'
        for i, t in enumerate(texts)
    )
    body = body.replace("<w:sectPr", deletions + "<w:sectPr", 1)
    return with_parts(data, {"word/document.xml": body})


def pptx(slides, hidden_slides=()) -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    for index, text in enumerate(slides):
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = text
        if index in hidden_slides:
            slide._element.set("show", "0")
    return save(presentation)


def pdf(pages) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            document.drawString(50, y, line)
            y -= 14
        document.showPage()
    document.save()
    return buffer.getvalue()


def pdf_bomb(megabytes: float = 8) -> bytes:
    """One page whose content stream is ``megabytes`` of text operators, Flate-compressed to a few KB.

    Parsers spend seconds to minutes on it (issue 14: pypdf 12-26 s for 4 MB); the file is ~2.5 KB per MB.
    """
    import zlib

    body = b"(Hello world) Tj\n" * (int(megabytes * 2**20) // 17)
    stream = zlib.compress(b"BT /F1 1 Tf 10 TL 10 700 Td\n" + body + b"ET\n", 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body_ in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body_ + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def encrypted_pdf(pages, password="secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(pages))))
    writer.encrypt(password, algorithm="AES-128")
    return save(writer)


def encrypted_office(data: bytes, password="secret") -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    source = OOXMLFile(io.BytesIO(data))
    out = io.BytesIO()
    source.encrypt(password, out)
    return out.getvalue()


# -- archives and messages ---------------------------------------------------------


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def encrypted_zip(files: dict[str, bytes], password=b"secret") -> bytes:
    import pyzipper

    out = io.BytesIO()
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password)
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(expanded_bytes: int = 300 * 1024 * 1024) -> bytes:
    """One member of zeros that compresses about a thousand to one."""
    out = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            for _ in range(expanded_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def lying_zip(real: bytes, declared_size: int) -> bytes:
    """A zip whose headers claim its member is ``declared_size`` bytes: the data expands to more."""
    import struct

    data = bytearray(zip_of({"data.txt": real}))
    real_size = struct.pack("<I", len(real))
    fake_size = struct.pack("<I", declared_size)
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    for offset in (local + 22, central + 24):  # uncompressed-size fields
        assert bytes(data[offset : offset + 4]) == real_size
        data[offset : offset + 4] = fake_size
    return bytes(data)


def eml(subject="Fwd", body="See attached", attachments=(), to="someone@example.org") -> bytes:
    message = EmailMessage()
    message["From"] = "ils@northshire.gov.uk"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()
