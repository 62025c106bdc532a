"""Decode anywhere: the code behind a position on the map, and grids of positions.

Where the projection can be inverted (PCA, UMAP), a map position goes back through it. Elsewhere
(t-SNE, or a projection fitted to more than two components) the code is the inverse-distance
weighted mean of the codes of the nearest points on the map: an estimate, flagged as such.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ._checks import check_int, check_latents

# Above this many query-point pairs the nearest map points come from a k-d tree, not brute force.
_BRUTE_PAIRS = 2**24

MAP_REACH = 1e6
"""How far from the map's points a probed position may lie, in widths of the map.

A million map widths away no data constrains the code behind a position (the nearest points are
the same for all such positions; an inverse extrapolates), and float32, the map's precision,
overflows for far ones (``decode_at(1e300, 0)``): so a position past this reach is refused, with
a message naming the argument and the range.
"""

_AXES = ("x", "y")
# float32's largest value is 3.4e38; a margin keeps a grid's sums and widths finite there too.
_FLOAT32_SAFE = 1e37


def map_range(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the positions a probe may ask for: the map's box widened by MAP_REACH widths.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(N, 2)`` map positions of the points.

    Returns
    -------
    low, high : numpy.ndarray
        ``(2,)`` float64 bounds on x and y. The width is that of the map's widest axis, or 1
        where all points sit on one spot.
    """
    points = np.asarray(coords, dtype=np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    width = float((high - low).max())
    reach = MAP_REACH * (width if width > 0 else 1.0)
    return low - reach, high + reach


def check_position(
    value: object, coords: np.ndarray, name: str, axis: int | None = None
) -> np.ndarray:
    """Return map positions as float64 after checking they lie within reach of the map.

    Parameters
    ----------
    value : float or array-like
        A coordinate (``axis`` given: 0 for x, 1 for y), or ``(M, 2)`` / ``(2,)`` positions.
    coords : numpy.ndarray
        ``(N, 2)`` map positions of the points.
    name : str
        The argument's name in messages, e.g. ``"x"`` or ``"bounds"``.
    axis : int, optional
        The axis of a single coordinate or of a flat array of them; None for ``(..., 2)``
        positions.

    Returns
    -------
    numpy.ndarray
        ``value`` as float64, in its own shape.

    Raises
    ------
    TypeError
        If ``value`` is not numbers.
    ValueError
        If it is not finite or lies outside :func:`map_range`, naming the range.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numbers (map positions); got {value!r:.80}") from error
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite map positions; got NaN or inf in {value!r:.80}")
    low, high = map_range(coords)
    for a in (0, 1) if axis is None else (axis,):
        values = array[..., a] if axis is None else array
        outside = (values < low[a]) | (values > high[a])
        if np.any(outside):
            bad = float(np.asarray(values)[outside].flat[0])
            raise ValueError(
                f"{name}: {_AXES[a]} = {bad:.6g} is too far from the map; expected {_AXES[a]} in "
                f"[{low[a]:.6g}, {high[a]:.6g}], the box of the map's points widened by "
                f"{MAP_REACH:.0e} map widths: farther out no data constrains the code, and "
                "float32 positions overflow. Pass a position on or near the map"
            )
    return array


def _check_xy(xy: Any, name: str) -> np.ndarray:
    array = np.asarray(xy.cpu() if isinstance(xy, torch.Tensor) else xy)
    if array.ndim == 1 and array.shape == (2,):
        array = array[None]
    if array.ndim != 2 or array.shape[1] != 2 or array.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must be an (M, 2) array of map positions (x, y); got {array.dtype} of shape "
            f"{array.shape}"
        )
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite; got NaN or inf positions")
    return array


def _invertible(projection: Any) -> bool:
    if not getattr(projection, "can_inverse_transform", False):
        return False
    # Two map coordinates determine a code only when the projection has two components.
    components = getattr(projection, "components_", None)
    if components is not None:
        return int(components.shape[0]) == 2
    return getattr(projection, "n_components", 2) == 2


def _nearest(coords: np.ndarray, xy: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return indices and distances of the k map points nearest to each position."""
    if len(xy) * len(coords) <= _BRUTE_PAIRS:
        squared = ((xy[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2)
        index = np.argpartition(squared, k - 1, axis=1)[:, :k]
        distance = np.sqrt(np.take_along_axis(squared, index, axis=1))
        return index, distance
    from scipy.spatial import cKDTree

    distance, index = cKDTree(coords).query(xy, k=k)
    return index.reshape(len(xy), k), distance.reshape(len(xy), k)


def code_at(
    projection: Any,
    coords: np.ndarray,
    latents: torch.Tensor,
    xy: np.ndarray,
    *,
    k: int = 8,
) -> tuple[torch.Tensor, bool]:
    """Return the latent codes behind positions on the map.

    Parameters
    ----------
    projection : Projection
        The fitted projection that made the map.
    coords : numpy.ndarray
        ``(N, 2)`` map positions of the codes, in the projection's units.
    latents : torch.Tensor
        ``(N, D)`` codes.
    xy : numpy.ndarray
        ``(M, 2)`` positions to probe (a single ``(2,)`` position is taken as ``M = 1``), in the
        same units as ``coords``.
    k : int, default 8
        Neighbours mixed where the projection cannot be inverted (at most N are used).

    Returns
    -------
    codes : torch.Tensor
        ``(M, D)`` on the latents' device, in their dtype.
    exact : bool
        True when the codes came from ``projection.inverse_transform`` (PCA with two
        components; UMAP, whose inverse is itself an approximation); False when they are the
        inverse-distance weighted mean of the ``k`` nearest map points' codes. A position
        exactly on a data point then gives that point's code.

    Raises
    ------
    TypeError, ValueError
        If ``coords``, ``latents``, ``xy`` or ``k`` is malformed, naming it.
    """
    latents = check_latents(latents)
    coords = _check_xy(coords, "coords")
    if len(coords) != len(latents):
        raise ValueError(
            f"coords must have one position per code ({len(latents)}); got {len(coords)}"
        )
    xy = check_position(_check_xy(xy, "xy"), coords, "xy")
    k = min(check_int(k, "k", 1), len(latents))
    if _invertible(projection):
        codes = projection.inverse_transform(xy.astype(np.float32))
        codes = torch.as_tensor(np.asarray(codes) if not isinstance(codes, torch.Tensor) else codes)
        return codes.to(device=latents.device, dtype=latents.dtype), True
    index, distance = _nearest(coords, xy, k)
    with np.errstate(divide="ignore"):
        weights = 1.0 / distance
    on_point = ~np.isfinite(weights)
    hit = on_point.any(axis=1)
    # A position on a data point takes that point's code: all its weight on the (first) hit.
    weights[hit] = np.where(on_point[hit] & (on_point[hit].cumsum(axis=1) == 1), 1.0, 0.0)
    weights /= weights.sum(axis=1, keepdims=True)
    gathered = latents[torch.from_numpy(index.astype(np.int64)).to(latents.device)]
    mix = torch.from_numpy(weights).to(device=latents.device, dtype=latents.dtype)
    return (mix[:, :, None] * gathered).sum(dim=1), False


def grid(
    bounds: tuple[float, float, float, float], size: int, *, coords: np.ndarray | None = None
) -> np.ndarray:
    """Centres of a ``size`` x ``size`` grid of cells over the map, row by row from the top.

    Parameters
    ----------
    bounds : tuple of 4 float
        ``(x0, x1, y0, y1)``, with ``x0 < x1`` and ``y0 < y1``.
    size : int
        Cells per side, in ``[2, 64]``.
    coords : numpy.ndarray, optional
        ``(N, 2)`` map positions of the points: the bounds must then lie within
        :func:`map_range` of them (the check :func:`code_at` makes of each position, made here
        first, so that the error names ``bounds``). Without them, bounds beyond float32's range
        are refused.

    Returns
    -------
    numpy.ndarray
        ``(size * size, 2)`` float64 positions: the first row is the top one (largest y), each row
        left to right, so that images decoded in this order and laid out row by row read like the
        map.

    Raises
    ------
    TypeError, ValueError
        If ``bounds`` is not four finite numbers in increasing pairs, lies beyond the map's
        reach, or ``size`` is out of range.
    """
    if not isinstance(bounds, tuple | list | np.ndarray) or len(bounds) != 4:
        raise ValueError(f"bounds must be (x0, x1, y0, y1), four numbers; got {bounds!r}")
    try:
        x0, x1, y0, y1 = (float(v) for v in bounds)
    except (TypeError, ValueError) as error:
        raise TypeError(f"bounds must be (x0, x1, y0, y1), four numbers; got {bounds!r}") from error
    if not all(np.isfinite([x0, x1, y0, y1])) or not (x0 < x1 and y0 < y1):
        raise ValueError(
            f"bounds must be finite (x0, x1, y0, y1) with x0 < x1 and y0 < y1; got {bounds!r}"
        )
    if coords is not None:
        check_position([[x0, y0], [x1, y1]], _check_xy(coords, "coords"), "bounds")
    elif max(abs(x0), abs(x1), abs(y0), abs(y1)) > _FLOAT32_SAFE:
        raise ValueError(
            f"bounds must lie within +-{_FLOAT32_SAFE:.0e} (map positions are float32); got "
            f"{bounds!r}: pass bounds around the map, e.g. from its points' range"
        )
    size = check_int(size, "size", 2, 64)
    xs = x0 + (np.arange(size) + 0.5) * (x1 - x0) / size
    ys = y1 - (np.arange(size) + 0.5) * (y1 - y0) / size
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)
