"""Argument checks shared by the operations.

Each message names the argument, says what was expected, what came, and how to fix it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch


def check_latents(latents: object, name: str = "latents", min_rows: int = 1) -> torch.Tensor:
    """``latents`` as a 2-D floating-point tensor with at least ``min_rows`` rows, or raise."""
    if not isinstance(latents, torch.Tensor):
        fix = f": pass torch.as_tensor({name})" if isinstance(latents, np.ndarray | list) else ""
        raise TypeError(
            f"{name} must be a torch.Tensor of shape (N, D); got {type(latents).__name__}{fix}"
        )
    if latents.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D, shape (N, D); got shape {tuple(latents.shape)} (flatten "
            f"spatial codes with {name}.reshape(len({name}), -1))"
        )
    if not latents.is_floating_point():
        raise TypeError(
            f"{name} must be floating point; got dtype {latents.dtype}: pass {name}.float()"
        )
    if latents.shape[0] < min_rows or latents.shape[1] < 1:
        raise ValueError(
            f"{name} must hold at least {min_rows} code(s) of at least one value; got shape "
            f"{tuple(latents.shape)}"
        )
    return latents.detach()


def check_int(value: object, name: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as a Python int in ``[low, high]``, or raise naming ``name``.

    Parameters
    ----------
    value : object
        A Python or numpy integer (``np.int64(4)`` is as good as ``4``); bools are refused.
    name : str
        The argument's name in messages.
    low : int
        Smallest value allowed.
    high : int, optional
        Largest value allowed; no upper bound where None.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If it is outside ``[low, high]``.
    """
    where = f"in [{low}, {high}]" if high is not None else f">= {low}"
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        fix = (
            f" (pass int({name}))"
            if isinstance(value, float | np.floating) and float(value).is_integer()
            else ""
        )
        raise TypeError(f"{name} must be an int {where}; got {type(value).__name__} {value!r}{fix}")
    number = int(value)
    if number < low or (high is not None and number > high):
        raise ValueError(f"{name} must be an int {where}; got {number!r}")
    return number


def check_float(
    value: object,
    name: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite Python float in the range given, or raise naming ``name``.

    Parameters
    ----------
    value : object
        A Python or numpy number (``np.float32(0.5)``, ``np.int64(2)``); bools are refused.
    name : str
        The argument's name in messages.
    low, high : float, optional
        Bounds of the range; none where None.
    low_open, high_open : bool, default False
        Whether the bound itself is excluded (``(0, 1]`` is ``low=0, low_open=True, high=1``).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If it is NaN, infinite or outside the range.
    """
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    where = (
        f"a finite number in {left}{'-inf' if low is None else f'{low:g}'}, "
        f"{'inf' if high is None else f'{high:g}'}{right}"
    )
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise TypeError(f"{name} must be {where}; got {type(value).__name__} {value!r}")
    number = float(value)
    outside = (
        not np.isfinite(number)
        or (low is not None and (number < low or (low_open and number == low)))
        or (high is not None and (number > high or (high_open and number == high)))
    )
    if outside:
        raise ValueError(f"{name} must be {where}; got {number!r}")
    return number


SEED_MAX = 2**63 - 1
"""Largest seed taken: ``torch.Generator.manual_seed`` reads a seed as a signed 64-bit integer."""


def check_seed(value: object, name: str = "seed", high: int = SEED_MAX) -> int | None:
    """Return a seed as a Python int in ``[0, high]``, or None; else raise naming ``name``.

    Parameters
    ----------
    value : object
        None (a fresh draw each time) or a Python or numpy integer.
    name : str, default "seed"
        The argument's name in messages.
    high : int, default 2**63 - 1
        Largest seed taken: 2**63 - 1 for torch generators, 2**32 - 1 where the seed goes to
        numpy's ``RandomState`` (umap-learn, scikit-learn).

    Returns
    -------
    int or None

    Raises
    ------
    TypeError
        If ``value`` is neither None nor an integer.
    ValueError
        If it is negative or above ``high``.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            f"{name} must be None or an int in [0, {high}]; got {type(value).__name__} {value!r}"
        )
    number = int(value)
    if not 0 <= number <= high:
        fix = f"; e.g. {name}={number % (high + 1)}" if number > high else ""
        raise ValueError(
            f"{name} must be None or an int in [0, {high}] (2**{(high + 1).bit_length() - 1} - 1"
            f"); got {number}{fix}"
        )
    return number


def check_choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``, or raise listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}")
    return value


def as_vector(value: Any, like: torch.Tensor, name: str) -> torch.Tensor:
    """Return a 1-D tensor or array of length ``like.shape[1]`` as a tensor on ``like``'s device/dtype."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers; got an array of dtype {value.dtype}")
        value = torch.from_numpy(np.array(value, dtype=np.float64))
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (D,); got {type(value).__name__}")
    d = like.shape[1]
    if value.shape != (d,):
        raise ValueError(
            f"{name} must have shape ({d},), one value per latent dimension; got "
            f"{tuple(value.shape)}"
        )
    vector = value.detach().to(device=like.device, dtype=like.dtype)
    if not bool(torch.isfinite(vector).all()):
        raise ValueError(f"{name} must be finite; got NaN or inf values")
    return vector


def check_output_path(
    path: object, name: str = "path", *, folder: bool = False, create_parents: bool = False
) -> Path:
    """Return where a file (or a folder of files) will be written, after checking it can be.

    Writers call this before any work, so that a typo in a folder name fails at once, naming the
    argument, and not after a page or a pipeline has been built.

    Parameters
    ----------
    path : str or os.PathLike
        The target.
    name : str, default "path"
        The argument's name in messages.
    folder : bool, default False
        Whether the target is a folder (an existing one is fine, an existing file is not), else a
        file (an existing file is overwritten, an existing folder is refused).
    create_parents : bool, default False
        Whether the writer creates missing parent folders itself (Ray's Parquet writer does):
        then the nearest existing ancestor must be a writable folder; else the parent folder must
        exist.

    Returns
    -------
    pathlib.Path
        ``path``, with ``~`` expanded.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    FileNotFoundError
        If the parent folder does not exist.
    NotADirectoryError
        If a parent is a file.
    IsADirectoryError
        If a file is to be written where a folder is.
    FileExistsError
        If a folder is to be written where a file is.
    PermissionError
        If the folder that would receive the target is not writable.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name} must be a str or os.PathLike; got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str) or not text:
        raise ValueError(f"{name} must be a non-empty path; got {path!r}")
    target = Path(text).expanduser()
    shown = f"{name}={text!r}"
    if target.is_dir() and not folder:
        raise IsADirectoryError(
            f"{shown} is a folder; expected a file path: pass a file name inside it, e.g. "
            f"{str(target / 'page.html')!r}"
        )
    if target.exists() and not target.is_dir() and folder:
        raise FileExistsError(f"{shown} is a file; expected a folder: pass a new folder's path")
    parent = target.absolute().parent
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(
            f"{shown}: {str(existing)!r} is a file, not a folder, so nothing can be written under "
            "it: pass a path inside a folder"
        )
    if existing != parent and not create_parents:
        raise FileNotFoundError(
            f"{shown}: the folder {str(parent)!r} does not exist: create it first "
            f"(pathlib.Path({str(parent)!r}).mkdir(parents=True)) or pass a path in an existing "
            "folder"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(
            f"{shown}: the folder {str(existing)!r} is not writable: pass a path in a folder you "
            "can write to"
        )
    return target
