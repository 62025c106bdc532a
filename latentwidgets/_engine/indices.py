"""The one validator of point indices, for every entry point that takes them.

An index is a Python or numpy integer (never a bool, a float or a string) in ``[0, n)``. Many indices
come as a sequence, a numpy array or a torch tensor of integers. Messages name the argument, say
what was expected and what came.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def check_index(value: object, n: int, name: str = "index") -> int:
    """Return ``value`` as an ``int`` in ``[0, n)``, or raise naming ``name``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (a float such as ``1.5`` or ``1.0`` is refused, not rounded).
    IndexError
        If it is outside ``[0, n)``.
    """
    if isinstance(value, torch.Tensor | np.ndarray) and value.ndim == 0:
        value = value.item()
    if not _is_int(value):
        raise TypeError(
            f"{name} must be an integer point index in [0, {n}); got {type(value).__name__} {value!r}"
        )
    index = int(value)  # type: ignore[call-overload]
    if not 0 <= index < n:
        raise IndexError(f"{name} must be a point index in [0, {n}); got {index}")
    return index


def check_indices(values: Any, n: int, name: str = "indices") -> np.ndarray:
    """Return integer point indices as a 1-D ``int64`` array in the order given.

    ``values`` is a sequence (or any iterable) of integers, an integer numpy array or an integer
    torch tensor. A single integer, ``None`` or a string is refused with a message naming ``name``.

    Raises
    ------
    TypeError
        If ``values`` is not a collection of integers.
    IndexError
        If an index is outside ``[0, n)``.
    """
    if values is None or isinstance(values, str | bytes) or _is_int(values):
        hint = f" (wrap one index in a list: [{values!r}])" if _is_int(values) else ""
        raise TypeError(
            f"{name} must be a sequence of integer point indices; got "
            f"{type(values).__name__} {values!r:.80}{hint}"
        )
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    if isinstance(values, np.ndarray):
        array = values.reshape(-1)
        if array.size and array.dtype.kind not in "iu":
            raise TypeError(
                f"{name} must hold integer point indices; got an array of dtype {array.dtype}"
            )
        array = array.astype(np.int64, copy=False)
    else:
        if not isinstance(values, Iterable):
            raise TypeError(
                f"{name} must be a sequence of integer point indices; got {type(values).__name__}"
            )
        items = list(values)
        bad = next((v for v in items if not _is_int(v)), None)
        if bad is not None:
            raise TypeError(
                f"{name} must hold integer point indices; got {type(bad).__name__} {bad!r:.80}"
            )
        array = np.asarray(items, dtype=np.int64).reshape(-1)
    if array.size and (array.min() < 0 or array.max() >= n):
        wrong = int(array[(array < 0) | (array >= n)][0])
        raise IndexError(f"{name} must be point indices in [0, {n}); got {wrong}")
    return array
