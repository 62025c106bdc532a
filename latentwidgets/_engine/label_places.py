"""Where to write each category's name on the map: at the densest place of its points.

A category's mean can fall between its clusters, on points of other categories; the mode of its
density cannot. Each category's points are binned on one grid over the map, smoothed with a
Gaussian kernel (a kernel density estimate on the grid), and its label goes at the peak, refined
to the mean of the category's points near the peak so that it sits on them rather than on a grid
cell's centre. Large maps are read through a bounded sample, stratified so that every category,
small ones included, keeps up to its share of points. Pure numpy: the widget side is
``latentwidgets/features/labels.py``.
"""

from __future__ import annotations

import numpy as np

from .sampling import point_hashes

#: Cells a side of the grid the densities are estimated on.
GRID = 64
#: Standard deviation of the smoothing kernel, in cells.
BANDWIDTH = 1.5
#: Radius (in cells) around the peak whose points place the label.
REFINE_RADIUS = 2.0
#: Most points read in all, shared out among the categories.
SAMPLE_BUDGET = 200_000
#: Points every category may keep, however many categories share the budget.
MIN_SHARE = 2_000


def stratified_rows(codes: np.ndarray, counts: np.ndarray, budget: int) -> np.ndarray:
    """Rows of a sample that keeps about ``budget / K`` points of each of the ``K`` categories.

    Parameters
    ----------
    codes : numpy.ndarray of shape (N,)
        Each point's category code, in ``[0, K)``.
    counts : numpy.ndarray of shape (K,)
        How many points each category has (``np.bincount(codes, minlength=K)``).
    budget : int
        About how many points to keep in all; every category keeps at least
        ``min(count, MIN_SHARE)``.

    Returns
    -------
    numpy.ndarray of int64
        Ascending row indices; all of them when ``N <= budget``. Point ``i`` is kept when its
        index's hash (``point_hash``) falls under its category's share: the same points every
        time, and never in step with values drawn from a seeded random generator.
    """
    n = len(codes)
    if n <= budget:
        return np.arange(n)
    share = max(MIN_SHARE, budget // max(len(counts), 1))
    keep = np.minimum(1.0, share / np.maximum(counts, 1))
    thresholds = np.ceil(keep * 2.0**32).astype(np.uint64)
    return np.flatnonzero(point_hashes(n) < thresholds[codes])


def label_places(
    x: np.ndarray,
    y: np.ndarray,
    codes: np.ndarray,
    n_categories: int,
    extent: list[float],
    *,
    grid: int = GRID,
    bandwidth: float = BANDWIDTH,
) -> tuple[np.ndarray, np.ndarray]:
    """Find the densest place of each category's points.

    Parameters
    ----------
    x, y : numpy.ndarray of shape (N,)
        The points' map coordinates (non-finite ones are left out).
    codes : numpy.ndarray of shape (N,)
        Each point's category code in ``[0, n_categories)``; other codes are left out.
    n_categories : int
        ``K``, the number of categories.
    extent : list of float
        ``[x0, x1, y0, y1]``, the box the grid covers (the map's extent).
    grid : int, default GRID
        Cells a side of the grid.
    bandwidth : float, default BANDWIDTH
        Standard deviation of the smoothing kernel, in cells.

    Returns
    -------
    px, py : numpy.ndarray of shape (K,)
        Where each category's label goes, NaN for a category with no finite point.

    Examples
    --------
    >>> x = np.array([0.0, 0.1, 0.2, 5.0]); y = np.zeros(4)
    >>> px, py = label_places(x, y, np.zeros(4, np.uint8), 1, [0.0, 5.0, -1.0, 1.0])
    >>> bool(px[0] < 1.0)
    True
    """
    k = int(n_categories)
    codes = np.asarray(codes).astype(np.int64, copy=False)
    ok = np.isfinite(x) & np.isfinite(y) & (codes >= 0) & (codes < k)
    x, y, codes = x[ok].astype(np.float64), y[ok].astype(np.float64), codes[ok]
    x0, x1, y0, y1 = (float(v) for v in extent)
    width, height = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
    # in cell units, so that the kernel and the radius are round on a grid of any aspect
    gx, gy = (x - x0) / width * grid, (y - y0) / height * grid
    ix = np.clip(gx.astype(np.int64), 0, grid - 1)
    iy = np.clip(gy.astype(np.int64), 0, grid - 1)
    flat = np.bincount(codes * grid * grid + iy * grid + ix, minlength=k * grid * grid)
    histograms = flat.reshape(k, grid, grid).astype(np.float32)
    cells = np.arange(grid, dtype=np.float32)
    kernel = np.exp(-0.5 * ((cells[:, None] - cells[None, :]) / bandwidth) ** 2)
    smoothed = kernel @ histograms @ kernel.T  # separable: rows, then columns, every category
    peaks = smoothed.reshape(k, -1).argmax(axis=1)
    cy, cx = np.divmod(peaks, grid)
    cx, cy = cx + 0.5, cy + 0.5
    near = (gx - cx[codes]) ** 2 + (gy - cy[codes]) ** 2 <= REFINE_RADIUS**2
    found = np.bincount(codes[near], minlength=k).astype(np.float64)
    mx = np.bincount(codes[near], weights=gx[near], minlength=k)
    my = np.bincount(codes[near], weights=gy[near], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        # no point near the peak (two clumps either side of it): the peak's cell itself
        px_cells = np.where(found > 0, mx / found, cx)
        py_cells = np.where(found > 0, my / found, cy)
    present = np.bincount(codes, minlength=k) > 0
    px = np.where(present, x0 + px_cells / grid * width, np.nan)
    py = np.where(present, y0 + py_cells / grid * height, np.nan)
    return px, py
