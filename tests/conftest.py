"""Shared fixtures: settings in a temporary data directory, the app, tokens, drafts.

Sendward's modules are imported inside the fixtures that need them, so the domain and
detection tests never import Flask, SQLAlchemy or the Graph SDK (`pytest tests/domain`
takes seconds).
"""

from __future__ import annotations

import os
from contextlib import contextmanager

# Never let a library reach for the network during tests (see docs/detection.md).
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from typing import TYPE_CHECKING

import pytest
from hypothesis import settings as hypothesis_settings

if TYPE_CHECKING:
    from sendward.config import Settings
    from sendward.detection.scanner import Scanner

# `make test` runs short property runs; `make soak` sets HYPOTHESIS_PROFILE=soak for long ones.
hypothesis_settings.register_profile("default", max_examples=25)
hypothesis_settings.register_profile("soak", max_examples=2000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """`make test` runs the suite in parallel workers (pytest-xdist, ``--dist loadgroup``); a group's tests run
    on one worker, one after another."""
    for item in items:
        group = _worker_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    yield
    if getattr(config.option, "loadgroup", False):  # in a worker of `--dist loadgroup`
        for item in items:
            _mend_node_id(item)
        ungrouped = [i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid]
        if ungrouped:  # a pytest or pytest-xdist that changed how groups are read: fail, not race
            raise pytest.UsageError(f"{len(ungrouped)} tests lost their worker group, e.g. {ungrouped[0]}")


def pytest_configure(config):
    workers = getattr(config.option, "numprocesses", None)
    if workers and getattr(config.option, "dist", "no") != "loadgroup":
        # The groups above (PostgreSQL restarts, real servers, one Chromium) hold only under loadgroup.
        raise pytest.UsageError("run parallel workers with --dist loadgroup (as `make test` does)")


def _mend_node_id(item) -> None:
    """pytest-xdist's loadgroup keys a worker's tests by node id, and learns a test's group from an "@group" suffix
    to it. On pytest 9.2 (structured ids) neither holds by itself: the suffix xdist sets does not take
    (pytest-xdist#1386, nothing is grouped), and schemathesis's per-operation tests all get their function's id
    (18 of the 19 would be dropped). Both are set here, through the id pytest 9.2 reads."""
    if not hasattr(item, "_id"):  # an older pytest: xdist's own suffix takes, ids are unique
        return
    node_id = item.nodeid if item.nodeid.endswith(item.name) else f"{item.parent.nodeid}::{item.name}"
    mark = item.get_closest_marker("xdist_group")
    if mark and "@" not in node_id.rpartition("]")[2]:
        node_id += f"@{mark.args[0]}"
    if node_id != item.nodeid:
        item._id = type(item._id).parse(node_id)


def _worker_group(item) -> str | None:
    # The machine's PostgreSQL (tests/faults/test_postgres_restart.py stops it) and the real servers (gunicorn
    # under load, killed workers, a Redis stopped): one at a time, as their budgets and restarts assume.
    if item.get_closest_marker("postgres") or item.get_closest_marker("served"):
        return "servers"
    if "browser" in item.fixturenames:  # one Chromium; while Playwright is open its loop runs in the main thread
        return "browser"
    # A module-scoped fixture (a server, a measured subprocess) is built once, not once per worker.
    fixtures = getattr(item, "_fixtureinfo", None)
    scopes = {defs[-1].scope for defs in fixtures.name2fixturedefs.values() if defs} if fixtures else set()
    return item.nodeid.split("::")[0] if scopes & {"module", "package"} else None


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    from sendward.detection.scanner import Scanner

    scanner = Scanner()
    if scanner.pool is not None:
        # The extraction processes start before the first test, as they do after gunicorn forks: no test's
        # 4 s budget pays for the forkserver's imports on a busy machine.
        scanner.pool.warm().join(120)
    return scanner


@pytest.fixture
def scan(scanner):
    """scan(name, data, policy=None, seconds=30, to=()) -> AttachmentSignals."""
    from sendward.kernel import Deadline
    from sendward.detection.scanner import ScanRequest
    from sendward.domain.policy import Policy
    from tests.builders import attachment, draft

    def run(name, data, policy=None, seconds=30.0, to=(), content_type="application/octet-stream"):
        d = draft(to=to or ["someone@example.org"])
        request = ScanRequest.for_draft(d, policy or Policy(), Deadline(seconds))
        return scanner.scan_attachment(attachment(name, data, content_type), request)

    return run


@pytest.fixture
def scan_body(scanner):
    """scan_body(text, body_type="text", policy=None, to=()) -> ContentSignals."""
    from sendward.kernel import Deadline
    from sendward.detection.scanner import ScanRequest
    from sendward.domain.draft import Body
    from sendward.domain.policy import Policy
    from tests.builders import draft

    def run(text, body_type="text", policy=None, to=()):
        d = draft(to=to or ["someone@example.org"])
        request = ScanRequest.for_draft(d, policy or Policy(), Deadline(30))
        return scanner.scan_body(Body(content=text, type=body_type), request)

    return run


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir) -> Settings:
    from sendward.config import Settings

    return Settings(data_dir=data_dir)


