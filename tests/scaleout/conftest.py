"""Several `sendward serve` instances sharing the machine's PostgreSQL and Redis, as a scaled-out deployment."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from tests.conftest import postgres_schema
from tests.served import serve

RATE_LIMIT_PER_USER = 20


@pytest.fixture(scope="module")
def scaleout_database():
    """A PostgreSQL schema of this module's own."""
    with postgres_schema("sg_scaleout") as url:
        yield url


def instances(root, count: int, environment: dict) -> ExitStack:
    """``count`` instances on their own ports, one worker each, sharing a data directory (the dev identity's
    key: a token from one is valid on all, as Entra ID's are) and everything in ``environment``."""
    shared = root / "shared-data"
    shared.mkdir()
    env = {
        "SENDWARD_DATA_DIR": str(shared),
        "SENDWARD_USER_HASH_KEY": "the same on every instance",
        "SENDWARD_SESSION_SECRET": "the same on every instance too",
        **environment,
    }
    stack = ExitStack()
    for i in range(count):
        (root / f"instance-{i}").mkdir()
    stack.servers = [stack.enter_context(serve(root / f"instance-{i}", workers=1, env=env)) for i in range(count)]
    return stack
