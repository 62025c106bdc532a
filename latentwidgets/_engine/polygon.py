"""Which points lie inside a lasso: the even-odd rule, exactly, over millions of points."""

from __future__ import annotations

import numpy as np

from .coverage import TESTED, build_coverage
from .crossings import classify, entry_tests, tested_inside
from .region import _box_mask

# Points per pass: their temporaries (a few arrays of this length) stay a few megabytes.
_CHUNK = 1 << 18

#: Most times a line across the polygon's bounding box crosses its outline, on average (see
#: :func:`tangle`): a lasso drawn once round its points scores 2, three times round 6.
MAX_TANGLE = 50.0
#: Most work a polygon may cost, per point of the map, in tested points: a point in a cell the
#: outline covers costs about as much (some 150 ns) as ``TESTS_PER_POINT_COST`` edge tests. At
#: 10M points, 3M tested points take about 0.5 s beside the 0.2 s pass that colours every point.
WORK_PER_POINT = 0.3
#: Edge tests that cost as much as one tested point.
TESTS_PER_POINT_COST = 8
#: Work any polygon may cost, however few the points.
MIN_WORK = 1 << 21


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


def tangle(vertices: np.ndarray) -> float:
    """How many times a line across the polygon's bounding box crosses its outline, on average.

    A vertical line at a uniform place in the box crosses the outline ``sum |dx| / width`` times
    on average, a horizontal one ``sum |dy| / height``; this is their geometric mean. The
    coverage grid's covered cells, and so a lasso's work, grow with it: a hand-drawn lasso scores
    2, random scribbles of ``V`` vertices about ``V / 3``.

    Parameters
    ----------
    vertices : numpy.ndarray
        ``(V, 2)`` finite vertices whose bounding box has positive width and height.

    Returns
    -------
    float
        At least 2 for any polygon with area.
    """
    steps = np.abs(np.diff(vertices, axis=0, append=vertices[:1]))
    span = vertices.max(axis=0) - vertices.min(axis=0)
    return float(np.sqrt(steps[:, 0].sum() / span[0] * (steps[:, 1].sum() / span[1])))


def polygon_mask(x: np.ndarray, y: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points lie inside a polygon (even-odd rule), exactly, fast at millions of points.

    A grid of the polygon's interior (:mod:`latentwidgets._engine.coverage`) colours most points
    with one look-up; a point in a cell the polygon covers tests only the few edges (and vertex
    heights) there. Points go ``CHUNK`` at a time. The result equals :func:`even_odd`'s bit for
    bit, points on the boundary included, and the extra memory stays within about 64 MiB for
    any polygon at any number of points, beside the returned mask.

    The work is bounded too, to about 1 s at 10M points: a polygon whose outline is too tangled
    (:func:`tangle` above ``MAX_TANGLE``) is refused before any work, and one whose edges crowd
    where the points are as soon as its work passes ``WORK_PER_POINT`` a point (``MIN_WORK`` at
    least): a point in a covered cell counts 1, each of its edge tests 1/``TESTS_PER_POINT_COST``.

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

    Raises
    ------
    ValueError
        For a polygon that is not ``(V, 2)`` finite vertices, ``V >= 3``, or whose test would
        pass the budgets above; the message names ``polygon`` and says what to change.
    """
    vertices = np.asarray(polygon, np.float64)
    if vertices.ndim != 2 or vertices.shape[1] != 2 or len(vertices) < 3:
        raise ValueError(f"polygon must be (V, 2) vertices with V >= 3; got {vertices.shape}")
    if not np.isfinite(vertices).all():
        raise ValueError("polygon vertices must be finite")
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    if not (high > low).all():
        return np.zeros(len(x), bool)  # no area: no edge is crossed, or every edge twice
    score = tangle(vertices)
    if score > MAX_TANGLE:
        raise ValueError(
            f"polygon is too tangled: a line across it crosses its outline {score:,.0f} "
            f"times on average; at most {MAX_TANGLE:.0f} (a lasso drawn once round its points: "
            "2). Draw a simpler outline, or add to the selection with several lassos (merge)"
        )
    grid = build_coverage(vertices)
    mask = np.zeros(len(x), bool)
    allowed = max(MIN_WORK, int(WORK_PER_POINT * len(x)))
    budget = allowed * TESTS_PER_POINT_COST  # in edge tests
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
        tests = entry_tests(grid, cell[near])
        budget -= tests.total + TESTS_PER_POINT_COST * len(near)
        if budget < 0:
            raise ValueError(
                "polygon crowds too many edges where the points are: testing the points near its "
                f"outline would cost more than {allowed:,} point tests (an edge test counts "
                f"1/{TESTS_PER_POINT_COST}) for {len(x):,} points. Draw a simpler outline with "
                "fewer vertices, or add to the selection with several lassos (merge)"
            )
        points = candidates[near]
        px, py = xs[points].astype(np.float64), ys[points].astype(np.float64)
        inside = tested_inside(grid, tests, column[near], px, py)
        mask[points[inside] + start] = True
    return mask
