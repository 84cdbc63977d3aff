"""Drafts full of personal data are scored, overridden and simulated; afterwards no row of any table,
no byte of the database file and no log line holds any of that data.
"""

from __future__ import annotations

import base64
import io
import json
import logging

import pytest
import sqlalchemy as sa

from tests.files import FAMILY, GIVEN, client_list_xlsx, client_rows, encrypted_zip

SENDER = "key.worker.jameson@northshire.gov.uk"
SUBJECT = "Care plans for Amelia Okafor and Kwame Kowalski"


def nhs_number(seed: int) -> str:
    """A ten-digit number that passes the NHS mod-11 check."""
    while True:
        digits = [int(d) for d in f"{(seed * 7919 + 400_000_000) % 1_000_000_000:09d}"]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)
        seed += 1


PEOPLE = [{**row, "nhs": nhs_number(i)} for i, row in enumerate(client_rows(40, seed=7))]


def csv_attachment() -> bytes:
    lines = ["Name,Email,Phone,NHS number,Diagnosis"]
    lines += [
        f"{p['name']},{p['email']},{p['phone']},{p['nhs'][:3]} {p['nhs'][3:6]} {p['nhs'][6:]},HIV"
        for p in PEOPLE
    ]
    return "\n".join(lines).encode()


def body_text() -> str:
    lines = ["Hello all, here are the clients to ring this week:"]
    lines += [
        f"{p['name']} on {p['phone']} ({p['email']}), NHS number {p['nhs']}" for p in PEOPLE[:15]
    ]
    return "\n".join(lines)


def request_json() -> dict:
    to = [{"address": p["email"], "name": p["name"]} for p in PEOPLE[:25]]
    return {
        "from": {"address": SENDER, "name": "Key Worker Jameson"},
        "to": to,
        "cc": [{"address": "sam.okafor@hotmail.co.uk", "name": "Sam Okafor"}],
        "subject": SUBJECT,
        "body": {"type": "text", "content": body_text()},
        "attachments": [
            {
                "name": "Amelia Okafor referral.csv",
                "content_type": "text/csv",
                "content_base64": base64.b64encode(csv_attachment()).decode(),
            },
            {
                "name": "Kowalski household clients.xlsx",
                "content_base64": base64.b64encode(client_list_xlsx(60, seed=7)).decode(),
            },
            {  # unreadable, and its reason names the file inside: "'<name> care plan.docx' ... password-protected"
                "name": "plans.zip",
                "content_base64": base64.b64encode(
                    encrypted_zip({f"{PEOPLE[1]['name']} care plan.docx": b"x"})
                ).decode(),
            },
        ],
        "client": {"platform": "PC"},
    }


def secrets() -> set[str]:
    """Every value from the drafts that must never be stored (several spellings of each)."""
    values = {
        SENDER,
        "key.worker.jameson",
        "Jameson",
        SUBJECT,
        "Care plans",
        "Amelia Okafor referral",
        "Kowalski household",
        "sam.okafor@hotmail.co.uk",
        "Sam Okafor",
        "clients to ring",
    }
    for p in PEOPLE + list(client_rows(60, seed=7)):
        values |= {
            p["name"],
            p["email"],
            p["email"].split("@")[0],
            p["phone"],
            p["phone"].replace(" ", ""),
            p["ref"],
        }
        if "nhs" in p:
            values |= {p["nhs"], f"{p['nhs'][:3]} {p['nhs'][3:6]} {p['nhs'][6:]}"}
    values |= {f"{g} {f}" for g in GIVEN for f in FAMILY}
    values |= set(FAMILY)
    return values


def every_stored_value(engine) -> list[str]:
    metadata = sa.MetaData()
    metadata.reflect(engine)
    values = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                values.extend(json.dumps(v, default=str) for v in row)
    return values


def leaked(haystack: str, needles: set[str]) -> list[str]:
    lower = haystack.lower()
    return sorted(n for n in needles if n.lower() in lower)


