"""Run a long computation (a projection fit) on a daemon thread, off the kernel's main thread.

``fn`` receives a progress ``callback(fraction, message, coords)`` (see ``projections``); once the
task is cancelled that callback returns ``True``, which stops a projection with
``ProjectionCancelled``. After ``cancel()`` returns, none of the task's handlers runs again, so a
task that supersedes another never sees a stale result arrive after its own.

Handlers run on the worker thread, one at a time per task; they must not wait for the thread that
calls ``cancel()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

ProgressHandler = Callable[[float | None, str, np.ndarray | None], object]


class BackgroundTask:
    def __init__(
        self,
        fn: Callable[..., Any],
        on_progress: ProgressHandler | None,
        on_done: Callable[[Any], object] | None,
        on_error: Callable[[BaseException], object] | None,
    ) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._fn = fn
        self._on_progress = on_progress
        self._on_done = on_done
        self._on_error = on_error
        self._cancelled = False
        # Re-entrant so that a handler may cancel its own task.
        self._handler_lock = threading.RLock()
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="latentwidgets-task", daemon=True)

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def cancel(self) -> None:
        with self._handler_lock:
            self._cancelled = True

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the task ends or ``timeout`` seconds pass; return whether it ended."""
        return self._finished.wait(timeout)

    def _handle(self, handler: Callable[..., object] | None, *args: Any) -> None:
        with self._handler_lock:
            if handler is not None and not self._cancelled:
                handler(*args)

    def _callback(self, fraction: float | None, message: str, coords: np.ndarray | None) -> bool:
        self._handle(self._on_progress, fraction, message, coords)
        return self._cancelled

    def _run(self) -> None:
        try:
            self.result = self._fn(callback=self._callback)
            self._handle(self._on_done, self.result)
        except Exception as exc:
            self.error = exc
            if self._on_error is None:
                if not self._cancelled:
                    raise  # threading.excepthook prints it: an error with no handler is not lost
            else:
                self._handle(self._on_error, exc)
        finally:
            self._finished.set()


def run_in_background(
    fn: Callable[..., Any],
    *,
    on_progress: ProgressHandler | None = None,
    on_done: Callable[[Any], object] | None = None,
    on_error: Callable[[BaseException], object] | None = None,
    supersedes: BackgroundTask | None = None,
) -> BackgroundTask:
    """Start ``fn(callback=...)`` on a daemon thread, cancelling ``supersedes`` first."""
    if supersedes is not None:
        supersedes.cancel()
    task = BackgroundTask(fn, on_progress, on_done, on_error)
    task._thread.start()
    return task
