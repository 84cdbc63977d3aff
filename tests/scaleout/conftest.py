"""Several `sendguard serve` instances sharing the machine's PostgreSQL and Redis, as a scaled-out deployment."""

from __future__ import annotations

import uuid
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, postgres_up
from tests.served import serve

POSTGRES = POSTGRES_URL
RATE_LIMIT_PER_USER = 20


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
