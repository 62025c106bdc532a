"""Run a fit in a worker process that is terminated to cancel it, streaming its progress back.

A library with no callback (umap-learn), or a stage with none (openTSNE's affinities), can only
be abandoned in this process, not stopped: the CPU stays busy after the widget is closed. In a
worker process it is stopped at once by terminating the worker. A worker is started lean
(``python -c``: numpy and the fit's library, no torch, nothing of the user's script; see
:mod:`._child_main`), runs one job at a time, and is kept for the next job when the job ends
normally; each :class:`WorkerPool` keeps one idle worker. A worker can be started ahead of its
first job (:meth:`WorkerPool.prestart`), to import and warm up while nobody waits for it; it
says when it is ready.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ._base import ProgressCallback, _report

_PACKAGE = Path(__file__).resolve().parent.parent
_POLL_S = 0.05  # how often the callback is asked whether to cancel, while the worker is silent

# Stand-in packages let the worker import modules of this package without running the package's
# __init__ (which imports torch and the widget); the current directory is left off the path so
# that a file of the user's cannot shadow a library.
_BOOT = """
import sys, types
del sys.path[0]
for name, path in (("latentwidgets", sys.argv[1]), ("latentwidgets.projections", sys.argv[2])):
    package = sys.modules[name] = types.ModuleType(name)
    package.__path__ = [path]
