"""Several `sendguard serve` instances sharing the machine's PostgreSQL and Redis, as a scaled-out deployment."""

from __future__ import annotations

import os
import uuid
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from tests.served import serve

POSTGRES = os.environ.get("SENDGUARD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RATE_LIMIT_PER_USER = 20


def postgres_up() -> bool:
    try:
        with sa.create_engine(POSTGRES).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="module")
def postgres_schema():
    """A schema of this module's own in the `test` database, dropped afterwards."""
    if not postgres_up():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (database test)")
    schema = f"sg_scaleout_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(POSTGRES)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(scope="module")
def module_redis():
    """The machine's Redis with a key prefix of this module's own, removed afterwards."""
    import redis

    from tests.conftest import REDIS_URL

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"sgtest-{uuid.uuid4().hex[:10]}:"
    yield REDIS_URL, prefix
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


def instances(root, count: int, environment: dict) -> ExitStack:
    """``count`` instances on their own ports, one worker each, sharing a data directory (the dev identity's
    key: a token from one is valid on all, as Entra ID's are) and everything in ``environment``."""
    shared = root / "shared-data"
    shared.mkdir()
    env = {
        "SENDGUARD_DATA_DIR": str(shared),
        "SENDGUARD_USER_HASH_KEY": "the same on every instance",
        "SENDGUARD_SESSION_SECRET": "the same on every instance too",
        **environment,
    }
    stack = ExitStack()
    for i in range(count):
        (root / f"instance-{i}").mkdir()
    stack.servers = [stack.enter_context(serve(root / f"instance-{i}", workers=1, env=env)) for i in range(count)]
    return stack
