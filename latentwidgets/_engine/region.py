"""The points outside the sample in a rectangle of the map, compared exactly in float32."""

from __future__ import annotations

import numpy as np

from .sampling import _UINT32_MAX, point_hash

# Points per pass: a quarter of sampling's CHUNK, as a region may hold all of them, each with an
# index and a hash kept beside those found so far.
_CHUNK = 1 << 18

_F32_MAX = float(np.finfo(np.float32).max)


def _at_least(value: float) -> np.float32:
    """Return the smallest float32 ``>= value``: ``x >= it`` in float32 is ``x >= value``."""
    if value > _F32_MAX:
        return np.float32(np.inf)
    if value < -_F32_MAX:
        return np.float32(-_F32_MAX)
    f = np.float32(value)
    return np.nextafter(f, np.float32(np.inf)) if float(f) < value else f


def _at_most(value: float) -> np.float32:
    """Return the largest float32 ``<= value``: ``x <= it`` in float32 is ``x <= value``."""
    return -_at_least(-value)


def _box_mask(xs: np.ndarray, ys: np.ndarray, bounds: tuple[np.float32, ...]) -> np.ndarray:
    fx0, fx1, fy0, fy1 = bounds
    mask = xs >= fx0
    mask &= xs <= fx1
    mask &= ys >= fy0
    mask &= ys <= fy1
    return mask


def _box_bounds(box: tuple[float, float, float, float]) -> tuple[np.float32, ...]:
    x0, x1, y0, y1 = box
    return _at_least(x0), _at_most(x1), _at_least(y0), _at_most(y1)


def region_points(
    x: np.ndarray,
    y: np.ndarray,
    threshold: int,
    box: tuple[float, float, float, float],
    limit: int,
    *,
    hashes: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """Find the points outside the sample in a region; the ``limit`` of smallest hash if more.

    Parameters
    ----------
    x, y : numpy.ndarray of float32
        The map's coordinates, one contiguous column each.
    threshold : int
        The sample's threshold (:func:`draw_threshold`): points with ``point_hash(i) >= threshold``
        are the ones outside it (0: every point).
    box : (x0, x1, y0, y1)
        The region, bounds included, compared exactly with the float32 coordinates.
    limit : int
        Most points returned: with more in the region, those of the smallest hash, so that a
        smaller region inside this one returns at least the same of its points.
    hashes : numpy.ndarray of uint32, optional
        ``point_hashes(len(x))``, if kept: saves hashing the points in the region.

    Returns
    -------
    indices : numpy.ndarray of int64
        Ascending.
    count : int
        How many points outside the sample the region holds (``>= len(indices)``).
    """
    if limit < 0:
        raise ValueError(f"limit must be >= 0; got {limit}")
    bounds = _box_bounds(box)
    bound = np.uint32(min(max(threshold, 0), _UINT32_MAX))
    found: list[np.ndarray] = []
    hashed: list[np.ndarray] = []
    count = held = 0
    for start in range(0, len(x), _CHUNK):
        stop = min(len(x), start + _CHUNK)
        mask = _box_mask(x[start:stop], y[start:stop], bounds)
        if hashes is not None:
            mask &= hashes[start:stop] >= bound
            inside = np.flatnonzero(mask)
            keys = hashes[start:stop][inside]
        else:
            inside = np.flatnonzero(mask)
            keys = point_hash(inside + start)
            extra = keys >= bound
            inside, keys = inside[extra], keys[extra]
        if len(inside):
            inside += start
            found.append(inside)
            hashed.append(keys)
            count += len(inside)
            held += len(inside)
        if held > limit + _CHUNK:
            # keep only the `limit` smallest hashes so far: a view of the whole map then holds
            # about `limit` indices, not all of them
            kept, kept_keys = _smallest(np.concatenate(found), np.concatenate(hashed), limit)
            found, hashed, held = [kept], [kept_keys], len(kept)
    if not found:
        return np.zeros(0, np.int64), 0
    indices, keys = np.concatenate(found), np.concatenate(hashed)
    indices, _ = _smallest(indices, keys, limit)
    return indices, count  # ascending: chunks come in order and filtering keeps it


def _smallest(indices: np.ndarray, keys: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep the ``limit`` indices of smallest key (keys are distinct hashes), in their order."""
    if len(indices) <= limit:
        return indices, keys
    if limit == 0:
        return indices[:0], keys[:0]
    # hashes are distinct: exactly `limit` of them are at most the limit-th smallest
    kth = np.partition(keys, limit - 1)[limit - 1]
    chosen = keys <= kth
    return indices[chosen], keys[chosen]