@pytest.fixture
def container(settings, scanner):
    from sendward.bootstrap import bootstrap

    return bootstrap(settings, scanner=scanner)


@pytest.fixture
def app(container):
    from sendward.entrypoints.http.app import create_app

    app = create_app(container=container)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def token(container):
    """token(tenant="t1", user="alice@northshire.gov.uk", admin=False) -> a signed dev token."""

    def issue(tenant="tenant-a", user="alice@northshire.gov.uk", admin=False, **kwargs):
        return container.dev_identity.issue(tenant, user, admin=admin, **kwargs)

    return issue


@pytest.fixture
def auth(token):
    """auth(tenant=..., admin=...) -> request headers with a bearer token."""

    def headers(**kwargs):
        return {"Authorization": f"Bearer {token(**kwargs)}"}

    return headers


@pytest.fixture(scope="session")
def clients_xlsx() -> bytes:
    """A 163-row client list like the seed incident's (name, phone, case reference)."""
    from tests.files import client_list_xlsx

    return client_list_xlsx(163)


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory):
    """A throw-away CA (tests/fakes/tls.py) for the loopback HTTPS fakes; ``.bundle`` is the PEM to trust."""
    from tests.fakes.tls import make_test_ca

    return make_test_ca(tmp_path_factory.mktemp("test-ca"))


@pytest.fixture
def identity_provider(test_ca):
    """A local Entra ID on https://127.0.0.1 (tests/fakes/identity_provider.py documents it).

    ``identity_provider.settings(settings)`` configures Sendward for it (SENDWARD_IDENTITY=entra,
    client id and secret, authority host, CA bundle); ``issue_user_token(...)`` makes the add-in's
    token; ``hits`` counts requests per endpoint; ``fail(endpoint, how)`` breaks one.
    """
    from tests.fakes.identity_provider import FakeIdentityProvider

    with FakeIdentityProvider(test_ca) as provider:
        yield provider


@pytest.fixture(autouse=True)
def no_event_loop_left_running(request):
    """A test must not start while an earlier one left an asyncio loop running in this thread
    (Playwright's sync API does, while open): asyncio.run() would fail there for no reason of its own."""
    import asyncio

    if "browser" not in request.fixturenames and asyncio._get_running_loop() is not None:
        pytest.fail("an asyncio loop is left running in the main thread by an earlier test (an open Playwright?)")


REDIS_URL = os.environ.get("SENDWARD_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_with_own_prefix():
    """The machine's Redis and a key prefix of the caller's own; its keys are removed afterwards."""
    import uuid

    redis = pytest.importorskip("redis", reason="redis-py is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"sgtest-{uuid.uuid4().hex[:10]}:"
    yield REDIS_URL, prefix
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


@pytest.fixture
def redis_url():
    """(url, prefix): the machine's Redis with a key prefix of this test's own."""
    yield from redis_with_own_prefix()


@pytest.fixture(scope="module")
def module_redis():
    """(url, prefix): the same, shared by one module's tests."""
    yield from redis_with_own_prefix()


POSTGRES_URL = os.environ.get("SENDWARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_up(url: str = POSTGRES_URL) -> bool:
    import sqlalchemy as sa

    try:
        with sa.create_engine(url, connect_args={"connect_timeout": 3}).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False


@contextmanager
def postgres_schema(prefix: str):
    """A schema of its own in the machine's `test` database, dropped afterwards; yields a URL that uses it.
    Skips where PostgreSQL is not reachable."""
    import uuid

    import sqlalchemy as sa

    if not postgres_up():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)  # no connection outlives a restart
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
