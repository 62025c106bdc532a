"""An LRU cache of tensors bounded in bytes, safe to share between threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import numpy as np
import torch


def check_byte_bound(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` byte count >= 0, or raise naming ``name``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (a float such as ``1e6`` is refused, not rounded).
    ValueError
        If it is negative.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int >= 0; got {type(value).__name__} {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be an int >= 0; got {value!r}")
    return int(value)


def nbytes(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return value.element_size() * value.nelement()
    if isinstance(value, tuple | list):
        return sum(nbytes(v) for v in value)
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    return getattr(value, "nbytes", 0)


class ByteLRUCache:
    """Least-recently-used mapping whose values together never exceed ``max_bytes``.

    Values stay where they are (a CUDA tensor stays on its device). A value larger than the whole
    bound is not stored.

    Parameters
    ----------
    max_bytes : int
        Bound on the summed size of the values; 0 stores nothing.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = check_byte_bound(max_bytes, "max_bytes")
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.nbytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any) -> None:
        size = nbytes(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old[1]
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            self.nbytes += size
            while self.nbytes > self.max_bytes:
                _, (_, evicted) = self._items.popitem(last=False)
                self.nbytes -= evicted

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0
