"""One undo/redo timeline over the state a person edits by hand: the selection, tags, the filter.

Each kind of state is tracked by the feature that owns it (:meth:`Timeline.track` with a function
that puts a value back) and recorded by it on every change, from Python or from the browser
(:meth:`Timeline.record`). Undo puts the value before a step back; restoring is not recorded, so
an undo is never itself a step. A new step clears what could be redone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Most steps kept; the oldest go first.
MAX_STEPS = 100
#: Most bytes of kept values (a step of a 10M-point selection holds 40 MB): the oldest go first.
MAX_BYTES = 512 * 2**20


@dataclass(frozen=True)
class Step:
    """One change: what ``key`` was before and after it."""

    key: str
    before: Any
    after: Any

    @property
    def nbytes(self) -> int:
        return _nbytes(self.before) + _nbytes(self.after)


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, Mapping):
        return sum(_nbytes(v) + len(str(k)) for k, v in value.items())
    if isinstance(value, str):
        return len(value)
    return 8


class Timeline:
    """Steps to undo and redo, within :data:`MAX_STEPS` and :data:`MAX_BYTES`.

    Values must not be changed in place after they are recorded (the features record new arrays
    and dicts), so a step keeps them without copying.
    """

    def __init__(self, max_steps: int = MAX_STEPS, max_bytes: int = MAX_BYTES) -> None:
        self.max_steps, self.max_bytes = max_steps, max_bytes
        self._restore: dict[str, Callable[[Any], None]] = {}
        self._done: deque[Step] = deque()
        self._undone: list[Step] = []
        self._restoring = False
        self._listeners: list[Callable[[], None]] = []

    def track(self, key: str, restore: Callable[[Any], None]) -> None:
        """Keep steps of ``key``; ``restore(value)`` puts a value of it back."""
        self._restore[key] = restore

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever what can be undone or redone changes."""
        self._listeners.append(listener)

    def record(self, key: str, before: Any, after: Any) -> None:
        """A change of ``key`` made by a person or by code (not by undo or redo itself)."""
        if self._restoring or key not in self._restore or _same(before, after):
            return
        self._done.append(Step(key, before, after))
        self._undone.clear()
        held = sum(step.nbytes for step in self._done)
        while len(self._done) > self.max_steps or (held > self.max_bytes and len(self._done) > 1):
            held -= self._done.popleft().nbytes
        self._changed()

    def undo(self) -> str | None:
        """Put back the state before the last step; the key it changed, or None if none."""
        if not self._done:
            return None
        step = self._done.pop()
        self._put(step.key, step.before)
        self._undone.append(step)
        self._changed()
        return step.key

    def redo(self) -> str | None:
        """Apply again the last undone step; the key it changed, or None if none."""
        if not self._undone:
            return None
        step = self._undone.pop()
        self._put(step.key, step.after)
        self._done.append(step)
        self._changed()
        return step.key

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Changes made inside are not steps (a session being loaded, or put back)."""
        restoring, self._restoring = self._restoring, True
        try:
            yield
        finally:
            self._restoring = restoring

    def clear(self) -> None:
        """Forget every step (a loaded session starts a new timeline)."""
        self._done.clear()
        self._undone.clear()
        self._changed()

    @property
    def can_undo(self) -> int:
        """How many steps can be undone."""
        return len(self._done)

    @property
    def can_redo(self) -> int:
        """How many steps can be redone."""
        return len(self._undone)

    def _put(self, key: str, value: Any) -> None:
        self._restoring = True
        try:
            self._restore[key](value)
        finally:
            self._restoring = False

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)