from latentwidgets.projections._child_main import main
main(sys.argv[3:])
"""


class ChildError(Exception):
    """The traceback of an error raised in a worker process, chained below the error itself."""


class Worker:
    """One worker process and the two pipes to it.

    Parameters
    ----------
    warm_up : callable, optional
        A function of a module the worker can import, run before the first job (e.g. to compile
        a library's code ahead of time).
    """

    def __init__(self, warm_up: Callable[[], object] | None = None) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        # this process's import path, so that the worker finds the same libraries
        path = os.pathsep.join(p for p in sys.path if p)
        warm = [] if warm_up is None else [warm_up.__module__, warm_up.__qualname__]
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(_PACKAGE), str(_PACKAGE / "projections"), *warm],
                stdin=request_read,
                stdout=reply_write,
                env={**os.environ, "PYTHONPATH": path},
            )
        except BaseException:
            os.close(request_write)
            os.close(reply_read)
            raise
        finally:
            # the worker's ends: closed here, so that either side sees the other end
            os.close(request_read)
            os.close(reply_write)
        self.requests = Connection(request_write, readable=False)
        self.replies = Connection(reply_read, writable=False)
        self.jobs = 0  # jobs finished: a worker's first job may wait for its warm-up
        self.ready = False  # whether it said that its imports and warm-up are over

    def starting(self) -> bool:
        """Whether the worker is still importing or warming up; only while no job reads replies."""
        if not self.ready and self.replies.poll(0):
            with contextlib.suppress(EOFError, OSError):  # ended: not starting any more
                self.replies.recv()  # ("ready",), the first reply
            self.ready = True
        return not self.ready

    @property
    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def send(self, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        """Send ``job(report, *args)`` from a thread of its own.

        A pipe holds 64 kB, so the write blocks until the worker reads (after its start-up and
        warm-up), and the caller must stay free to cancel meanwhile.
        """
        request = (job.__module__, job.__qualname__, args)

        def write() -> None:
            # OSError: terminated (the reader says so), or closed
            with contextlib.suppress(OSError):
                self.requests.send(request)

        threading.Thread(target=write, name="latentwidgets-worker-writer", daemon=True).start()

    def poll(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a reply; return whether one (or the end) came."""
        return self.replies.poll(timeout)

    def receive(self, what: str) -> tuple[Any, ...]:
        """Return the next reply; raise ``RuntimeError`` if the worker ended without one."""
        try:
            reply: tuple[Any, ...] = self.replies.recv()
        except (EOFError, OSError):
            raise RuntimeError(
                f"the {what} worker process ended with exit code {self.process.wait()} before "
                "sending a result (out of memory?); fit fewer codes or free memory"
            ) from None
        return reply

    def stop(self) -> None:
        """Terminate the process (at once: the libraries run do not catch SIGTERM)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a worker stuck in the kernel
            self.process.kill()
            self.process.wait()
        self.requests.close()
        self.replies.close()


class WorkerPool:
    """Worker processes for one kind of job, keeping one idle worker for the next job.

    Parameters
    ----------
    warm_up : callable, optional
        Run by a worker started ahead of time (:meth:`prestart`) before its first job.
    """

    def __init__(self, warm_up: Callable[[], object] | None = None) -> None:
        self._warm_up = warm_up
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        _POOLS.append(self)

    def take(self) -> Worker:
        """Return an idle worker, or a new one."""
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    self._busy.add(worker)
                    return worker
        worker = Worker()
        with self._lock:
            self._busy.add(worker)
        return worker

    def give_back(self, worker: Worker) -> None:
        """Keep ``worker`` for the next job if no other is idle (a few hundred MB), else stop it."""
        with self._lock:
            self._busy.discard(worker)
            if not self._idle and worker.alive:
                self._idle.append(worker)
                return
        worker.stop()

    def discard(self, worker: Worker) -> None:
        """Stop ``worker``: its job was cancelled or failed mid-way."""
        with self._lock:
            self._busy.discard(worker)
        worker.stop()

    def prestart(self) -> Worker | None:
        """Start a worker now, with the pool's warm-up, unless one is idle or busy already.

        It returns at once: the worker runs its warm-up while it waits for a job, and a job sent
        meanwhile starts when the warm-up ends. A busy worker means a job is running, which a
        second worker's start would only slow down. Returns the worker started, if any.
        """
        with self._lock:
            if self._idle or self._busy:
                return None
            worker = Worker(self._warm_up)
            self._idle.append(worker)
        return worker

    def stop_if_starting(self, worker: Worker) -> None:
        """Stop a prestarted ``worker`` if it is idle and still starting: its CPU is not wanted.

        Whoever prestarted it is gone (a closed widget) before it was of use. A worker that is
        ready stays for the next job: idle, it costs memory, not CPU.
        """
        with self._lock:
            if worker not in self._idle or not worker.starting():
                return
            self._idle.remove(worker)
        worker.stop()

    def stop_all(self) -> None:
        """Stop every worker, idle or busy."""
        with self._lock:
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
        for worker in workers:
            worker.stop()


_POOLS: list[WorkerPool] = []


@atexit.register
def _stop_pools() -> None:
    # A job still running when Python exits would otherwise go on until it tries to reply.
    for pool in _POOLS:
        pool.stop_all()


def run_in_child(
    pool: WorkerPool,
    job: Callable[..., Any],
    args: tuple[Any, ...],
    callback: ProgressCallback,
    what: str,
    waiting: Callable[[int, float], str],
) -> Any:
    """Run ``job(report, *args)`` in a worker of ``pool``; return its result or raise its error.

    Each ``report(fraction, message, coords)`` of the job reaches ``callback`` in order; while the
    worker is silent, the callback is asked every 0.05 s with the last report again (coordinates
    left out), or before the first with ``waiting(jobs the worker finished, seconds so far)``.
    When the callback asks to cancel (or raises), the worker is terminated at once and
    :class:`ProjectionCancelled` (or the callback's error) propagates. ``job`` must be a
    module-level function of a module the worker can import (see :mod:`._child_main`); ``what``
    names the worker in errors.
    """
    worker = pool.take()
    started = time.monotonic()
    last: tuple[float | None, str] | None = None
    try:
        worker.send(job, args)
        while True:
            if not worker.poll(_POLL_S):
                if last is None:
                    _report(callback, None, waiting(worker.jobs, time.monotonic() - started))
                else:
                    _report(callback, *last)
                continue
            reply = worker.receive(what)
            if reply[0] == "ready":
                worker.ready = True
                continue
            if reply[0] != "progress":
                break
            _, fraction, message, coords = reply
            last = (fraction, message)
            _report(callback, fraction, message, coords)
    except BaseException:
        pool.discard(worker)
        raise
    worker.jobs += 1
    pool.give_back(worker)
    if reply[0] == "error":
        _, error, trace = reply
        raise error from (ChildError(f"in the {what} worker process:\n{trace}") if trace else None)
    return reply[1]
