"""Which points lie inside a lasso: the even-odd rule, exactly, over millions of points."""

from __future__ import annotations

import numpy as np

from .coverage import TESTED, build_coverage, classify, tested_inside
from .region import _box_mask

# Points per pass: their temporaries (a few arrays of this length) stay a few megabytes.
_CHUNK = 1 << 18


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


def polygon_mask(x: np.ndarray, y: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points lie inside a polygon (even-odd rule), exactly, fast at millions of points.

    A grid of the polygon's interior (:mod:`latentwidgets._engine.coverage`) colours most points
    with one look-up; a point in a cell the polygon covers tests only the few edges (and vertex
    heights) there. Points go ``CHUNK`` at a time. The result equals :func:`even_odd`'s bit for
    bit, points on the boundary included, and the extra memory stays within about 64 MiB for
    any polygon at any number of points, beside the returned mask.

    Parameters
    ----------
    x, y : numpy.ndarray of float32
        The map's coordinates, one contiguous column each (other dtypes are rounded to float32
        first, and the result is :func:`even_odd`'s for the rounded points).
    polygon : numpy.ndarray of shape (V, 2)
        The vertices in map coordinates, ``V >= 3``; the last joins the first. May be concave or
        cross itself.

    Returns
    -------
    numpy.ndarray of bool, shape (len(x),)
        True for the points inside; a point on the boundary goes the way :func:`even_odd` sends it.
    """
    vertices = np.asarray(polygon, np.float64)
    if vertices.ndim != 2 or vertices.shape[1] != 2 or len(vertices) < 3:
        raise ValueError(f"polygon must be (V, 2) vertices with V >= 3; got {vertices.shape}")
    if not np.isfinite(vertices).all():
        raise ValueError("polygon vertices must be finite")
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    mask = np.zeros(len(x), bool)
    if not (high > low).all():
        return mask  # no area: no edge is crossed, or every edge is crossed twice
    grid = build_coverage(vertices)
    for start in range(0, len(x), _CHUNK):
        xs = np.asarray(x[start : start + _CHUNK], np.float32)
        ys = np.asarray(y[start : start + _CHUNK], np.float32)
        candidates = np.flatnonzero(_box_mask(xs, ys, grid.box))
        if len(candidates) == 0:
            continue
        state, cell, column = classify(grid, xs[candidates], ys[candidates])
        mask[candidates[state == 1] + start] = True
        near = np.flatnonzero(state >= TESTED)
        if len(near) == 0:
            continue
        points = candidates[near]
        px, py = xs[points].astype(np.float64), ys[points].astype(np.float64)
        inside = tested_inside(grid, cell[near], column[near], px, py)
        mask[points[inside] + start] = True
    return mask
