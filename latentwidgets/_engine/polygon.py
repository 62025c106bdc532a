"""Which points lie inside a lasso: the even-odd rule, exactly, over millions of points."""

from __future__ import annotations

import numpy as np

from .edge_index import build_index, inside
from .region import _box_bounds, _box_mask

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

    Only points in the polygon's bounding box are looked at, ``CHUNK`` at a time; an index of the
    edges by height and width (:mod:`latentwidgets._engine.edge_index`) finds each point's
    crossings with few exact tests. The result equals :func:`even_odd`'s, and the extra memory
    stays within about 64 MiB for any polygon (the index holds a bounded number of entries) at
    any number of points, beside the returned mask.

    Parameters
    ----------
    x, y : numpy.ndarray of float32
        The map's coordinates, one contiguous column each.
    polygon : numpy.ndarray of shape (V, 2)
        The vertices in map coordinates, ``V >= 3``; the last joins the first. May be concave or
        cross itself.

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
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    if not (high > low).all():
        return np.zeros(len(x), bool)  # no area: every point is outside or on the boundary
    index = build_index(vertices)
    mask = np.zeros(len(x), bool)
    bounds = _box_bounds((low[0], high[0], low[1], high[1]))
    for start in range(0, len(x), _CHUNK):
        xs, ys = x[start : start + _CHUNK], y[start : start + _CHUNK]
        candidates = np.flatnonzero(_box_mask(xs, ys, bounds))
        if len(candidates):
            hits = candidates[inside(index, xs[candidates], ys[candidates])]
            hits += start
            mask[hits] = True
    return mask
