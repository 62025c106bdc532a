"""The encoding progress bar: a line of text that leaves nothing behind.

In a notebook the bar is one display output updated in place (``display_id``) and emptied when
encoding ends, also on an error: no widget whose model is gone when the notebook is reopened or
served by Voilà ("Error displaying widget: model not found"), and no red stderr line. Elsewhere it
is tqdm on stderr, cleared on close.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from tqdm import tqdm

#: Least time between two updates of the notebook's line.
UPDATE_S = 0.2


class Progress(Protocol):
    def update(self, n: int) -> None: ...


class _NotebookLine:
    """``Encoding: 35% | 630/1,797 items`` in one display output, updated in place."""

    def __init__(self, total: int, desc: str) -> None:
        from IPython.display import display

        self.total, self.desc, self.done, self.shown_at = total, desc, 0, 0.0
        self.handle = display(self._bundle(), raw=True, display_id=True)

    def _bundle(self) -> dict[str, str]:
        share = self.done / self.total if self.total else 1.0
        text = f"{self.desc}: {100 * share:3.0f}% | {self.done:,}/{self.total:,} items"
        return {"text/plain": text}

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.handle is not None and now - self.shown_at >= UPDATE_S:
            self.shown_at = now
            self.handle.update(self._bundle(), raw=True)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.update({"text/plain": ""}, raw=True)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell: Any = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


@contextmanager
def encoding_progress(total: int, *, show: bool, desc: str = "Encoding") -> Iterator[Progress]:
    """Yield a progress bar of ``total`` items (one that shows nothing when not ``show``)."""
    if show and _in_notebook():
        line = _NotebookLine(total, desc)
        try:
            yield line
        finally:
            line.close()
        return
    with tqdm(total=total, desc=desc, unit="item", disable=not show, leave=False) as bar:
        yield bar
