"""Screenshots of /demo for docs/img: the Smart Alerts dialog and the details pane.

Runs the service on a loopback port with a throwaway data directory and drives Debian's
Chromium through Playwright: .venv/bin/python scripts/demo-screenshots.py
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from sendward.config import Settings  # noqa: E402
from sendward.entrypoints.http.app import create_app  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"


def until(page, expression: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {expression}")
        time.sleep(0.05)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        app = create_app(Settings(data_dir=Path(data)))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            shoot(f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()


def shoot(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 820})
        page.goto(base + "/demo")
        page.select_option("#example", "01-mass-email-client-list")
        until(page, "SendwardDemo.draft.to.length === 157 && 'sendward.precheck' in SendwardDemo.session")
        page.click("#send")
        page.wait_for_selector("#smart-alert")
        page.screenshot(path=str(OUT / "smart-alert-block.png"))
        page.click("#smart-alert-action")
        frame = page.frame_locator("#pane-frame")
        frame.locator("li.finding").first.wait_for()
        page.screenshot(path=str(OUT / "details-pane.png"))
        frame.locator("button[data-fix='move_to_bcc']").click()
        frame.locator("li.finding[data-rule='recipients.exposed']").wait_for(state="detached")
        page.screenshot(path=str(OUT / "details-pane-after-bcc.png"))
        page.click("#close-pane")
        page.click("#clear")
        page.select_option("#example", "07-foi-reply-hidden-sheet")
        until(page, "SendwardDemo.draft.to.length === 1 && 'sendward.precheck' in SendwardDemo.session")
        page.click("#open-pane")
        frame.locator("li.finding[data-rule='attachment.hidden_content']").wait_for()
        page.screenshot(path=str(OUT / "details-pane-hidden-sheet.png"))
        browser.close()
    for name in ("smart-alert-block.png", "details-pane.png", "details-pane-after-bcc.png", "details-pane-hidden-sheet.png"):
        print(OUT / name)


if __name__ == "__main__":
    main()
