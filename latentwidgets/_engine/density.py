"""The density image of all points, and the extent it covers."""

from __future__ import annotations

import math

import numpy as np

from .sampling import CHUNK


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
