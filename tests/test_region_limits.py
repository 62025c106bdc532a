"""A lasso's work is bounded: polygons beyond the documented limits are refused, with a clear error.

Within the limits (``MAX_POLYGON_VERTICES`` vertices, a tangle of at most ``MAX_TANGLE``, at most
``WORK_PER_POINT`` tested points a point, an edge test counting an eighth) a lasso costs at most 64 MiB of extra memory and
about 1 s at 10M points (``benchmarks/bench_region.py`` times it). Memory is checked here with
tracemalloc, to which numpy reports its allocations; a polygon beyond the limits is refused before
its work passes the bound, and the selection stays as it was.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from latentwidgets import LatentExplorer
from latentwidgets._engine import polygon as lasso
from latentwidgets._engine.drawn import even_odd, polygon_mask
from latentwidgets.features.map import MAX_POLYGON_VERTICES

BOUND = 64 * 2**20
#: The bound is for 10M points; the test maps 1M, whose mask is this much smaller.
MASK_AT_10M = 9_000_000


def circle(vertices: int, turns: int = 1, radius: float = 1.0) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi * turns, vertices, endpoint=False)
    wave = 1 + 0.05 * np.sin(7 * t)  # turns that do not overlap exactly
    return np.stack([radius * wave * np.cos(t), radius * wave * np.sin(t)], 1)


def zigzag(vertices: int) -> np.ndarray:
    """Teeth from the bottom of the map to near its top, then back along the bottom."""
    k = vertices // 2
    xs = np.linspace(-3.0, 3.0, k)
    teeth = np.stack([xs, np.where(np.arange(k) % 2 == 0, 3.0, -2.5)], 1)
    return np.concatenate([teeth, np.stack([xs[::-1], np.full(k, -3.0)], 1)])


def scribble(vertices: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3.0, 3.0, (vertices, 2))


def crowded(vertices: int) -> np.ndarray:
    """Teeth packed where the points are, in a box made huge by one far vertex: little tangle."""
    k = vertices // 2
    xs = np.linspace(-0.5, 0.5, k)
    teeth = np.stack([xs, np.where(np.arange(k) % 2 == 0, 0.5, -0.5)], 1)
    return np.concatenate([[[-1e4, -1e4]], teeth, [[1e4, 1e4]]])


def peak_bytes(work):
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


def test_tangle_counts_how_often_a_line_across_the_box_crosses_the_outline():
    assert lasso.tangle(circle(2_000)) == pytest.approx(2, rel=0.1)
    assert lasso.tangle(circle(6_000, turns=3)) == pytest.approx(6, rel=0.1)
    # the same shape at any scale and place, with any number of vertices along it
    assert lasso.tangle(circle(500) * 1e-4 + 1e3) == pytest.approx(lasso.tangle(circle(500)))
    assert lasso.tangle(circle(20_000)) == pytest.approx(lasso.tangle(circle(200)), rel=0.01)
    # a long lasso drawn round five times stays far below the limit; random scribbles cross
    # the whole box with each edge
    assert lasso.tangle(circle(MAX_POLYGON_VERTICES, turns=5)) < lasso.MAX_TANGLE / 4
    assert lasso.tangle(scribble(3_000)) > 900


def test_a_tangled_polygon_is_refused_before_any_work(monkeypatch):
    def no_grid(vertices):
        raise AssertionError("the grid was built")

    monkeypatch.setattr(lasso, "build_coverage", no_grid)
    x = np.zeros(10, np.float32)
    with pytest.raises(ValueError, match=r"^polygon is too tangled: .* at most 50 ") as error:
        polygon_mask(x, x, scribble(2_000))
    assert "merge" in str(error.value)  # says what to do instead


def test_edges_crowding_where_the_points_are_are_refused_within_the_test_budget(monkeypatch):
    polygon = crowded(2_000)
    assert lasso.tangle(polygon) < lasso.MAX_TANGLE
    rng = np.random.default_rng(1)
    x = rng.normal(size=200_000).astype(np.float32)
    y = rng.normal(size=200_000).astype(np.float32)
    monkeypatch.setattr(lasso, "MIN_WORK", 50_000)
    tested = []
    real = lasso.tested_inside

    def counting(grid, tests, column, px, py):
        tested.append(tests.total)
        return real(grid, tests, column, px, py)

    monkeypatch.setattr(lasso, "tested_inside", counting)
    with pytest.raises(ValueError, match=r"^polygon crowds too many edges .* 60,000 point tests"):
        polygon_mask(x, y, polygon)
    # refused before the tests of the chunk that would pass the budget, not after them
    assert sum(tested) == 0
    # the same polygon on few points is within the budget, and exact
    few_x, few_y = x[:1_000], y[:1_000]
    monkeypatch.setattr(lasso, "MIN_WORK", 1 << 21)
    np.testing.assert_array_equal(
        polygon_mask(few_x, few_y, polygon), even_odd(few_x, few_y, polygon)
    )


def test_select_region_answers_a_refused_polygon_with_an_error_and_keeps_the_selection():
    codes = np.random.default_rng(2).normal(size=(5_000, 2)).astype(np.float32)
    widget = LatentExplorer.from_latents(codes, projection="dims", max_drawn=1_000)
    widget.wait()
    widget.selected = [3, 4]
    response, buffers = widget.select_region({"polygon": scribble(2_000).ravel().tolist()}, [])
    assert set(response) == {"error"}
    assert "polygon is too tangled" in response["error"]
    assert buffers == []
    assert widget.selected == [3, 4]
    too_many = circle(MAX_POLYGON_VERTICES + 1).ravel().tolist()
    response, _ = widget.select_region({"polygon": too_many}, [])
    assert f"at most {MAX_POLYGON_VERTICES}" in response["error"]
    assert widget.selected == [3, 4]
    widget.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "polygon", "refused"),
    [
        ("lasso at the vertex limit", circle(MAX_POLYGON_VERTICES), False),
        ("lasso round five times", circle(MAX_POLYGON_VERTICES, turns=5), False),
        ("zigzag near the tangle limit", zigzag(2_600), False),
        ("scribble near the tangle limit", scribble(140), False),
        ("crowded edges: refused in the pass", crowded(MAX_POLYGON_VERTICES), True),
        ("scribble: refused before the pass", scribble(MAX_POLYGON_VERTICES), True),
    ],
)
def test_any_polygon_within_the_vertex_limit_stays_within_64_mib(million, name, polygon, refused):
    x, y = million
    assert len(polygon) <= MAX_POLYGON_VERTICES + 2
    if refused:
        peak, _ = peak_bytes(lambda: _refused(x, y, polygon))
    else:
        peak, mask = peak_bytes(lambda: polygon_mask(x, y, polygon))
        rows = np.random.default_rng(1).choice(len(x), 20_000, replace=False)
        np.testing.assert_array_equal(mask[rows], even_odd(x[rows], y[rows], polygon))
    assert peak + MASK_AT_10M < BOUND, f"{name}: {peak / 2**20:.1f} MiB at 1M points"


def _refused(x: np.ndarray, y: np.ndarray, polygon: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"^polygon "):
        polygon_mask(x, y, polygon)
