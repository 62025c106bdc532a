"""``map_labels``: each category's name placed at the densest place of its points on the map on show,
never at a mean between its clusters; checked columns; places that follow the layout and the columns.
"""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

from latentwidgets import LatentExplorer
from latentwidgets._engine.label_places import label_places, stratified_rows
from latentwidgets.colors import encode_colors

RNG = np.random.default_rng(0)
# "a": a big blob at (4, 0) and a smaller one at (-4, 0), so its mean, (0.8, 0), lies between them;
# "b": one blob at (0, 5). A third latent dimension moves the points on the dims map of [1, 2].
BIG, SMALL, B = (
    RNG.normal([4.0, 0.0, 0.0], 0.3, (600, 3)),
    RNG.normal([-4.0, 0.0, 2.0], 0.3, (400, 3)),
    RNG.normal([0.0, 5.0, -3.0], 0.3, (500, 3)),
)
CODES = np.concatenate([BIG, SMALL, B]).astype(np.float32)
LABELS = np.array(["a"] * 1000 + ["b"] * 500)


def places(explorer: LatentExplorer) -> dict[str, tuple[float, float, int]]:
    sent = explorer._label_places
    return {
        name: (x, y, count)
        for name, x, y, count in zip(
            sent["names"], sent["x"], sent["y"], sent["count"], strict=True
        )
    }


@pytest.fixture
def blobs() -> LatentExplorer:
    explorer = LatentExplorer.from_latents(
        CODES,
        labels=LABELS,
        metadata={"error": RNG.random(len(CODES)), "group": np.arange(len(CODES)) % 3},
        projection="dims",
    )
    explorer.wait(timeout=60)
    return explorer


def test_a_label_goes_to_the_densest_blob_not_the_mean(blobs):
    assert blobs._label_places["names"] == []  # none until a column is chosen
    blobs.map_labels = "label"
    placed = places(blobs)
    assert set(placed) == {"a", "b"}
    ax, ay, a_count = placed["a"]
    assert np.hypot(ax - 4.0, ay - 0.0) < 0.3, "not on the bigger of a's two blobs"
    assert LABELS[np.hypot(CODES[:, 0] - ax, CODES[:, 1] - ay) < 0.5].tolist().count("a") > 50
    bx, by, b_count = placed["b"]
    assert np.hypot(bx - 0.0, by - 5.0) < 0.3
    assert (a_count, b_count) == (1000, 500)
    assert blobs._label_places["column"] == "label"
    blobs.map_labels = ""
    assert blobs._label_places == {"column": "", "names": [], "x": [], "y": [], "count": []}


def test_places_follow_a_new_layout(blobs):
    blobs.map_labels = "label"
    before = places(blobs)
    blobs.dims = [1, 2]  # a new map: y becomes x, the third dimension y
    blobs.wait(timeout=60)
    after = places(blobs)
    assert after != before
    ax, ay, _ = after["a"]
    assert np.hypot(ax - 0.0, ay - 0.0) < 0.3  # the big blob of "a" is now at (0, 0)
    bx, by, _ = after["b"]
    assert np.hypot(bx - 5.0, by + 3.0) < 0.3


def test_only_categorical_columns_may_label_the_map(blobs):
    assert blobs._map_label_options == ["label", "group"]
    with pytest.raises(
        traitlets.TraitError, match=r"\['label', 'group'\]; got 'error' \(a numeric column\)"
    ):
        blobs.map_labels = "error"
    with pytest.raises(traitlets.TraitError, match=r"one of \['label', 'group'\]; got 'nope'"):
        blobs.map_labels = "nope"
    assert blobs.map_labels == ""
    blobs.set_state({"map_labels": "error"})  # as the browser would: refused and said
    assert blobs.map_labels == ""
    assert "map_labels" in blobs._status["message"]
    blobs.set_state({"map_labels": "group"})
    assert sorted(blobs._label_places["names"]) == ["0", "1", "2"]


