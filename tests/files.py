"""Files generated for tests: spreadsheets, documents, archives. Values are invented.

Phone numbers use Ofcom's drama ranges; names come from a fixed list.
"""

from __future__ import annotations

import io
import random

GIVEN = ["Amelia", "Oliver", "Priya", "Mohammed", "Grace", "Liam", "Fatima", "Chen", "Siobhan", "Kwame"]
FAMILY = ["Okafor", "Patel", "Jones", "Nguyen", "Campbell", "Khan", "Evans", "Kowalski", "Murphy", "Shah"]


def client_rows(count: int, seed: int = 1):
    rng = random.Random(seed)
    for i in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        yield {
            "name": f"{given} {family}",
            "phone": f"07700 9{i % 100000:05d}",
            "email": f"{given.lower()}.{family.lower()}.{i}@example.com",
            "ref": f"ILS/ABC/{i:05d}",
        }


def client_list_xlsx(count: int, seed: int = 1) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append(["Name", "Phone", "Case reference"])
    for row in client_rows(count, seed):
        sheet.append([row["name"], row["phone"], row["ref"]])
    return save(workbook)


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
