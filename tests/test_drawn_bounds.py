"""The sampled map's passes over all points stay within 64 MiB of memory, and lassos are exact.

A lasso's own bounds (memory, and the limits that bound its work) are in
``tests/test_region_limits.py``.

numpy reports its allocations to tracemalloc, so its peak is the extra memory a call takes. The
results are checked against a plain even-odd test of every point against every edge.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from latentwidgets._engine import coverage
from latentwidgets._engine import polygon as lasso_limits
from latentwidgets._engine.drawn import (
    density_grid,
    draw_threshold,
    even_odd,
    map_extent,
    point_hash,
    polygon_mask,
    region_points,
    sample_indices,
)

BOUND = 64 * 2**20


def zigzag(vertices: int) -> np.ndarray:
    """Teeth from the bottom of the map to near its top, then back along the bottom."""
    k = vertices // 2
    xs = np.linspace(-3.0, 3.0, k)
    teeth = np.stack([xs, np.where(np.arange(k) % 2 == 0, 3.0, -2.5)], 1)
    return np.concatenate([teeth, np.stack([xs[::-1], np.full(k, -3.0)], 1)])


def lasso(vertices: int, seed: int = 0) -> np.ndarray:
    """A hand-drawn-like closed curve: a circle with a few random waves."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    r = 1 + sum(
        rng.uniform(0, 0.3 / k) * np.sin(k * t + rng.uniform(0, 2 * np.pi)) for k in range(1, 9)
    )
    return np.stack([r * np.cos(t), r * np.sin(t)], 1)


def spiky_star(vertices: int, seed: int = 0) -> np.ndarray:
    """Vertices at sorted random angles and independent random radii: a concave star."""
    rng = np.random.default_rng(seed)
    angle = np.sort(rng.uniform(0, 2 * np.pi, vertices))
    radius = rng.uniform(0.5, 3.0, vertices)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)


def peak_bytes(work: Callable[[], Any]) -> tuple[int, Any]:
    tracemalloc.start()
    try:
        result = work()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def million() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return (
        rng.normal(size=1_000_000).astype(np.float32),
        rng.normal(size=1_000_000).astype(np.float32),
    )


@pytest.fixture
def no_work_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the tangle and test budgets (``tests/test_region_limits.py`` checks those)."""
    monkeypatch.setattr(lasso_limits, "MAX_TANGLE", float("inf"))
    monkeypatch.setattr(lasso_limits, "MIN_WORK", 1 << 62)


@pytest.mark.parametrize(
    ("name", "polygon"),
    [
        ("zigzag", zigzag(2_000)),
        ("lasso", lasso(5_000)),
        ("spiky star", spiky_star(10_000)),  # many entries a cell: tested in (point, entry) pairs
        ("scribble", np.random.default_rng(2).uniform(-3, 3, (300, 2))),  # crosses itself
        ("square", np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])),
    ],
)
@pytest.mark.usefixtures("no_work_limits")
def test_polygon_mask_equals_testing_every_edge(name, polygon):
    rng = np.random.default_rng(3)
    x = rng.uniform(-3.5, 3.5, 30_000).astype(np.float32)
    y = rng.uniform(-3.5, 3.5, 30_000).astype(np.float32)
    # points level with vertices, on edges' ends and on the box's sides are the hard ones
    x[:3_000] = np.round(x[:3_000] * 2) / 2
    y[:6_000] = np.round(y[:6_000] * 2) / 2
    corners = rng.integers(0, len(polygon), 1_000)
    x[6_000:7_000], y[6_000:7_000] = polygon[corners, 0], polygon[corners, 1]
    np.testing.assert_array_equal(polygon_mask(x, y, polygon), even_odd(x, y, polygon), name)


@pytest.mark.usefixtures("no_work_limits")
def test_a_dense_polygon_keeps_its_grid_within_the_budgets():
    # every horizontal line crosses about a tenth of 10,000 spikes: many entries a cell
    polygon = spiky_star(10_000)
    grid = coverage.build_coverage(polygon)
    assert grid.rows * grid.columns <= coverage.MAX_CELLS
    assert len(grid.entry) <= coverage.MAX_PAIRS + 2 * len(polygon)
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=20_000).astype(np.float32), rng.normal(size=20_000).astype(np.float32)
    np.testing.assert_array_equal(polygon_mask(x, y, polygon), even_odd(x, y, polygon))


def test_a_polygon_far_from_the_origin_is_still_exact():
    # rounding grows with the coordinates; the margins grow with it
    polygon = lasso(500) * 1e-3 + np.array([1e4, -3e4])
    rng = np.random.default_rng(5)
    x = (1e4 + rng.uniform(-2e-3, 2e-3, 20_000)).astype(np.float32)
    y = (-3e4 + rng.uniform(-2e-3, 2e-3, 20_000)).astype(np.float32)
    np.testing.assert_array_equal(polygon_mask(x, y, polygon), even_odd(x, y, polygon))


@pytest.mark.slow
def test_the_other_passes_over_all_points_stay_within_64_mib(million):
    x, y = million
    n = len(x)
    threshold = draw_threshold(n, 250_000)
    extent = map_extent(x, y)
    for name, work in [
        ("map_extent", lambda: map_extent(x, y)),
        ("density_grid", lambda: density_grid(x, y, extent)),
        ("sample_indices", lambda: sample_indices(n, threshold)),
        ("region_points", lambda: region_points(x, y, threshold, (-9, 9, -9, 9), 250_000)),
    ]:
        peak, _ = peak_bytes(work)
        assert peak < BOUND, f"{name}: {peak / 2**20:.1f} MiB"


@pytest.mark.slow
def test_region_points_over_the_whole_map_keeps_only_the_limit(million):
    x, y = million
    threshold = draw_threshold(len(x), 250_000)
    indices, count = region_points(x, y, threshold, (-9, 9, -9, 9), 1_000)
    hashes = np.sort(point_hash(np.arange(len(x))))
    outside = hashes[hashes >= threshold]
    assert count == len(outside)
    assert len(indices) == 1_000
    assert np.all(np.diff(indices) > 0)
    np.testing.assert_array_equal(np.sort(point_hash(indices)), outside[:1_000])
