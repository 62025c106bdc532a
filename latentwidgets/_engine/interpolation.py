"""Linear and spherical interpolation between latent codes, batched over all frames at once.

Everything is plain torch on the codes' own device: a path of F frames is one ``(F, D)`` tensor,
ready to be decoded in one batch. The maths lives here, below the code store that decodes the
frames; :mod:`latentwidgets.operations.interpolation` is its public home.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import torch

Method = Literal["lerp", "slerp"]
METHODS: tuple[str, ...] = ("lerp", "slerp")

# Below this angle (radians) the great circle and the chord agree to float32 precision.
_PARALLEL_EPS = 1e-4


def _as_times(t: torch.Tensor | Sequence[float] | float, like: torch.Tensor) -> torch.Tensor:
    times = torch.as_tensor(t, dtype=like.dtype, device=like.device)
    return times.reshape(-1, 1) if times.ndim else times.reshape(1, 1)


def _check_pair(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor):
        raise TypeError(
            f"a and b must be torch.Tensor; got {type(a).__name__} and {type(b).__name__}"
        )
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(
            f"a and b must be 1-D codes of the same length; got shapes {tuple(a.shape)} and "
            f"{tuple(b.shape)}"
        )
    if not (torch.isfinite(a).all() and torch.isfinite(b).all()):
        raise ValueError("a and b must be finite; got NaN or inf values")
    dtype = a.dtype if a.dtype.is_floating_point else torch.float32
    return a.to(dtype), b.to(device=a.device, dtype=dtype)


def lerp(
    a: torch.Tensor, b: torch.Tensor, t: torch.Tensor | Sequence[float] | float
) -> torch.Tensor:
    """Linear interpolation ``(1 - t) a + t b``.

    Parameters
    ----------
    a, b : torch.Tensor
        End codes, shape ``(D,)``, on the same device.
    t : float or sequence of float or torch.Tensor
        Interpolation times; 0 gives ``a``, 1 gives ``b``.

    Returns
    -------
    torch.Tensor
        ``(len(t), D)`` codes on the device of ``a``.
    """
    a, b = _check_pair(a, b)
    times = _as_times(t, a)
    return a + times * (b - a)


def _orthogonal(unit: torch.Tensor) -> torch.Tensor:
    """Return a unit vector orthogonal to ``unit``, deterministic (for opposite end points)."""
    axis = torch.zeros_like(unit)
    axis[int(torch.argmin(unit.abs()))] = 1.0
    other = axis - (axis @ unit) * unit
    return other / other.norm()


def slerp(
    a: torch.Tensor, b: torch.Tensor, t: torch.Tensor | Sequence[float] | float
) -> torch.Tensor:
    """Spherical interpolation: the direction moves along the great circle, the norm linearly.

    For codes of equal norm this is the classic slerp of Shoemake (1985), which keeps samples of a
    Gaussian prior at the norm where the prior puts its mass, whereas a straight line passes through
    the low-density centre. Nearly parallel codes fall back to :func:`lerp`; exactly opposite codes,
    whose great circle is not unique, turn through a fixed orthogonal direction.

    Parameters
    ----------
    a, b : torch.Tensor
        End codes, shape ``(D,)``, on the same device.
    t : float or sequence of float or torch.Tensor
        Interpolation times; 0 gives ``a``, 1 gives ``b``.

    Returns
    -------
    torch.Tensor
        ``(len(t), D)`` codes on the device of ``a``.
    """
    a, b = _check_pair(a, b)
    times = _as_times(t, a)
    norm_a, norm_b = a.norm(), b.norm()
    if float(norm_a) == 0.0 or float(norm_b) == 0.0:
        return lerp(a, b, t)
    unit_a, unit_b = a / norm_a, b / norm_b
    cos = torch.clamp(unit_a @ unit_b, -1.0, 1.0)
    omega = float(torch.arccos(cos))
    if omega < _PARALLEL_EPS:
        return lerp(a, b, t)
    if math.pi - omega < _PARALLEL_EPS:
        other = _orthogonal(unit_a)
        direction = torch.cos(math.pi * times) * unit_a + torch.sin(math.pi * times) * other
    else:
        sin = math.sin(omega)
        direction = (
            torch.sin((1 - times) * omega) * unit_a + torch.sin(times * omega) * unit_b
        ) / sin
    norm = (1 - times) * norm_a + times * norm_b
    return norm * direction


def interpolate(
    a: torch.Tensor, b: torch.Tensor, steps: int = 16, method: Method = "slerp"
) -> torch.Tensor:
    """Codes of ``steps`` evenly spaced frames from ``a`` to ``b``, both included.

    Parameters
    ----------
    a, b : torch.Tensor
        End codes, shape ``(D,)``.
    steps : int, default 16
        Number of frames, at least 2.
    method : {"slerp", "lerp"}, default "slerp"
        Spherical or linear interpolation.

    Returns
    -------
    torch.Tensor
        ``(steps, D)`` codes on the device of ``a``.
    """
    check_steps(steps)
    check_method(method)
    times = torch.linspace(0.0, 1.0, steps, device=a.device)
    return (slerp if method == "slerp" else lerp)(a, b, times)


def interpolate_path(
    codes: torch.Tensor, steps: int = 16, method: Method = "slerp"
) -> torch.Tensor:
    """Codes along a path through several codes, ``steps`` frames per segment, corners shared.

    Parameters
    ----------
    codes : torch.Tensor
        ``(K, D)`` way points, K >= 2.
    steps : int, default 16
        Frames per segment, both ends included.
    method : {"slerp", "lerp"}, default "slerp"
        Spherical or linear interpolation.

    Returns
    -------
    torch.Tensor
        ``((K - 1) * (steps - 1) + 1, D)`` codes.
    """
    if not isinstance(codes, torch.Tensor) or codes.ndim != 2 or codes.shape[0] < 2:
        shape = tuple(codes.shape) if isinstance(codes, torch.Tensor) else type(codes).__name__
        raise ValueError(f"codes must be a (K, D) tensor with K >= 2; got {shape}")
    segments = [interpolate(codes[k], codes[k + 1], steps, method) for k in range(len(codes) - 1)]
    return torch.cat([segments[0], *(s[1:] for s in segments[1:])])


def check_steps(steps: object) -> int:
    """Return ``steps`` if it is a valid frame count, else raise ValueError."""
    if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= 1024:
        raise ValueError(f"steps must be an int in [2, 1024]; got {steps!r}")
    return steps


def check_method(method: object) -> str:
    """Return ``method`` if it is a known interpolation method, else raise ValueError."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}; got {method!r}")
    return str(method)