@pytest.fixture
def scored_everything(client, auth, container):
    """Score as an enforcing tenant and a monitoring tenant, override, and simulate."""
    monitor_admin = auth(tenant="tenant-m", admin=True)
    client.put(
        "/api/v1/admin/policy",
        json={
            "mode": "monitor",
            "custom_patterns": [{"name": "case", "pattern": r"ILS/[A-Z]{3}/\d{5}"}],
            "overrides": {"allow_block_override": True},
        },
        headers=monitor_admin,
    )
    client.put(
        "/api/v1/admin/policy",
        json={"overrides": {"allow_block_override": True}},
        headers=auth(admin=True),
    )
    verdicts = []
    for tenant in ("tenant-a", "tenant-m"):
        sender = auth(tenant=tenant, user=SENDER)
        request = request_json()  # once: an override binds to the same draft, and the zip's encryption is random
        first = client.post("/api/v1/score", json=request, headers=sender).get_json()
        assert first["findings"], first
        override = {
            **request,
            "override": {
                "decision_id": first["decision_id"],
                "justification": (
                    f"Agreed with {PEOPLE[0]['name']} ({PEOPLE[0]['email']}) on {PEOPLE[0]['phone']},"
                    f" NHS {PEOPLE[0]['nhs']}, and with Mrs Kowalski"
                ),
            },
        }
        second = client.post("/api/v1/score", json=override, headers=sender).get_json()
        verdicts += [first, second]
    eml = (
        f"From: Key Worker Jameson <{SENDER}>\nTo: "
        + ", ".join(f"{p['name']} <{p['email']}>" for p in PEOPLE[:20])
        + f"\nSubject: {SUBJECT}\nContent-Type: text/plain\n\n{body_text()}\n"
    ).encode()
    simulated = client.post(
        "/api/v1/admin/simulate",
        data={"file": (io.BytesIO(eml), "Amelia Okafor referral.eml")},
        headers=auth(admin=True),
        content_type="multipart/form-data",
    )
    assert simulated.status_code == 200
    return verdicts


def test_the_drafts_really_were_full_of_personal_data(scored_everything):
    enforce = scored_everything[0]
    assert enforce["action"] == "block"
    assert {"recipients.exposed", "attachment.personal_data", "body.personal_data"} <= {
        f["rule"] for f in enforce["findings"]
    }
    entities = set()
    for attachment in enforce["attachments"]:
        entities |= set(attachment["entities"])
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_NHS"} <= entities
    assert scored_everything[1]["override"]["accepted"] is True
    assert scored_everything[2]["would_action"] == "block"


def test_no_row_of_any_table_holds_personal_data(scored_everything, container):
    values = every_stored_value(container.storage.engine)
    assert len(values) > 100  # decisions, findings and attachments were written
    assert leaked("\n".join(values), secrets()) == []


def test_the_database_file_holds_no_personal_data(scored_everything, container, data_dir):
    container.storage.engine.dispose()  # checkpoint nothing away: read the main file and the write-ahead log
    raw = b"".join(path.read_bytes() for path in data_dir.glob("sendward.db*"))
    assert leaked(raw.decode("latin-1"), secrets()) == []


def test_justifications_are_kept_without_identifiers(scored_everything, container):
    with container.storage.engine.connect() as connection:
        kept = [
            row[0]
            for row in connection.execute(
                sa.text("SELECT justification FROM decisions WHERE justification IS NOT NULL")
            )
        ]
    # one accepted override: in monitor mode nothing was interrupted, so there was nothing to override
    assert kept == ["Agreed with [name] ([email]) on [phone], NHS [number], and with [name]"]


def test_no_log_line_holds_personal_data(client, auth, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/api/v1/score", json=request_json(), headers=auth(user=SENDER))
    client.post("/api/v1/admin/simulate", json={"draft": request_json()}, headers=auth(admin=True))
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert leaked(logged, secrets()) == []


@pytest.mark.redis
def test_nothing_kept_in_redis_holds_personal_data(redis_url, data_dir, scanner):
    """Every key, and every value as the service opens it, after the same drafts went through with Redis."""
    import redis

    from sendward.bootstrap import bootstrap
    from sendward.config import Settings
    from sendward.entrypoints.http.app import create_app

    url, prefix = redis_url
    container = bootstrap(Settings(data_dir=data_dir, redis_url=url, redis_prefix=prefix), scanner=scanner)
    client = create_app(container=container).test_client()

    def auth(tenant="tenant-a", user=SENDER, admin=False):
        return {"Authorization": f"Bearer {container.dev_identity.issue(tenant, user, admin=admin)}"}

    scored_everything.__wrapped__(client, auth, container)
    # The files again, to someone they are not about: a scan that counted the draft's recipients among the
    # people in a file is not kept for other drafts, this one is.
    to_outsider = {**request_json(), "to": [{"address": "partner@agency.example.org"}], "cc": []}
    assert client.post("/api/v1/score", json=to_outsider, headers=auth()).status_code == 200
    raw = redis.Redis.from_url(url)
    keys = [key.decode() for key in raw.scan_iter(match=prefix + "*")]
    assert any(":scan:" in key for key in keys) and any(":policy:" in key for key in keys)
    counters = [key for key in keys if key.startswith(prefix + "rate:")]  # plain counts (INCR)
    assert counters and all(raw.get(key).isdigit() for key in counters)
    opened = [container.redis.get(key[len(prefix):]) for key in keys if key not in counters]
    assert all(value is not None for value in opened)  # every other value opened with the service's key
    kept = "\n".join(keys) + "\n" + b"\n".join(opened).decode("utf-8", errors="replace")
    assert leaked(kept, secrets()) == []
