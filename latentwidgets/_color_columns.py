"""Reading a column for colour: its values normalised, missing ones found, names factorised."""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch


def _column(values: Any, name: str) -> np.ndarray:
    if values is None:
        raise TypeError(f"{name} must be an array-like of one value per point; got None")
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    if isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, list | tuple):
        # Not np.asarray: a list of strings would become a <U array as wide as its longest one.
        array = np.array(values, dtype=object)
    else:
        array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional, one value per point; got shape {array.shape}"
        )
    return array


def _check_order(order: Any, name: str) -> list[str]:
    if isinstance(order, str | bytes) or not isinstance(order, Sequence | np.ndarray):
        raise TypeError(
            f"{name} must be a sequence of category names or None; got {type(order).__name__}"
        )
    names = [str(item) for item in order]
    if len(set(names)) != len(names):
        repeated = sorted(item for item, count in Counter(names).items() if count > 1)[:5]
        raise ValueError(f"{name} must name each category once; got repeated names {repeated}")
    return names


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(value != value)
    # pandas.NA and pandas.NaT, recognised without importing pandas.
    return type(value).__name__ in ("NAType", "NaTType")


def _normalise(array: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the column in a dtype that says what it is, and the mask of missing values or None.

    Object arrays whose values are all numbers (missing aside) become numeric arrays, so that a
    list of ints colours like an int array; other object arrays become object arrays of ``str``.
    """
    kind = array.dtype.kind
    if kind == "f":
        missing = np.isnan(array)
        return array, missing if missing.any() else None
    if kind in "mM":
        missing = np.isnat(array)
        return array, missing if missing.any() else None
    if kind == "S":
        return _strings(array.tolist(), None), None
    if kind != "O":
        return array, None
    items = array.tolist()
    types = set(map(type, items))
    if types <= {str}:  # the common case, in one pass of C code
        return array, None
    missing = np.fromiter(map(_is_missing, items), bool, len(items))
    present = [item for item, gone in zip(items, missing, strict=True) if not gone]
    numeric = _numeric(present)
    if numeric is not None:
        filled = np.zeros(len(items), dtype=numeric.dtype)
        filled[~missing] = numeric
        if numeric.dtype.kind == "f":
            filled[missing] = np.nan
        return filled, missing if missing.any() else None
    return _strings(items, missing), missing if missing.any() else None


def _numeric(items: list[Any]) -> np.ndarray | None:
    """Return the items as a bool, int64 or float64 array if all are numbers, else None."""
    if not items or not all(isinstance(item, numbers.Real) for item in items):
        return None
    if all(isinstance(item, bool | np.bool_) for item in items):
        return np.asarray(items, dtype=bool)
    if all(isinstance(item, numbers.Integral) for item in items):
        try:
            return np.asarray(items, dtype=np.int64)
        except OverflowError:
            return None
    return np.asarray(items, dtype=np.float64)


def _strings(items: list[Any], missing: np.ndarray | None) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    gone = [False] * len(items) if missing is None else missing.tolist()
    out[:] = [None if g else _name(item) for item, g in zip(items, gone, strict=True)]
    return out


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _factorize(array: np.ndarray, missing: np.ndarray | None) -> tuple[list[str], np.ndarray]:
    """Sorted category names and codes (-1 where missing) of an object array of ``str``.

    Dict lookups in C loops: hashing a 20,000-character label costs microseconds, where
    ``np.unique(array.astype(str))`` would first copy every label into a 20,000-wide array.
    Missing values are None here (see :func:`_strings`).
    """
    items = array.tolist()
    names = sorted(name for name in dict.fromkeys(items) if name is not None)
    lookup: dict[Any, int] = dict(zip(names, range(len(names)), strict=True))
    lookup[None] = -1
    return names, np.fromiter(map(lookup.__getitem__, items), np.int64, len(items))


def _lookup(
    array: np.ndarray, missing: np.ndarray | None, names: list[str]
) -> tuple[list[str], np.ndarray]:
    """Codes of a column by a given order of names (-1 where missing)."""
    index = {name: code for code, name in enumerate(names)}
    gone = [False] * len(array) if missing is None else missing.tolist()
    strings = array.tolist() if array.dtype == object else [str(v) for v in array.tolist()]
    codes = np.fromiter(
        (-1 if g else index.get(s, -2) for s, g in zip(strings, gone, strict=True)), np.int64
    )
    if (codes == -2).any():
        unknown = sorted({s for s, c in zip(strings, codes.tolist(), strict=True) if c == -2})
        raise ValueError(
            f"order must name every value; got values not in it: {[u[:40] for u in unknown[:5]]}"
            + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        )
    return names, codes
