"""The browser harness itself works: Chromium loads a page from the live server."""


def test_chromium_fetches_healthz(page, live_server):
    page.goto(live_server + "/healthz")
    assert '"status":"ok"' in page.content().replace(" ", "")