def test_new_columns_are_offered_and_followed(blobs):
    blobs.map_labels = "label"
    clusters = np.where(CODES[:, 1] > 2.5, "top", "bottom")
    blobs.add_column("cluster", clusters, color=False)
    assert "cluster" in blobs._map_label_options
    blobs.map_labels = "cluster"
    assert set(places(blobs)) == {"top", "bottom"}
    blobs.add_column("cluster", np.where(CODES[:, 0] > 0, "east", "west"), color=False)
    assert set(places(blobs)) == {"east", "west"}  # new values of the column on show
    blobs.add_column("cluster", RNG.random(len(CODES)), color=False)  # now numbers
    assert "cluster" not in blobs._map_label_options
    assert blobs.map_labels == ""
    assert blobs._label_places["names"] == []


def test_label_places_finds_the_mode_of_each_category():
    rng = np.random.default_rng(1)
    big = rng.normal([10.0, 10.0], 0.5, (800, 2))
    small = rng.normal([-10.0, -10.0], 0.5, (500, 2))
    other = rng.normal([10.0, -10.0], 0.5, (300, 2))
    xy = np.concatenate([big, small, other])
    codes = np.repeat([0, 0, 1], [800, 500, 300]).astype(np.uint8)
    xy[5] = np.nan  # non-finite coordinates are left out
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    px, py = label_places(x, y, codes, 3, [-12.0, 12.0, -12.0, 12.0])
    assert np.hypot(px[0] - 10, py[0] - 10) < 0.3
    assert np.hypot(px[1] - 10, py[1] + 10) < 0.3
    assert np.isnan(px[2])  # a category with no point
    assert np.isnan(py[2])


def test_a_large_map_is_read_through_a_sample_that_keeps_small_categories():
    n = 50_000
    codes = np.zeros(n, np.uint8)
    codes[:30] = 1  # a category of 30 points among 50,000
    counts = np.bincount(codes, minlength=2)
    rows = stratified_rows(codes, counts, budget=5_000)
    assert len(rows) < 10_000
    assert (codes[rows] == 1).sum() == 30
    assert np.all(np.diff(rows) > 0)
    assert np.array_equal(rows, stratified_rows(codes, counts, budget=5_000))  # deterministic
    assert np.array_equal(stratified_rows(codes[:100], counts, budget=5_000), np.arange(100))


def test_the_constructor_takes_map_labels_and_checks_it():
    explorer = LatentExplorer.from_latents(
        CODES, labels=LABELS, projection="dims", map_labels="label"
    )
    explorer.wait(timeout=60)
    assert set(places(explorer)) == {"a", "b"}
    with pytest.raises(traitlets.TraitError, match=r"one of \['label'\]; got 'nope'"):
        LatentExplorer.from_latents(CODES, labels=LABELS, map_labels="nope")


@pytest.mark.parametrize(
    ("values", "categorical"),
    [
        (np.arange(len(CODES)) % 20, True),
        (np.arange(len(CODES)) % 21, False),
        ((np.arange(len(CODES)) % 3) * 10**12, True),  # few values far apart
        (np.arange(len(CODES)) * 10**9, False),
        (np.arange(len(CODES), dtype=np.uint8) % 7, True),
    ],
)
def test_integer_columns_are_offered_as_the_colours_read_them(blobs, values, categorical):
    assert (encode_colors(values)[0] == "categorical") is categorical
    blobs.add_column("ints", values, color=False)
    assert ("ints" in blobs._map_label_options) is categorical


def test_the_sample_is_not_in_step_with_seeded_random_labels():
    # labels drawn from default_rng(0), as people write them: a sample drawn from the same
    # seeded generator once kept 200,001 points of the first category and none of eight others
    codes = np.random.default_rng(0).integers(0, 10, 100_000).astype(np.uint8)
    counts = np.bincount(codes, minlength=10)
    kept = np.bincount(codes[stratified_rows(codes, counts, budget=20_000)], minlength=10)
    assert np.all(np.abs(kept - 2_000) < 300), kept
