"""The checks of :mod:`latentwidgets.export`'s arguments: paths, texts, counts, coordinates."""

from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch


def _path(path: Any) -> Path:
    if isinstance(path, str | os.PathLike):
        return Path(path)
    raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}")


def _check_str(text: Any, name: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str; got {type(text).__name__}")
    return text


def _check_count(count: Any, name: str) -> int:
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise TypeError(f"{name} must be a positive int; got {type(count).__name__} {count!r}")
    if count < 1:
        raise ValueError(f"{name} must be a positive int; got {count!r}")
    return int(count)


def _check_positive(number: Any, name: str, expected: str) -> float:
    if isinstance(number, bool) or not isinstance(number, numbers.Real):
        raise TypeError(f"{name} must be {expected}; got {type(number).__name__} {number!r}")
    if not 0 < float(number) < float("inf"):
        raise ValueError(f"{name} must be {expected}; got {number!r}")
    return float(number)


def _to_numpy(values: Any) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)


def _coords(coords: Any) -> np.ndarray:
    xy = _to_numpy(coords)
    if xy.ndim != 2 or xy.shape[1] != 2 or xy.shape[0] == 0:
        raise ValueError(f"coords must have shape (N, 2) with N >= 1; got shape {xy.shape}")
    if xy.dtype.kind not in "biuf":
        raise ValueError(f"coords must hold numbers; got dtype {xy.dtype}")
    xy = xy.astype(np.float64)
    if not np.isfinite(xy).all():
        raise ValueError("coords must be finite; got NaN or infinite values")
    return xy
