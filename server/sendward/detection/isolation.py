"""Untrusted files parsed in worker processes the deadline can stop.

Parsing libraries (pypdf, calamine, xlrd, striprtf...) cannot be interrupted: a
13 KB PDF of compressed text operators can keep one busy for minutes. Each file
is therefore read in a worker process of a small pool; when the draft's time
budget runs out first, the worker is killed (and replaced on the next use), the
file is reported unscannable ("time budget") and the request answers on time.
Workers are capped in address space (``RLIMIT_AS``) and run at a lower CPU
priority, so a runaway parse cannot take the memory or the processor the
serving threads need.

Workers start from a forkserver (never forked from a multi-threaded server
process) with the extractors already imported, so a small file costs a pipe
round trip, not an interpreter start.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass

from sendward.detection.limits import Limits, Unscannable
from sendward.kernel import Deadline, DeadlineExceeded

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 4
DEFAULT_MEMORY_MB = 1024
_LONGEST_WAIT = 3600.0  # one wait at most (an unlimited deadline is a year away: too long for poll())
_NICE = 10  # serving threads come first when the processor is short
_PRELOAD = ["__main__", "sendward.detection.isolation", "sendward.detection.extractors"]


@dataclass(frozen=True)
class Job:
    """One file for a worker: which extractor, the bytes, and what the scan has used so far."""

    kind: str
    content: bytes
    limits: Limits
    seconds: float  # what is left of the draft's budget
    expanded_bytes: int = 0
    cells: int = 0


@dataclass(frozen=True)
class Extracted:
    parts: list
    expanded_bytes: int
    cells: int


def extract_job(job: Job) -> Extracted:
    """Run one extractor to the end (in a worker, or in process when isolation is off)."""
    from sendward.detection.extractors import EXTRACTORS
    from sendward.detection.extractors.state import ScanState

    state = ScanState(limits=job.limits, deadline=Deadline(job.seconds), expanded_bytes=job.expanded_bytes,
                      cells=job.cells)
    parts = list(EXTRACTORS[job.kind](job.content, state))
    return Extracted(parts=parts, expanded_bytes=state.expanded_bytes, cells=state.cells)


def html_body_parts(content: str, max_chars: int) -> list:
    """A message body's HTML as parts (text and data tables), read in a worker: HTMLParser on a body of
    tens of megabytes takes seconds and cannot be interrupted."""
    from sendward.detection.extractors.html import html_parts

    return list(html_parts(content, max_chars))


class WorkerLost(Exception):
    """The worker died (out of memory, a crash in a C library) before answering."""


class ExtractionPool:
    """A few worker processes; ``run`` hands one a call and waits at most until the deadline."""

    def __init__(self, workers: int = DEFAULT_WORKERS, memory_mb: int = DEFAULT_MEMORY_MB):
        if workers < 1:
            raise ValueError("an extraction pool needs at least one worker")
        self.size = workers
        self.memory_bytes = memory_mb * 2**20
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: list[_Worker] = []
        self._pid = os.getpid()
        self.started = 0  # workers started so far (a killed worker is replaced by a new one)
        self.killed = 0  # workers killed at a deadline or after a failure

    def run(self, function, args: tuple, deadline: Deadline):
        """``function(*args)`` in a worker; its exception re-raised here; DeadlineExceeded at the deadline."""
        deadline.check()
        while not self._slots.acquire(timeout=min(max(deadline.remaining(), 0.001), _LONGEST_WAIT)):
            if deadline.expired:
                raise DeadlineExceeded()
        try:
            worker = self._take()
            try:
                outcome = worker.call(function, args, deadline)
            except BaseException:
                self._discard(worker)
                raise
            self._give_back(worker)
        finally:
            self._slots.release()
        status, value = outcome
        if status == "raised":
            raise value
        return value

    def warm(self) -> threading.Thread:
        """Start the forkserver and one worker in the background, so a process that just started does not
        spend a draft's budget importing the extractors (called after gunicorn forks a worker)."""

        def start() -> None:
            try:
                worker = self._take()
            except Exception as error:  # noqa: BLE001 - the first file tries again, with a reason if it fails
                log.warning("extraction workers could not be started ahead: %s", type(error).__name__)
                return
            self._give_back(worker)

        thread = threading.Thread(target=start, name="sendward-extract-warm", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    def _take(self) -> _Worker:
        with self._lock:
            if os.getpid() != self._pid:  # inherited across a fork: those workers belong to the parent
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.kill()  # died while idle (killed from outside): replace it
            self.started += 1
        return _Worker.start(self.memory_bytes)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        self.killed += 1
        worker.kill()


_context = None
_context_lock = threading.Lock()


def _forkserver():
    global _context
    with _context_lock:
        if _context is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(_PRELOAD)
            _context = context
    return _context


class _Worker:
    def __init__(self, process, connection):
        self.process = process
        self.connection = connection

    @classmethod
    def start(cls, memory_bytes: int) -> _Worker:
        context = _forkserver()
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs, memory_bytes), daemon=True, name="sendward-extract")
        process.start()
        theirs.close()
        return cls(process, ours)

    def call(self, function, args: tuple, deadline: Deadline):
        try:
            self.connection.send((function, args))
            while not self.connection.poll(min(deadline.remaining(), _LONGEST_WAIT)):
                if deadline.expired:
                    raise DeadlineExceeded()
            return self.connection.recv()
        except (EOFError, OSError):
            self.process.join(timeout=1)
            raise WorkerLost(self.process.exitcode) from None

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        except (OSError, ValueError, AssertionError):
            pass
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.kill()
        else:
            self.connection.close()


def _serve(connection, memory_bytes: int) -> None:
    """A worker's loop: calls in, outcomes out, until told to stop or the parent goes away."""
    _confine(memory_bytes)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        function, args = request
        try:
            outcome = ("returned", function(*args))
        except MemoryError:
            outcome = ("raised", Unscannable("too_large", "reading it needs more memory than Sendward allows"))
        except (Unscannable, DeadlineExceeded) as error:
            outcome = ("raised", error)
        except Exception as error:  # noqa: BLE001 - a library bug is reported, never passed on as data
            outcome = ("raised", _Failure(type(error).__name__, _where(error)))
        try:
            connection.send(outcome)
        except Exception:  # an unpicklable result: say so rather than hang the caller
            connection.send(("raised", _Failure("UnpicklableResult", "isolation.py")))


def _confine(memory_bytes: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError) as error:  # not on this platform: the deadline still holds
        log.warning("extraction workers run without a memory cap: %s", type(error).__name__)
    try:
        os.nice(_NICE)
    except OSError:
        pass
    try:  # if the machine or the container runs out of memory, the kernel ends a parse, not the service
        with open("/proc/self/oom_score_adj", "w") as adjust:
            adjust.write("1000")
    except OSError:
        pass


class _Failure(Exception):
    """An extractor's unexpected exception, by type and place only (its message may quote the file)."""

    def __init__(self, kind: str, where: str):
        super().__init__(f"{kind} in {where}")
        self.kind = kind
        self.where = where

    def __reduce__(self):
        return (_Failure, (self.kind, self.where))


def _where(error: Exception) -> str:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename.rpartition('/')[2]}:{tb.tb_lineno}" if tb else "?"


Failure = _Failure
