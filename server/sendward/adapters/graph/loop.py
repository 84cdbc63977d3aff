"""One long-lived asyncio event loop per worker process, in a background thread.

msgraph-sdk is async-only, and its httpx connection pool belongs to the loop it
first ran on: re-using a client across ``asyncio.run`` calls fails
(msgraph-sdk-python #366), and a new loop per request would also throw the pool
away. So every Graph call of a worker runs on this one loop; Flask's threads
submit coroutines with ``run_coroutine_threadsafe`` and wait with a timeout.

The loop starts on first use. gunicorn's ``--preload`` builds the app and then
forks: a thread does not survive a fork, so a child that finds the loop was
started by another process starts its own (``generation`` changes, and owners
of loop-bound resources such as the httpx client make new ones).
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class BackgroundLoop:
    def __init__(self, name: str = "sendward-graph-loop"):
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.generation = 0
        reference = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _forget(reference))

    def run(self, make_coroutine: Callable[[], Awaitable[T]], timeout: float) -> T:
        """Run ``make_coroutine()`` on the loop; raise TimeoutError (and cancel it) after ``timeout`` seconds."""
        loop = self.loop()
        future = asyncio.run_coroutine_threadsafe(make_coroutine(), loop)
        try:
            return future.result(timeout=max(0.0, timeout))
        except TimeoutError:
            future.cancel()
            raise

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._start()
            return self._loop

    def close(self, before_stop: Callable[[], Awaitable[None]] | None = None, timeout: float = 5.0) -> None:
        """Run ``before_stop`` (closing loop-bound resources) on the loop, then stop it and join its thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            if loop is None or self._pid != os.getpid():
                return
            self._loop = self._thread = None
        if before_stop is not None:
            asyncio.run_coroutine_threadsafe(before_stop(), loop).result(timeout=timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        loop.close()

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        started = threading.Event()
        thread = threading.Thread(target=_serve, args=(loop, started), name=self._name, daemon=True)
        thread.start()
        started.wait()
        self._loop, self._thread, self._pid = loop, thread, os.getpid()
        self.generation += 1

    def _after_fork(self) -> None:
        # The parent's loop and thread are gone in the child, and the lock may have been held mid-fork.
        self._lock = threading.Lock()
        self._loop = self._thread = None


def _serve(loop: asyncio.AbstractEventLoop, started: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(started.set)
    loop.run_forever()


def _forget(reference: weakref.ref[BackgroundLoop]) -> None:
    background = reference()
    if background is not None:
        background._after_fork()
