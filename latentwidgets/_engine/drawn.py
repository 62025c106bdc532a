"""The sampled map: which points the browser draws one by one, and what it is sent beyond them.

Above ``max_drawn`` points the widget sends a deterministic sample of the map (point ``i`` is drawn
iff ``point_hash(i) < threshold``; both sides compute the hash, so the sample's indices never cross
the wire), a density image of all points, and on request the other points inside the view. These
functions do that work over the map's coordinates, kept as two contiguous ``float32`` columns so
that a mask over one of them reads memory in order. Pure numpy: the widget side is
``latentwidgets/_widget/sampled_map.py``, the contract ``docs/widget-contract.md``.

Long passes go ``CHUNK`` points at a time, so that at ten million points their temporaries stay a
few megabytes instead of several arrays of the map's size.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "CHUNK",
    "MAX_POINTS",
    "density_grid",
    "density_size",
    "draw_threshold",
    "encode_uint16",
    "even_odd",
    "map_extent",
    "point_hash",
    "point_hashes",
    "polygon_mask",
    "region_points",
    "sample_indices",
]

#: Points per pass of the chunked loops.
CHUNK = 1 << 20
#: Most points a map may have: indices travel as ``uint32``.
MAX_POINTS = 2**32
_MUL1 = np.uint32(0x7FEB352D)
_MUL2 = np.uint32(0x846CA68B)
_UINT32_MAX = 2**32 - 1
_F32_MAX = float(np.finfo(np.float32).max)


def _hash_in_place(x: np.ndarray, scratch: np.ndarray) -> None:
    """Lowbias32 of the ``uint32`` array ``x``, in place; ``scratch`` is as large as ``x``."""
    np.right_shift(x, 16, out=scratch)
    x ^= scratch
    x *= _MUL1
    np.right_shift(x, 15, out=scratch)
    x ^= scratch
    x *= _MUL2
    np.right_shift(x, 16, out=scratch)
    x ^= scratch


def point_hash(indices: np.ndarray | list[int] | int) -> np.ndarray:
    """Hash point indices with lowbias32, in wrapping ``uint32`` arithmetic, as the browser does.

    ``x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16``, every step
    modulo ``2**32``. The hash is a bijection of ``uint32``, so distinct points never tie.

    Parameters
    ----------
    indices : int, sequence of int or numpy array of integers
        Point indices, taken modulo ``2**32``.

    Returns
    -------
    numpy.ndarray of uint32
        One hash per index, in the shape of ``indices``.

    Examples
    --------
    >>> point_hash([0, 1, 2**32 - 1]).tolist()
    [0, 1753845952, 1734902346]
    """
    array = np.asarray(indices)
    if array.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers; got an array of {array.dtype}")
    x = array.astype(np.uint32)  # a copy, wrapped modulo 2**32
    _hash_in_place(x, np.empty_like(x))
    return x


def draw_threshold(n: int, max_drawn: int) -> int:
    """Return the sample's hash threshold for a map of ``n`` points drawing about ``max_drawn``.

    Parameters
    ----------
    n : int
        Points on the map.
    max_drawn : int
        Most points the browser draws one by one.

    Returns
    -------
    int
        0 when ``n <= max_drawn`` (not sampled: every point is drawn); else
        ``floor(max_drawn / n * 2**32)`` clamped to ``[1, 2**32 - 1]``, computed exactly in
        integers. Point ``i`` is in the sample iff ``point_hash(i) < threshold``.
    """
    if n < 0 or max_drawn < 0:
        raise ValueError(f"n and max_drawn must be >= 0; got {n}, {max_drawn}")
    if n <= max_drawn:
        return 0
    return min(max((max_drawn << 32) // n, 1), _UINT32_MAX)


def sample_indices(n: int, threshold: int, *, hashes: np.ndarray | None = None) -> np.ndarray:
    """List the sample's points: ascending ``i`` in ``[0, n)`` with ``point_hash(i) < threshold``.

    Parameters
    ----------
    n : int
        Points on the map, at most ``2**32``.
    threshold : int
        From :func:`draw_threshold`; 0 means every point (the map is not sampled).
    hashes : numpy.ndarray of uint32, optional
        ``point_hashes(n)``, if kept: saves hashing every point again.

    Returns
    -------
    numpy.ndarray of int64
        The sample's indices, ascending: about ``n * threshold / 2**32`` of them.
    """
    if not 0 <= n <= MAX_POINTS:
        raise ValueError(f"n must be in [0, 2**32]; got {n}")
    if threshold <= 0 or threshold > _UINT32_MAX:
        return np.arange(n, dtype=np.int64)
    bound = np.uint32(threshold)
    if hashes is not None:
        return np.flatnonzero(hashes[:n] < bound)
    found: list[np.ndarray] = []
    scratch = np.empty(min(n, CHUNK), np.uint32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        x = np.arange(start, stop, dtype=np.uint32) if stop < MAX_POINTS else _last(start, stop)
        _hash_in_place(x, scratch[: stop - start])
        hits = np.flatnonzero(x < bound)
        hits += start
        found.append(hits)
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def _last(start: int, stop: int) -> np.ndarray:
    """``uint32`` indices ``[start, stop)`` where ``stop`` is ``2**32`` (no uint32 ``arange``)."""
    return (np.arange(start, stop, dtype=np.int64)).astype(np.uint32)


def map_extent(x: np.ndarray, y: np.ndarray) -> list[float]:
    """Bounding box ``[x0, x1, y0, y1]`` of the points whose two coordinates are finite.

    Parameters
    ----------
    x, y : numpy.ndarray
        The map's coordinates, one column each.

    Returns
    -------
    list of float
        ``[0, 0, 0, 0]`` when no point is finite, as the browser's normalisation takes it.
    """
    lows = [math.inf, math.inf]
    highs = [-math.inf, -math.inf]
    for start in range(0, len(x), CHUNK):
        xs, ys = x[start : start + CHUNK], y[start : start + CHUNK]
        finite = np.isfinite(xs) & np.isfinite(ys)
        if not finite.all():
            xs, ys = xs[finite], ys[finite]
        if len(xs) == 0:
            continue
        for k, column in enumerate((xs, ys)):
            lows[k] = min(lows[k], float(column.min()))
            highs[k] = max(highs[k], float(column.max()))
    if lows[0] > highs[0]:
        return [0.0, 0.0, 0.0, 0.0]
    return [lows[0], highs[0], lows[1], highs[1]]


def density_size(n: int) -> int:
    """Return the cells a side of the density image of ``n`` points.

    ``2**round(log2(sqrt(n / 4)))``, within ``[256, 512]``: 512 cells cover a map's width in a
    notebook at about a cell a pixel, and the image (256 KiB) stays small beside the points.
    """
    if n < 4:
        return 256
    return min(512, max(256, 2 ** round(math.log2(math.sqrt(n / 4)))))


def density_grid(x: np.ndarray, y: np.ndarray, extent: list[float]) -> np.ndarray:
    """Density image of all points, over the square the browser maps to ``[-1, 1]^2``.

    Parameters
    ----------
    x, y : numpy.ndarray
        The map's coordinates, one column each (non-finite points are left out).
    extent : list of float
        ``[x0, x1, y0, y1]`` from :func:`map_extent`. The image covers the square
        ``[cx - s, cx + s] x [cy - s, cy + s]``, ``cx, cy`` its centre and ``s`` half its larger
        side (1 when that is 0).

    Returns
    -------
    numpy.ndarray of uint8, shape (G, G)
        ``G = density_size(len(x))``. Row 0 is the top (largest y), column 0 the left (smallest
        x). A cell holds 0 when no point falls in it, else
        ``1 + round(254 * log1p(count) / log1p(max_count))``.
    """
    size = density_size(len(x))
    x0, x1, y0, y1 = (float(v) for v in extent)
    half = max(x1 - x0, y1 - y0) / 2
    half = half if half > 0 else 1.0
    # float32 arithmetic: a cell is off by one only where float32 cannot tell the points apart
    left, bottom = np.float32((x0 + x1) / 2 - half), np.float32((y0 + y1) / 2 - half)
    scale = np.float32(size / (2 * half))
    counts = np.zeros(size * size, np.int64)
    for start in range(0, len(x), CHUNK):
        xs = np.asarray(x[start : start + CHUNK], np.float32)
        ys = np.asarray(y[start : start + CHUNK], np.float32)
        finite = np.isfinite(xs)
        finite &= np.isfinite(ys)
        if not finite.all():
            xs, ys = xs[finite], ys[finite]
        column = _cells(xs, left, scale, size)
        row = _cells(ys, bottom, scale, size)
        np.subtract(size - 1, row, out=row)  # row 0 at the top
        row *= size
        row += column
        counts += np.bincount(row, minlength=size * size)
    image = np.zeros(size * size, np.uint8)
    most = int(counts.max()) if len(counts) else 0
    if most > 0:
        full = np.flatnonzero(counts)
        level = np.log1p(counts[full]) * (254 / math.log1p(most))
        image[full] = 1 + np.rint(level).astype(np.uint8)
    return image.reshape(size, size)


def _cells(values: np.ndarray, low: np.floating, scale: np.floating, size: int) -> np.ndarray:
    """``floor((values - low) * scale)`` clipped to ``[0, size - 1]``, as ``intp``."""
    steps = values - low
    steps *= scale
    np.clip(steps, 0, size - 1, out=steps)
    return steps.astype(np.intp)


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
    for start in range(0, len(x), CHUNK):
        stop = min(len(x), start + CHUNK)
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
    if not found:
        return np.zeros(0, np.int64), 0
    indices = np.concatenate(found)
    count = len(indices)
    if count > limit:
        if limit == 0:
            return np.zeros(0, np.int64), count
        keys = np.concatenate(hashed)
        # hashes are distinct: exactly `limit` of them are at most the limit-th smallest
        kth = np.partition(keys, limit - 1)[limit - 1]
        indices = indices[keys <= kth]
    return indices, count


def point_hashes(n: int) -> np.ndarray:
    """``point_hash(arange(n))`` in ``CHUNK`` steps: every point's hash, ``uint32``."""
    if not 0 <= n <= MAX_POINTS:
        raise ValueError(f"n must be in [0, 2**32]; got {n}")
    out = np.empty(n, np.uint32)
    scratch = np.empty(min(n, CHUNK), np.uint32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        x = out[start:stop]
        x[:] = np.arange(start, stop, dtype=np.int64)  # wraps at 2**32 like the browser's
        _hash_in_place(x, scratch[: stop - start])
    return out


def encode_uint16(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Coordinates as ``uint16`` steps of their range: ``round((v - low) / (high - low) * 65535)``.

    Parameters
    ----------
    values : numpy.ndarray
        Coordinates within ``[low, high]`` (others are clipped).
    low, high : float
        The range; a zero-width (or non-finite) one encodes every value as 0.

    Returns
    -------
    numpy.ndarray of uint16
        Decoded as ``low + u / 65535 * (high - low)``, within ``(high - low) / 131070`` of the value.
    """
    width = high - low
    if not (math.isfinite(width) and width > 0):
        return np.zeros(np.shape(values), np.uint16)
    steps = (np.asarray(values, np.float64) - low) / width * 65535
    return np.clip(np.rint(steps), 0, 65535).astype(np.uint16)


def even_odd(px: np.ndarray, py: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Exact even-odd test of points against a polygon, vectorised over the points.

    A horizontal ray from each point to ``+x`` crosses edge ``(a, b)`` when
    ``(a.y > py) != (b.y > py)`` and ``px < a.x + (py - a.y) * (b.x - a.x) / (b.y - a.y)``; a point
    is inside when it crosses an odd number of edges. Points on the boundary may go either way.

    Parameters
    ----------
    px, py : numpy.ndarray
        Point coordinates (compared in float64).
    polygon : numpy.ndarray of shape (V, 2)
        The vertices in order; the last joins the first.

    Returns
    -------
    numpy.ndarray of bool
        Whether each point is inside.
    """
    px = np.asarray(px, np.float64)
    py = np.asarray(py, np.float64)
    vertices = np.asarray(polygon, np.float64)
    inside = np.zeros(px.shape, bool)
    following = np.roll(vertices, -1, axis=0)
    for (ax, ay), (bx, by) in zip(vertices.tolist(), following.tolist(), strict=True):
        if ay == by:
            continue  # a horizontal edge is never crossed
        spans = np.flatnonzero((py < ay) != (py < by))
        if len(spans) == 0:
            continue
        crossing = ax + (py[spans] - ay) * ((bx - ax) / (by - ay))
        inside[spans[px[spans] < crossing]] ^= True
    return inside


def _cell_status(polygon: np.ndarray, low: np.ndarray, cell: np.ndarray, size: int) -> np.ndarray:
    """Classify the cells of a ``size`` x ``size`` grid over the polygon's box.

    0 outside, 1 inside, 2 near the outline (its points need the exact test); flat, row-major
    from the bottom row. Row ``r`` spans ``low[1] + [r, r + 1) * cell[1]``, column ``c`` likewise in x. A cell not near
    the outline is more than half a cell from every edge, so all of it is on one side of each.
    """
    start = polygon
    end = np.roll(polygon, -1, axis=0)
    # even-odd parity of each cell's centre, scanline by scanline: a crossing of a row's centre
    # line toggles the cells whose centres lie right of it
    centres = low[1] + (np.arange(size) + 0.5) * cell[1]
    spans = (start[None, :, 1] > centres[:, None]) != (end[None, :, 1] > centres[:, None])
    rows, edges = np.nonzero(spans)
    a, b = start[edges], end[edges]
    crossing = a[:, 0] + (centres[rows] - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
    first = np.floor((crossing - low[0]) / cell[0] - 0.5) + 1  # the first centre right of it
    toggles = np.zeros(size * (size + 1), np.uint8)
    np.add.at(toggles, rows * (size + 1) + np.clip(first, 0, size).astype(np.int64), 1)
    # each row crosses the outline an even number of times, so a running sum over the whole
    # table has the parity of each row's own; uint8 wraps, which keeps the parity
    parity = np.cumsum(toggles, dtype=np.uint8).reshape(size, size + 1)[:, :size] & 1
    # near the outline: samples along each edge at most a cell apart, and the 3 x 3 cells round
    # each; every place within half a cell of an edge falls in one of them
    steps = np.ceil(np.max(np.abs(end - start) / cell, axis=1)).astype(np.int64) + 1
    edge = np.repeat(np.arange(len(start)), steps + 1)
    offsets = np.arange(len(edge)) - np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
    t = offsets / np.repeat(steps, steps + 1)
    along = start[edge] + (end[edge] - start[edge]) * t[:, None]
    cells = np.floor((along - low) / cell).astype(np.int64)
    near = np.zeros((size + 2, size + 2), bool)  # a margin of one cell, cut off after
    c = np.clip(cells[:, 0], -1, size) + 1
    r = np.clip(cells[:, 1], -1, size) + 1
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            near[np.clip(r + dr, 0, size + 1), np.clip(c + dc, 0, size + 1)] = True
    parity[near[1:-1, 1:-1]] = 2
    return np.ascontiguousarray(parity).reshape(-1)


def polygon_mask(
    x: np.ndarray, y: np.ndarray, polygon: np.ndarray, *, grid: int = 2048
) -> np.ndarray:
    """Which points lie inside a polygon (even-odd rule), exactly, fast at millions of points.

    Only points in the polygon's bounding box are looked at. A ``grid`` x ``grid`` raster of that
    box sorts them: the points of cells wholly inside or outside are decided at once; those of the
    cells near the outline get the exact test (:func:`even_odd`).

    Parameters
    ----------
    x, y : numpy.ndarray of float32
        The map's coordinates, one contiguous column each.
    polygon : numpy.ndarray of shape (V, 2)
        The vertices in map coordinates, ``V >= 3``; the last joins the first. May be concave or
        cross itself.
    grid : int, default 2048
        Cells a side of the raster.

    Returns
    -------
    numpy.ndarray of bool, shape (len(x),)
        True for the points inside; a point on the boundary may go either way.
    """
    vertices = np.asarray(polygon, np.float64)
    if vertices.ndim != 2 or vertices.shape[1] != 2 or len(vertices) < 3:
        raise ValueError(f"polygon must be (V, 2) vertices with V >= 3; got {vertices.shape}")
    if not np.isfinite(vertices).all():
        raise ValueError("polygon vertices must be finite")
    mask = np.zeros(len(x), bool)
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    cell = (high - low) / grid
    if not (cell > 0).all():
        return mask  # no area: every point is outside or on the boundary
    status = _cell_status(vertices, low, cell, grid)
    # The cell of a point may be computed in float32 when its rounding stays far below half a
    # cell (what the margin round the outline allows); else in float64.
    reach = float(np.abs(np.concatenate([low, high])).max())
    wide = float(cell.min()) > 2**-12 * reach
    dtype = np.float32 if wide else np.float64
    origin, inverse = low.astype(dtype), (1 / cell).astype(dtype)
    bounds = _box_bounds((low[0], high[0], low[1], high[1]))
    near: list[np.ndarray] = []
    for start in range(0, len(x), CHUNK):
        xs, ys = x[start : start + CHUNK], y[start : start + CHUNK]
        candidates = np.flatnonzero(_box_mask(xs, ys, bounds))
        if len(candidates) == 0:
            continue
        column = _cells(np.asarray(xs[candidates], dtype), origin[0], inverse[0], grid)
        row = _cells(np.asarray(ys[candidates], dtype), origin[1], inverse[1], grid)
        row *= grid
        row += column
        state = status.take(row)
        candidates += start
        mask[candidates[state == 1]] = True
        near.append(candidates[state == 2])
    if near:
        close = np.concatenate(near)
        mask[close] = even_odd(x[close], y[close], vertices)
    return mask
