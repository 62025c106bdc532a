"""Argument checks shared by the operations.

Each message names the argument, says what was expected, what came, and how to fix it.
"""

from __future__ import annotations

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
    """``value`` as an int in ``[low, high]`` (no upper bound where ``high`` is None), or raise."""
    where = f"in [{low}, {high}]" if high is not None else f">= {low}"
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int {where}; got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be an int {where}; got {value!r}")
    return int(value)


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
