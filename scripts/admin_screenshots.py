"""Take the admin page screenshots of docs/admin.md (Playwright driving Debian's Chromium).

    .venv/bin/python scripts/admin_screenshots.py [--out docs/img]

Runs the app in-process on a loopback port with a temporary data directory,
seeds four weeks of generated decisions (counts and rule ids only, like real
ones) and two policy versions, then walks through the page as an admin would.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "01-mass-email-client-list.eml"
TENANT = "dev-tenant"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def seed(container, days: int = 28, seed_value: int = 7) -> None:
    """Two policy versions and ``days`` of decisions, the second half with body.personal_data monitored."""
    from sendward.domain.records import DecisionRecord
    from sendward.kernel import utcnow
    from sendward.domain.policy import Policy
    from sendward.services.audit import user_hash

    first = Policy.model_validate(
        {"internal_domains": ["northshire.gov.uk"], "trusted_domains": ["nhs.net"]}
    ).to_json()
    container.policies.replace(
        TENANT, first, author="it.admin@northshire.gov.uk", comment="Northshire's domains"
    )
    second = Policy.model_validate(
        {**first, "rules": {"body.personal_data": {"mode": "monitor", "min_data_subjects": 3}}}
    )
    container.policies.replace(
        TENANT,
        second.to_json(),
        author="it.admin@northshire.gov.uk",
        comment="Try a lower body threshold in monitor mode",
    )
    rng = random.Random(seed_value)
    users = [user_hash(container.decisions.user_hash_key, TENANT, f"user-{i}") for i in range(30)]
    heavy = users[:3]  # a few senders who paste client lists into bodies
    now = utcnow()
    count = 0
    for day in range(1, days + 1):  # whole days before today: nothing in the future
        moment = now - timedelta(days=day)
        if moment.weekday() >= 5:
            continue
        for _ in range(rng.randint(35, 70)):
            count += 1
            at = moment.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
            user = rng.choice(heavy) if rng.random() < 0.15 else rng.choice(users)
            findings, files, action, would = [], [], "allow", None
            roll = rng.random()
            if roll < 0.10:
                action = "warn"
                findings.append(("recipients.exposed", "warn", None))
            elif roll < 0.14:
                action = "warn"
                findings.append(("recipients.external_domains", "warn", None))
            elif roll < 0.17:
                action = "block"
                findings.append(("attachment.personal_data", "block", None))
                files.append(
                    (rng.choice(["xlsx", "xlsx", "csv", "docx"]), True, rng.randint(12, 400))
                )
            elif roll < 0.18:
                action = "block"
                findings.append(("recipients.lookalike_domain", "block", None))
            if rng.random() < 0.35:
                files.append(
                    (
                        rng.choice(["pdf", "pdf", "docx", "xlsx", "png", "zip"]),
                        True,
                        rng.choice([0, 0, 0, 1]),
                    )
                )
            if day <= days // 2 and (user in heavy and rng.random() < 0.5 or rng.random() < 0.04):
                findings.append(("body.personal_data", "info", "warn"))
                would = "warn" if action == "allow" else action
            record = DecisionRecord(
                id=f"demo-{count}",
                tenant_id=TENANT,
                user_hash=user,
                created_at=at,
                action=action,
                would_action=would,
                mode="enforce",
                score=40 if action == "warn" else 70 if action == "block" else 0,
                policy_version=2 if day <= days // 2 else 1,
                counts={"attachments": len(files)},
                findings=tuple(findings),
                attachments=tuple(files),
                client_platform=rng.choice(["PC", "OfficeOnline", "Mac"]),
            )
            container.storage.record_decision(record)
            if action == "warn" and rng.random() < 0.3:
                count += 1
                container.storage.record_decision(
                    DecisionRecord(
                        id=f"demo-{count}",
                        tenant_id=TENANT,
                        user_hash=user,
                        created_at=at + timedelta(minutes=1),
                        action="allow",
                        would_action="warn",
                        mode="enforce",
                        score=40,
                        policy_version=record.policy_version,
                        counts={},
                        findings=tuple((r, "info", "warn") for r, _, _ in findings),
                        attachments=tuple(files),
                        override_of=record.id,
                        justification="The partners agreed to share addresses at the last meeting",
                        client_platform=record.client_platform,
                    )
                )
            elif action in ("warn", "block") and rng.random() < (0.6 if action == "warn" else 0.95):
                count += 1  # fixed in the pane and sent again: that Send names this one
                container.storage.record_decision(
                    DecisionRecord(
                        id=f"demo-{count}",
                        tenant_id=TENANT,
                        user_hash=user,
                        created_at=at + timedelta(minutes=2),
                        action="allow",
                        would_action=None,
                        mode="enforce",
                        score=0,
                        policy_version=record.policy_version,
                        counts={},
                        findings=(),
                        attachments=(),
                        resends=record.id,
                        client_platform=record.client_platform,
                    )
                )


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium")
    if not chromium:
        print(
            "Chromium is not installed (make install installs Debian's chromium)", file=sys.stderr
        )
        return 1

    from playwright.sync_api import sync_playwright

    from sendward.bootstrap import bootstrap
    from sendward.config import Settings
    from sendward.entrypoints.http.app import create_app

    data_dir = Path(tempfile.mkdtemp(prefix="sendward-shots-"))
    container = bootstrap(Settings(data_dir=data_dir))
    seed(container)
    server, base = serve(create_app(container=container))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            walk(page, base, out)
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def walk(page, base: str, out: Path) -> None:
    page.goto(base + "/admin/")
    page.screenshot(path=out / "admin-sign-in.png")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    page.screenshot(path=out / "admin-dashboard.png", full_page=True)

    page.goto(base + "/admin/policy")
    page.screenshot(path=out / "admin-policy.png")
    block_at = page.locator("#f-rules-recipients-exposed-block_at")
    block_at.fill("5")
    block_at.dispatch_event("change")
    page.locator("#f-rules-recipients-exposed-block_at-error").wait_for(state="visible")
    top_of(page, "#f-rules-recipients-exposed").screenshot(path=out / "admin-policy-error.png")
    block_at.fill("50")
    page.locator("#f-custom_patterns-0-name").fill("ILS case reference")
    page.locator("#f-custom_patterns-0-pattern").fill(r"ILS/[A-Z]{3}/\d{5}")
    page.locator("#sample-0").fill("Re: ILS/ABC/00042 and ILS/XYZ/12345 (not ILS/AB/1)")
    page.locator("#sample-0-result").get_by_text("2 matches").wait_for()
    top_of(page, ".pattern-row").screenshot(path=out / "admin-pattern-tester.png")

    page.goto(base + "/admin/simulate")
    page.set_input_files("#draft", str(SEED))
    page.get_by_role("button", name="Simulate").click()
    page.locator(".smart-alert").wait_for()
    page.screenshot(path=out / "admin-simulator.png", full_page=True)

    page.goto(base + "/admin/versions")
    page.screenshot(path=out / "admin-history.png")
    page.get_by_role("button", name="Show the differences").click()
    page.screenshot(path=out / "admin-diff.png")

    page.goto(base + "/admin/decisions?action=block")
    page.screenshot(path=out / "admin-decisions.png")


def top_of(page, selector: str):
    """The element scrolled to the top of the window, clear of the sticky save bar."""
    element = page.locator(selector).first
    element.evaluate("e => e.scrollIntoView({block: 'start'})")
    return element


if __name__ == "__main__":
    sys.exit(main())
