"""One long-lived event loop per worker process: reused across requests, re-created after fork."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading

import pytest

from sendward.adapters.graph.errors import GraphUnavailable
from sendward.kernel import Deadline


async def where(session) -> tuple[int, int]:
    return id(asyncio.get_running_loop()), threading.get_ident()


def test_every_call_runs_on_the_same_loop_and_thread_and_never_on_the_callers(adapters, caller):
    seen = set()
    calls = [threading.Thread(target=lambda: seen.add(adapters.client.call(caller, Deadline(5), where))) for _ in range(5)]
    for thread in calls:
        thread.start()
    for thread in calls:
        thread.join()
    assert len(seen) == 1
    ((_, loop_thread),) = seen
    assert loop_thread != threading.get_ident()


def test_a_call_that_outlives_its_deadline_is_cancelled(adapters, caller):
    cancelled = threading.Event()

    async def hang(session):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(GraphUnavailable) as raised:
        adapters.client.call(caller, Deadline(0.2), hang)
    assert raised.value.code == "time_budget"
    assert cancelled.wait(2)
    assert adapters.client.call(caller, Deadline(5), where)  # the loop still serves


async def running_loop(session) -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def test_a_closed_client_starts_a_new_loop_on_next_use(adapters, caller):
    before = adapters.client.call(caller, Deadline(5), running_loop)
    adapters.close()
    assert before.is_closed()
    after = adapters.client.call(caller, Deadline(5), running_loop)
    assert after is not before and after.is_running()


def test_the_connection_pool_is_kept_between_calls(graph, adapters, caller):
    from sendward.domain.draft import Address, Draft

    adapters.tenant_domains.verified_domains(caller, Deadline(4))
    pool = adapters.client._http
    adapters.group_sizes.sizes(Draft(to=(Address("team@northshire.gov.uk"),)), caller, Deadline(4))
    assert adapters.client._http is pool
    assert [seen.route for seen in graph.requests] == ["organization", "mail_tips"]


def _in_child(adapters, caller, results) -> None:
    try:
        results.put(list(adapters.tenant_domains.verified_domains(caller, Deadline(4))))
    except Exception as error:  # reported to the parent, which fails the test
        results.put(repr(error))


def test_a_forked_worker_starts_its_own_loop(graph, adapters, caller):
    """gunicorn --preload: the app (and the loop) exist in the parent; each forked worker must get a live loop."""
    adapters.tenant_domains.verified_domains(caller, Deadline(4))  # the parent's loop is running
    adapters.tenant_domains.cache = type(adapters.tenant_domains.cache)()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_in_child, args=(adapters, caller, results))
    child.start()
    child.join(20)
    assert child.exitcode == 0
    assert results.get(timeout=5) == ["northshire.gov.uk"]
    assert graph.count("organization") == 2
