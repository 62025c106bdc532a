"""Latent traversals: codes along one direction through an origin, spaced in standard deviations.

A direction is a latent dimension, a principal direction of the codes, a given vector or a named
attribute vector; a traversal walks ``span`` standard deviations of the codes (measured along that
direction) either side of the origin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import torch

from .._engine.pca import torch_pca
from ._checks import as_vector, check_int, check_latents
from .interpolation import check_steps

_PC = re.compile(r"pc([1-9][0-9]*)")


def principal_directions(latents: torch.Tensor, k: int) -> torch.Tensor:
    """Return the ``k`` principal directions of the codes, by decreasing variance.

    Parameters
    ----------
    latents : torch.Tensor
        ``(N, D)`` codes, N >= 2.
    k : int
        How many, in ``[1, D]``.

    Returns
    -------
    torch.Tensor
        ``(k, D)`` unit vectors on the codes' device, in their dtype, with PCA's sign convention
        (each vector's largest entry in absolute value is positive).
    """
    latents = check_latents(latents, min_rows=2)
    k = check_int(k, "k", 1, latents.shape[1])
    with torch.inference_mode():
        _, components, _, _ = torch_pca(latents, k)
    return components.to(latents.dtype).clone()


def direction_vector(
    direction: int | str | torch.Tensor | np.ndarray,
    latents: torch.Tensor,
    vectors: Mapping[str, torch.Tensor],
) -> torch.Tensor:
    """Resolve a direction given by name, number or value into a ``(D,)`` vector.

    Parameters
    ----------
    direction : int, str, torch.Tensor or numpy.ndarray
        An int ``i`` in ``[0, D)``: latent dimension ``i`` (a one-hot vector). ``"pc1"``,
        ``"pc2"``, ...: the principal directions. A key of ``vectors``: that vector. A tensor or
        array of length D: itself.
    latents : torch.Tensor
        ``(N, D)`` codes.
    vectors : mapping of str to torch.Tensor
        Named vectors, e.g. saved attribute vectors.

    Returns
    -------
    torch.Tensor
        ``(D,)`` on the codes' device, in their dtype (not normalised).

    Raises
    ------
    TypeError, ValueError
        For a direction that is none of these; the message lists the choices.
    """
    latents = check_latents(latents)
    d = latents.shape[1]
    names = list(vectors)
    choices = (
        f"an int latent dimension in [0, {d}), 'pc1' ... 'pc{d}', a tensor of shape ({d},)"
        + (f", or one of the vectors {names}" if names else " (no named vectors yet)")
    )
    if isinstance(direction, torch.Tensor | np.ndarray) and direction.ndim > 0:
        return as_vector(direction, latents, "direction")
    if isinstance(direction, bool) or not isinstance(direction, int | np.integer | str):
        raise TypeError(f"direction must be {choices}; got {type(direction).__name__}")
    if isinstance(direction, str):
        if direction in vectors:
            return as_vector(vectors[direction], latents, f"vectors[{direction!r}]")
        match = _PC.fullmatch(direction)
        if match is not None and int(match.group(1)) <= d:
            k = int(match.group(1))
            return principal_directions(latents, k)[k - 1]
        raise ValueError(f"direction must be {choices}; got {direction!r}")
    if not 0 <= direction < d:
        raise ValueError(f"direction must be {choices}; got the int {direction}")
    one_hot = torch.zeros(d, device=latents.device, dtype=latents.dtype)
    one_hot[int(direction)] = 1.0
    return one_hot


def traversal_codes(
    origin: torch.Tensor,
    direction: torch.Tensor,
    latents: torch.Tensor,
    *,
    span: float = 3.0,
    steps: int = 9,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Codes ``origin + t * unit(direction)``, ``t`` evenly spaced over ``span`` standard deviations.

    Parameters
    ----------
    origin : torch.Tensor
        ``(D,)`` code the traversal passes through (its middle frame when ``steps`` is odd).
    direction : torch.Tensor
        ``(D,)`` direction, any length but zero.
    latents : torch.Tensor
        ``(N, D)`` codes: their standard deviation ``s`` along the unit direction sets the scale.
    span : float, default 3.0
        ``t`` runs from ``-span * s`` to ``+span * s``.
    steps : int, default 9
        Number of codes, in ``[2, 1024]``.

    Returns
    -------
    codes : torch.Tensor
        ``(steps, D)`` on the codes' device, in their dtype.
    offsets : torch.Tensor
        ``(steps,)`` the ``t`` of each code, in latent units.

    Raises
    ------
    ValueError
        If ``direction`` is zero, the codes do not vary along it, ``span`` is not a positive
        finite number or ``steps`` is out of range.
    """
    latents = check_latents(latents, min_rows=2)
    origin = as_vector(origin, latents, "origin")
    direction = as_vector(direction, latents, "direction")
    if isinstance(span, bool) or not isinstance(span, int | float) or not 0 < span < float("inf"):
        raise ValueError(f"span must be a positive number of standard deviations; got {span!r}")
    check_steps(steps)
    norm = direction.norm()
    if float(norm) == 0.0:
        raise ValueError("direction is the zero vector: it points nowhere; pick another direction")
    unit = direction / norm
    with torch.inference_mode():
        spread = float((latents @ unit).std())
    if spread == 0.0:
        raise ValueError(
            "direction: the codes do not vary along it (standard deviation 0), so a span in "
            "standard deviations is empty; pick another direction"
        )
    offsets = torch.linspace(
        -span * spread, span * spread, steps, device=latents.device, dtype=latents.dtype
    )
    return origin + offsets[:, None] * unit, offsets
