"""UMAP fits in a worker process, so that a cancelled fit stops using the CPU at once.

umap-learn has no callback: a fit in this process could only be abandoned, not stopped. A worker
runs umap-learn alone (``python -c``, no torch, nothing of the user's script), serves fits over
pickles on its pipes, is terminated to cancel one, and is kept for the next fit otherwise.
"""

from __future__ import annotations

import atexit
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from typing import Any

import numpy as np

from ._base import ProgressCallback, _report

# The worker's program: numpy and umap-learn only (no torch, no latentwidgets), run with
# `python -c`, so that nothing of the user's main module is imported again (multiprocessing's
# spawn and forkserver re-run a script's top level in the child). Requests and replies are
# pickles on stdin and on a copy of stdout; fd 1 itself goes to stderr, so that a print in a
# library cannot corrupt the replies.
_WORKER_PROGRAM = """
import os, pickle, sys
replies = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)
requests = sys.stdin.buffer
import numpy as np
import umap

def fit(params, data):
    return umap.UMAP(**params).fit(data)

if sys.argv[1] == "warm":
    # numba compiles umap-learn's code per process (15 s on two cores); the seeded (serial) and
    # unseeded (parallel) layouts are separate functions, so a worker started ahead of time
    # compiles both. One started for a fit compiles only what that fit needs.
    data = np.random.default_rng(0).standard_normal((200, 8), dtype=np.float32)
    for seed in (0, None):
        try:
            fit({"n_neighbors": 5, "random_state": seed, "n_jobs": 1 if seed is not None else -1}, data)
        except Exception:
            pass
while True:
    try:
        params, data = pickle.load(requests)
    except EOFError:
        break
    try:
        reply = ("done", fit(params, data))
    except Exception as error:
        reply = ("error", error)
    try:
        payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        payload = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    try:
        replies.write(payload)
        replies.flush()
    except BrokenPipeError:  # the parent is gone
        break
"""


class _Worker:
    """A child process that fits umap-learn; terminated to cancel a fit, else reused."""

    def __init__(self, warm: bool = False) -> None:
        # this process's import path, so that the worker finds the same umap-learn
        path = os.pathsep.join(p for p in sys.path if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_PROGRAM, "warm" if warm else "cold"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self.replies: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        self.fits = 0  # fits served: the first one waits for numba to compile umap-learn's code
        threading.Thread(target=self._read, name="latentwidgets-umap-reader", daemon=True).start()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                self.replies.put(pickle.load(stdout))
        except Exception:  # EOF: the worker ended (or was terminated)
            self.replies.put(None)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, params: dict[str, Any], data: np.ndarray) -> None:
        """Send a fit, from a thread of its own.

        The pipe holds 64 kB, so a write blocks until the worker reads (after its warm-up), and
        the caller must stay free to cancel.
        """

        def write() -> None:
            stdin = self.process.stdin
            assert stdin is not None
            try:
                pickle.dump((params, data), stdin, protocol=pickle.HIGHEST_PROTOCOL)
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError):  # terminated: the reader says so
                pass

        threading.Thread(target=write, name="latentwidgets-umap-writer", daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - numba obeys SIGTERM
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


_pool_lock = threading.Lock()
_idle: list[_Worker] = []
_busy: set[_Worker] = set()


@atexit.register
def _stop_workers() -> None:
    # A fit still running when Python exits would otherwise go on until it tries to reply.
    with _pool_lock:
        workers = [*_idle, *_busy]
        _idle.clear()
        _busy.clear()
    for worker in workers:
        worker.stop()


_POLL_S = 0.1


def _take_worker() -> _Worker:
    with _pool_lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive:
                _busy.add(worker)
                return worker
    worker = _Worker()
    with _pool_lock:
        _busy.add(worker)
    return worker


def _give_back(worker: _Worker) -> None:
    with _pool_lock:
        _busy.discard(worker)
        # One warm worker is kept (a few hundred MB); a second one, from fits that overlapped,
        # is let go.
        if not _idle and worker.alive:
            _idle.append(worker)
            return
    worker.stop()


def prestart_umap_worker() -> None:
    """Start a warm worker process now, so that the first cancellable fit does not compile."""
    with _pool_lock:
        if _idle:
            return
    _give_back(_Worker(warm=True))


def fit_umap_in_child(params: dict[str, Any], data: np.ndarray, callback: ProgressCallback) -> Any:
    """Fit umap-learn in a worker process, so that a cancelled fit stops using the CPU at once.

    umap-learn has no callback, so a fit in this process could only be abandoned, not stopped
    (it kept two cores busy for 17-31 s after a widget closed). ``callback`` is polled every
    0.1 s; when it asks to cancel, the worker is terminated. The fitted object comes back by
    pickle; with the same ``random_state`` the layout is the one a fit here gives. A worker
    compiles umap-learn's numba code when it starts (about 15 s on two cores) and serves the
    fits after it, so only the first fit of a session, or the first after a cancel, pays it (as
    the first fit in this process would); :func:`warm_up_umap` starts one ahead of time.
    """
    worker = _take_worker()
    started = time.monotonic()
    doing = (
        "compiling umap-learn's code, once a session (about 30 s), then optimising"
        if worker.fits == 0
        else "optimising"
    )
    try:
        worker.send(params, data)
        while True:
            try:
                reply = worker.replies.get(timeout=_POLL_S)
                break
            except queue.Empty:
                _report(callback, None, f"UMAP: {doing} ({time.monotonic() - started:.0f} s)")
        if reply is None:
            raise RuntimeError(
                f"the UMAP worker process ended with exit code {worker.process.wait()} before "
                "sending a result (out of memory?); fit fewer codes or free memory"
            )
    except BaseException:
        with _pool_lock:
            _busy.discard(worker)
        worker.stop()
        raise
    worker.fits += 1
    _give_back(worker)
    status, result = reply
    if status == "error":
        raise result
    return result
