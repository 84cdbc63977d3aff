"""The admin page through a real `sendward serve` (gunicorn, two workers): one session works on both."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import socket

import pytest

pytestmark = pytest.mark.served  # starts a real `sendward serve`: `pytest -m 'not served'` leaves it out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def base_url(tmp_path):
    port = free_port()
    env = {**os.environ, "SENDWARD_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sendward.entrypoints.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"server exited: {process.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("server did not start within 60 s")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)


def test_sign_in_and_use_the_page_across_workers(base_url):
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    sign_in = browser.open(base_url + "/admin/sign-in").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', sign_in).group(1)
    form = urllib.parse.urlencode(
        {
            "csrf_token": token,
            "tenant": "northshire",
            "user": "it@northshire.gov.uk",
            "admin": "on",
            "next": "/admin/versions",
        }
    ).encode()
    landed = browser.open(base_url + "/admin/sign-in", data=form)
    assert landed.url == base_url + "/admin/versions"
    for _ in range(6):  # requests spread over both workers; each must accept the session
        page = browser.open(base_url + "/admin/").read().decode()
        assert "it@northshire.gov.uk" in page and "What Sendward caught" in page
