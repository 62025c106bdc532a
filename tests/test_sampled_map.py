"""The sampled map, kernel side: the hash and the sample, the density image, the points in view,
region and category selections of all points, and what the widget sends when N > max_drawn."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import traitlets

from latentwidgets import LatentExplorer
from latentwidgets._engine.drawn import (
    density_grid,
    density_size,
    draw_threshold,
    even_odd,
    map_extent,
    point_hash,
    point_hashes,
    polygon_mask,
    region_points,
    sample_indices,
)
from tests._toy import ToyAE

N = 20_000
MAX_DRAWN = 2_000


def reference_hash(i: int) -> int:
    """lowbias32 with Python ints, masked to 32 bits at every step."""
    x = i & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def reference_even_odd(px: np.ndarray, py: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """The textbook even-odd test, one point at a time over every edge."""
    inside = np.zeros(len(px), bool)
    vertices = [tuple(map(float, v)) for v in polygon]
    for k, (x, y) in enumerate(zip(px.tolist(), py.tolist(), strict=True)):
        crossings = 0
        for (ax, ay), (bx, by) in zip(vertices, vertices[1:] + vertices[:1], strict=True):
            if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                crossings += 1
        inside[k] = crossings % 2 == 1
    return inside


def in_box(coords: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x, y = coords[:, 0].astype(np.float64), coords[:, 1].astype(np.float64)
    return (x >= box[0]) & (x <= box[1]) & (y >= box[2]) & (y <= box[3])


@pytest.fixture(scope="module")
def codes() -> np.ndarray:
    """Two-dimensional codes: the "dims" map shows them as they are."""
    return np.random.default_rng(0).normal(size=(N, 2)).astype(np.float32)


@pytest.fixture
def sampled(codes: np.ndarray) -> LatentExplorer:
    labels = np.arange(N) % 3
    widget = LatentExplorer.from_latents(
        codes, labels=labels, projection="dims", max_drawn=MAX_DRAWN
    )
    widget.wait()
    return widget


# ---------------------------------------------------------------- the hash and the sample


def test_point_hash_matches_the_reference_on_python_ints():
    rng = np.random.default_rng(1)
    indices = np.concatenate(
        [
            np.arange(2_000),
            [2**31 - 1, 2**31, 2**31 + 1, 2**32 - 2, 2**32 - 1],
            rng.integers(0, 2**32, 2_000),
        ]
    )
    hashed = point_hash(indices)
    assert hashed.dtype == np.uint32
    assert hashed.tolist() == [reference_hash(int(i)) for i in indices]
    assert point_hash(0).tolist() == 0
    np.testing.assert_array_equal(point_hashes(5_000), point_hash(np.arange(5_000)))
    # a bijection of uint32: no two points tie
    assert len(np.unique(point_hash(np.arange(100_000)))) == 100_000


def test_draw_threshold_is_zero_unless_sampled_and_exact_otherwise():
    assert draw_threshold(2_000, 2_000) == 0
    assert draw_threshold(10, 1_000) == 0
    assert draw_threshold(20_000, 2_000) == (2_000 * 2**32) // 20_000
    assert draw_threshold(10_000_000, 1_000_000) == 429_496_729
    assert draw_threshold(2**32, 1) == 1
    assert draw_threshold(2**40, 1) == 1  # clamped to at least 1
    assert draw_threshold(1_000_001, 1_000_000) == (1_000_000 << 32) // 1_000_001 < 2**32


def test_the_sample_is_deterministic_ascending_and_about_max_drawn():
    threshold = draw_threshold(N, MAX_DRAWN)
    sample = sample_indices(N, threshold)
    np.testing.assert_array_equal(sample, sample_indices(N, threshold))
    np.testing.assert_array_equal(sample, np.flatnonzero(point_hash(np.arange(N)) < threshold))
    np.testing.assert_array_equal(sample, sample_indices(N, threshold, hashes=point_hashes(N)))
    assert np.all(np.diff(sample) > 0)
    assert abs(len(sample) - MAX_DRAWN) < 5 * np.sqrt(MAX_DRAWN)  # binomial, sd ~ 42
    big = sample_indices(3_000_000, draw_threshold(3_000_000, 100_000))  # several chunks
    assert abs(len(big) - 100_000) < 5 * np.sqrt(100_000)
    np.testing.assert_array_equal(sample_indices(10, 0), np.arange(10))


# ---------------------------------------------------------------- the widget's traits


def test_a_map_within_max_drawn_is_not_sampled(codes):
    widget = LatentExplorer.from_latents(codes, projection="dims", max_drawn=N)
    widget.wait()
    assert (widget._n_points, widget._draw_threshold, widget.max_drawn) == (N, 0, N)
    assert widget._density is None
    np.testing.assert_array_equal(widget._points, codes)
    assert widget.coords.shape == (N, 2)
    response, buffers = widget.points_in_view(
        {"x0": -1, "x1": 1, "y0": -1, "y1": 1, "limit": 9}, []
    )
    assert response == {"count": 0, "sent": 0, "box": [-1.0, 1.0, -1.0, 1.0], "complete": True}
    assert buffers == [b"", b"", b""]


def test_a_sampled_map_sends_the_samples_rows_and_keeps_all_coordinates(sampled, codes):
    threshold = draw_threshold(N, MAX_DRAWN)
    sample = sample_indices(N, threshold)
    assert (sampled._n_points, sampled._draw_threshold) == (N, threshold)
    np.testing.assert_array_equal(sampled.coords, codes)  # all N
    points = np.asarray(sampled._points)
    assert points.dtype == np.float32
    np.testing.assert_array_equal(points, sampled.coords[sample])
    state = sampled.get_state("_points")["_points"]
    assert state["shape"] == [len(sample), 2]
    colors = np.asarray(sampled._colors)
    assert colors.dtype == np.uint8
    np.testing.assert_array_equal(colors, (np.arange(N) % 3)[sample])
    x, y = codes[:, 0], codes[:, 1]
    assert sampled._extent == [float(x.min()), float(x.max()), float(y.min()), float(y.max())]
    assert sampled._density.shape == (256, 256)
    # the legend counts all points of each category, not the drawn ones
    assert sampled._color_counts == np.bincount(np.arange(N) % 3).tolist()
    sampled.color_by = ""
    assert sampled._colors is None
    assert sampled._color_counts == []
    sampled.color_by = "label"
    np.testing.assert_array_equal(sampled._colors, colors)
    sampled.add_column("x", codes[:, 0])  # continuous: nothing to count
    assert sampled._color_counts == []


def test_max_drawn_is_checked_and_a_keyword(codes):
    widget = LatentExplorer.from_latents(codes[:100], projection="dims")
    assert widget.max_drawn == 250_000
    for bad in (999, 100_000_001, "big", True, 5_000.0):
        with pytest.raises(traitlets.TraitError, match="max_drawn must be"):
            widget.max_drawn = bad
    with pytest.raises(traitlets.TraitError, match="max_drawn"):
        LatentExplorer.from_latents(codes[:100], max_drawn=10)
    ae = ToyAE().eval()
    images = torch.rand(50, 1, 4, 4, generator=torch.Generator().manual_seed(2))
    explorer = LatentExplorer(ae.encode, ae.decode, images, max_drawn=5_000, progress=False)
    assert explorer.max_drawn == 5_000


def test_changing_max_drawn_sends_the_map_again(sampled):
    changes: list[str] = []
    for name in ("_points", "_colors", "_density", "_draw_threshold"):
        sampled.observe(lambda change: changes.append(change["name"]), name)
    sampled.max_drawn = 5_000
    assert sorted(changes) == ["_colors", "_density", "_draw_threshold", "_points"]
    threshold = draw_threshold(N, 5_000)
    sample = sample_indices(N, threshold)
    assert sampled._draw_threshold == threshold
    np.testing.assert_array_equal(sampled._points, sampled.coords[sample])
    np.testing.assert_array_equal(sampled._colors, (np.arange(N) % 3)[sample])
    sampled.max_drawn = N  # all drawn
    assert sampled._draw_threshold == 0
    assert sampled._density is None
    assert sampled._color_counts == []  # the page counts what it draws
    np.testing.assert_array_equal(sampled._points, sampled.coords)
    assert len(sampled._colors) == N
    changes.clear()
    sampled.max_drawn = 2 * N  # still all drawn: nothing to send
    assert changes == []


# ---------------------------------------------------------------- the density image


def test_density_size_rule():
    assert density_size(0) == 256
    assert density_size(N) == 256
    assert density_size(4 * 512**2) == 512
    assert density_size(10_000_000) == 512
    assert density_size(10**9) == 512


def test_density_shows_where_the_points_are_top_row_first():
    rng = np.random.default_rng(2)
    centres = np.array([[-5.0, 5.0], [5.0, -5.0]])
    coords = (np.repeat(centres, 5_000, axis=0) + rng.normal(0, 0.1, (10_000, 2))).astype(
        np.float32
    )
    coords[0] = [np.nan, 1.0]  # left out
    x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
    extent = map_extent(x, y)
    assert np.isfinite(extent).all()
    image = density_grid(x, y, extent)
    assert image.shape == (256, 256)
    assert image.dtype == np.uint8
    assert image.max() == 255
    # each non-empty cell's centre, back in map coordinates, lies near one of the two clusters
    half = max(extent[1] - extent[0], extent[3] - extent[2]) / 2
    cx, cy = (extent[0] + extent[1]) / 2, (extent[2] + extent[3]) / 2
    rows, cols = np.nonzero(image)
    cell = 2 * half / 256
    centre_x = cx - half + (cols + 0.5) * cell
    centre_y = cy + half - (rows + 0.5) * cell  # row 0 at the top
    distance = np.min(
        np.hypot(centre_x[:, None] - centres[:, 0], centre_y[:, None] - centres[:, 1]), axis=1
    )
    assert distance.max() < 0.6
    # the top-left cluster fills the top-left quarter, the other the bottom-right
    assert image[:128, :128].any()
    assert image[128:, 128:].any()
    assert not image[:128, 128:].any()
    assert not image[128:, :128].any()


def test_density_orientation_and_levels():
    x = np.array([0.0, 10.0, 5.0, 5.0, 5.0], np.float32)
    y = np.array([3.0, 3.0, 0.0, 10.0, 10.0], np.float32)
    image = density_grid(x, y, map_extent(x, y))
    assert image[0, 128] == 255  # the two points at max y: the top row, the most counted
    assert image[-1, 128] > 0  # min y: the bottom row
    assert image[:, 0].any()  # min x: the left column
    assert image[:, -1].any()  # max x: the right column
    level = 1 + round(254 * np.log1p(1) / np.log1p(2))
    assert image[-1, 128] == level
    assert np.count_nonzero(image) == 4


def test_the_widget_density_counts_every_point(sampled):
    x, y = sampled.coords[:, 0], sampled.coords[:, 1]
    np.testing.assert_array_equal(sampled._density, density_grid(x, y, sampled._extent))
    assert np.count_nonzero(sampled._density) > 4 * MAX_DRAWN // 10  # not just the sample


# ---------------------------------------------------------------- points in view


def ask(widget: LatentExplorer, box, limit: int) -> tuple[dict, list[bytes]]:
    x0, x1, y0, y1 = box
    return widget.points_in_view({"x0": x0, "x1": x1, "y0": y0, "y1": y1, "limit": limit}, [])


def test_points_in_view_are_the_regions_points_outside_the_sample(sampled, codes):
    threshold = sampled._draw_threshold
    outside_sample = point_hash(np.arange(N)) >= threshold
    rng = np.random.default_rng(3)
    boxes = [(-0.5, 0.7, -1.1, 0.2), (0.1, 0.3, -3.0, 3.0), (-9.0, 9.0, -9.0, 9.0)]
    # bounds on points' own coordinates: the region holds its edges
    a, b = rng.choice(N, 2, replace=False)
    boxes.append(
        (
            float(min(codes[a, 0], codes[b, 0])),
            float(max(codes[a, 0], codes[b, 0])),
            float(min(codes[a, 1], codes[b, 1])),
            float(max(codes[a, 1], codes[b, 1])),
        )
    )
    for box in boxes:
        response, buffers = ask(sampled, box, MAX_DRAWN)
        expected = np.flatnonzero(in_box(codes, box) & outside_sample)
        assert response["count"] == len(expected)
        assert response["box"] == list(box)
        indices = np.frombuffer(buffers[0], np.uint32)
        if len(expected) <= MAX_DRAWN:
            np.testing.assert_array_equal(indices, expected)
            assert response["complete"] is True
        else:
            assert response["complete"] is False
        assert response["sent"] == len(indices)
        assert np.isin(indices, expected).all()
        assert not np.isin(indices, sample_indices(N, threshold)).any()
    # the two points on the last box's edges are in its answer, unless they are in the sample
    on_edges = np.frombuffer(ask(sampled, boxes[-1], MAX_DRAWN)[1][0], np.uint32)
    np.testing.assert_array_equal(np.isin([a, b], on_edges), outside_sample[[a, b]])


def test_points_in_view_past_the_limit_keep_the_smallest_hashes(sampled, codes):
    threshold = sampled._draw_threshold
    box = (-1.0, 1.0, -1.0, 1.0)
    candidates = np.flatnonzero(in_box(codes, box) & (point_hash(np.arange(N)) >= threshold))
    assert len(candidates) > 1_000
    response, buffers = ask(sampled, box, 300)
    indices = np.frombuffer(buffers[0], np.uint32)
    smallest = candidates[np.argsort(point_hash(candidates))[:300]]
    np.testing.assert_array_equal(indices, np.sort(smallest))
    assert (response["count"], response["sent"], response["complete"]) == (
        len(candidates),
        300,
        False,
    )
    # the limit is capped at max_drawn
    response, _ = ask(sampled, (-9.0, 9.0, -9.0, 9.0), 10**9)
    assert response["sent"] == MAX_DRAWN


def test_zooming_in_only_adds_points(sampled, codes):
    outer, inner = (-2.0, 2.0, -2.0, 2.0), (-0.5, 0.8, -0.3, 0.9)
    before = np.frombuffer(ask(sampled, outer, 400)[1][0], np.uint32)
    after = np.frombuffer(ask(sampled, inner, 400)[1][0], np.uint32)
    still_in_view = before[in_box(codes[before], inner)]
    assert len(still_in_view) > 0
    assert np.isin(still_in_view, after).all()
    assert len(after) > len(still_in_view)


def test_points_in_view_positions_and_colours(sampled, codes):
    box = (-1.3, 0.4, -0.2, 1.7)
    response, (raw_indices, raw_xy, raw_colors) = ask(sampled, box, MAX_DRAWN)
    indices = np.frombuffer(raw_indices, np.uint32)
    xy = np.frombuffer(raw_xy, np.uint16).reshape(-1, 2)
    assert len(xy) == len(indices) == response["sent"] > 0
    x0, x1, y0, y1 = box
    decoded_x = x0 + xy[:, 0] / 65535 * (x1 - x0)
    decoded_y = y0 + xy[:, 1] / 65535 * (y1 - y0)
    assert np.abs(decoded_x - codes[indices, 0]).max() <= (x1 - x0) / 65535
    assert np.abs(decoded_y - codes[indices, 1]).max() <= (y1 - y0) / 65535
    colors = np.frombuffer(raw_colors, np.asarray(sampled._colors).dtype)
    np.testing.assert_array_equal(colors, (np.arange(N) % 3)[indices])
    # continuous colours travel as float32, as _colors does; none: an empty buffer
    sampled.add_column("value", np.linspace(0, 1, N))
    _, (raw_indices, _, raw_colors) = ask(sampled, box, MAX_DRAWN)
    np.testing.assert_allclose(
        np.frombuffer(raw_colors, np.float32),
        np.linspace(0, 1, N, dtype=np.float32)[np.frombuffer(raw_indices, np.uint32)],
    )
    sampled.color_by = ""
    assert ask(sampled, box, MAX_DRAWN)[1][2] == b""


@pytest.mark.parametrize(
    "msg",
    [
        None,
        [1, 2, 3],
        {},
        {"x0": 0, "x1": 1, "y0": 0, "y1": 1},  # no limit
        {"x0": 0, "x1": 1, "y0": 0, "y1": 1, "limit": 0},
        {"x0": 0, "x1": 1, "y0": 0, "y1": 1, "limit": -5},
        {"x0": 0, "x1": 1, "y0": 0, "y1": 1, "limit": 2.5},
        {"x0": 0, "x1": 1, "y0": 0, "y1": 1, "limit": True},
        {"x0": 1, "x1": 0, "y0": 0, "y1": 1, "limit": 10},
        {"x0": 0, "x1": 0, "y0": 0, "y1": 1, "limit": 10},
        {"x0": 0, "x1": 1, "y0": 0, "y1": float("nan"), "limit": 10},
        {"x0": "0", "x1": 1, "y0": 0, "y1": 1, "limit": 10},
        {"x0": 0, "x1": float("inf"), "y0": 0, "y1": 1, "limit": 10},
    ],
)
def test_bad_view_requests_get_an_error(sampled, msg):
    response, buffers = sampled.points_in_view(msg, [])
    assert set(response) == {"error"}
    assert isinstance(response["error"], str)
    assert buffers == []


def test_region_points_directly():
    x = np.array([0.0, 0.1, 0.2, np.nan, 0.5], np.float32)
    y = np.zeros(5, np.float32)
    indices, count = region_points(x, y, 0, (0.1, 0.5, 0.0, 0.0), 10)
    # 0.1 as a float32 is above 0.1: the box is compared with the float64 bounds exactly
    assert float(np.float32(0.1)) > 0.1
    assert (indices.tolist(), count) == ([1, 2, 4], 3)
    indices, count = region_points(x, y, 0, (0.1, 0.5, 0.0, 0.0), 10, hashes=point_hashes(5))
    assert (indices.tolist(), count) == ([1, 2, 4], 3)
    assert region_points(x, y, 0, (0.1, 0.5, 0.0, 0.0), 0)[1] == 3


# ---------------------------------------------------------------- selections of all points


def random_polygons(rng: np.random.Generator) -> list[np.ndarray]:
    polygons = []
    for vertices in (3, 5, 8, 12, 40):
        # a star: concave, around a random centre
        angle = np.sort(rng.uniform(0, 2 * np.pi, vertices))
        radius = rng.uniform(0.3, 2.5, vertices)
        centre = rng.normal(0, 0.5, 2)
        polygons.append(centre + np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1))
    for vertices in (4, 7, 15):  # random order: crossing itself
        polygons.append(rng.uniform(-2.5, 2.5, (vertices, 2)))
    return polygons


def test_polygon_mask_matches_the_reference():
    rng = np.random.default_rng(4)
    coords = rng.normal(size=(3_000, 2)).astype(np.float32)
    x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
    for polygon in random_polygons(rng):
        expected = reference_even_odd(x, y, polygon)
        np.testing.assert_array_equal(even_odd(x, y, polygon), expected)
        np.testing.assert_array_equal(polygon_mask(x, y, polygon), expected)


def test_select_region_selects_all_points_inside(sampled, codes):
    rng = np.random.default_rng(5)
    x, y = codes[:, 0], codes[:, 1]
    for polygon in random_polygons(rng):
        response, buffers = sampled.select_region(
            {"polygon": polygon.ravel().tolist(), "merge": False}, []
        )
        expected = np.flatnonzero(even_odd(x, y, polygon))
        assert response == {"count": len(expected)}
        assert buffers == []
        selection = np.asarray(sampled._selection)
        assert selection.dtype == np.uint32
        np.testing.assert_array_equal(selection, expected)
    # a few against the one-point-at-a-time reference
    for polygon in random_polygons(rng)[:3]:
        sampled.select_region({"polygon": polygon.ravel().tolist(), "merge": False}, [])
        np.testing.assert_array_equal(
            sampled._selection, np.flatnonzero(reference_even_odd(x, y, polygon))
        )


def test_select_region_merges_or_replaces(sampled, codes):
    x, y = codes[:, 0], codes[:, 1]
    left = np.array([[-3.0, -3.0], [0.0, -3.0], [0.0, 0.0]])
    right = np.array([[0.5, 0.5], [3.0, 0.5], [3.0, 3.0], [0.5, 3.0]])
    sampled.selected = [0, 1, 2]
    sampled.select_region({"polygon": left.ravel().tolist(), "merge": True}, [])
    expected = np.union1d([0, 1, 2], np.flatnonzero(even_odd(x, y, left)))
    np.testing.assert_array_equal(sampled._selection, expected)
    response, _ = sampled.select_region({"polygon": right.ravel().tolist(), "merge": True}, [])
    expected = np.union1d(expected, np.flatnonzero(even_odd(x, y, right)))
    assert response == {"count": len(expected)}
    assert sampled.selected == expected.tolist()
    sampled.select_region({"polygon": right.ravel().tolist()}, [])  # merge: False by default
    np.testing.assert_array_equal(sampled._selection, np.flatnonzero(even_odd(x, y, right)))


@pytest.mark.parametrize(
    "msg",
    [
        None,
        {},
        {"polygon": [0, 0, 1, 0], "merge": False},  # 2 vertices
        {"polygon": [0, 0, 1, 0, 1], "merge": False},  # odd length
        {"polygon": [0, 0, 1, 0, 1, float("nan")], "merge": False},
        {"polygon": [0, 0, 1, 0, 1, "1"], "merge": False},
        {"polygon": [0, 0, 1, 0, 1, 1], "merge": "yes"},
        {"polygon": "0 0 1 0 1 1", "merge": False},
    ],
)
def test_bad_region_requests_get_an_error(sampled, msg):
    sampled.selected = [5]
    response, buffers = sampled.select_region(msg, [])
    assert set(response) == {"error"}
    assert buffers == []
    assert sampled.selected == [5]


def test_select_category_selects_every_point_of_a_code(sampled):
    labels = np.arange(N) % 3
    response, _ = sampled.select_category({"code": 1, "merge": False}, [])
    assert response == {"count": int((labels == 1).sum())}
    np.testing.assert_array_equal(sampled._selection, np.flatnonzero(labels == 1))
    response, _ = sampled.select_category({"code": 2, "merge": True}, [])
    np.testing.assert_array_equal(sampled._selection, np.flatnonzero(labels != 0))
    assert response == {"count": int((labels != 0).sum())}
    sampled.select_category({"code": 0}, [])
    np.testing.assert_array_equal(sampled._selection, np.flatnonzero(labels == 0))
    for bad in ({"code": 3}, {"code": -1}, {"code": 1.0}, {"code": True}, {}, None):
        response, _ = sampled.select_category(bad, [])
        assert set(response) == {"error"}
    sampled.add_column("value", np.linspace(0, 1, N))  # continuous: no categories
    response, _ = sampled.select_category({"code": 0, "merge": False}, [])
    assert "not categories" in response["error"]
    sampled.color_by = ""
    assert "error" in sampled.select_category({"code": 0}, [])[0]


# ---------------------------------------------------------------- zoom_to and the history


def test_zoom_to_sends_a_region_when_sampled(sampled, codes, monkeypatch):
    sent: list[tuple[dict, list]] = []
    monkeypatch.setattr(
        sampled, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    chosen = [3, 17, 4_000, 12_345]
    sampled.zoom_to(chosen)
    content, _ = sent[-1]
    points = codes[chosen]
    assert content == {
        "kind": "lw-zoom",
        "indices": None,
        "region": [
            float(points[:, 0].min()),
            float(points[:, 0].max()),
            float(points[:, 1].min()),
            float(points[:, 1].max()),
        ],
    }
    sampled.zoom_to([])
    assert sent[-1][0] == {"kind": "lw-zoom", "indices": None}
    sampled.max_drawn = N  # not sampled: the indices, as before
    sampled.zoom_to(chosen)
    content, buffers = sent[-1]
    assert content["indices"]["shape"] == [4]
    assert "region" not in content
    np.testing.assert_array_equal(np.frombuffer(buffers[0], np.uint32), chosen)


def test_history_sends_the_samples_rows():
    ae = ToyAE().eval()
    images = torch.rand(N, 1, 4, 4, generator=torch.Generator().manual_seed(6))
    explorer = LatentExplorer(ae.encode, ae.decode, images, max_drawn=MAX_DRAWN, progress=False)
    explorer.wait()
    explorer.update(keep=True, name="a")
    explorer.update(keep=True, name="b")
    sample = sample_indices(N, draw_threshold(N, MAX_DRAWN))
    history = np.asarray(explorer._history)
    assert history.shape == (2, len(sample), 2)
    for row, snapshot in zip(history, explorer.history, strict=True):
        assert snapshot.coords.shape == (N, 2)  # all points kept in Python
        np.testing.assert_array_equal(row, snapshot.coords[sample])
    explorer.max_drawn = 4_000
    wider = sample_indices(N, draw_threshold(N, 4_000))
    np.testing.assert_array_equal(explorer._history[1], explorer.history[1].coords[wider])
    explorer.max_drawn = N
    assert np.asarray(explorer._history).shape == (2, N, 2)
