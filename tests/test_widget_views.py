"""Kernel-level tests of the widget's views beyond the map: colour scales, the hover card's fields,
and the latent operations (neighbours, traversal, vectors, samples, errors, clusters, probes)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import traitlets

from latentwidgets import LatentExplorer
from latentwidgets.colors import scale_values
from tests._toy import N, X, Y


def test_scale_values_spreads_heavy_tails():
    values = np.array([0.001, 0.01, 0.1, 1.0, 10.0, np.nan])
    linear, linear_range, _ = scale_values(values, "linear")
    np.testing.assert_allclose(linear[:5], values[:5], rtol=1e-6)
    assert linear_range == [0.001, 10.0]
    logged, log_range, ticks = scale_values(values, "log")
    np.testing.assert_allclose(logged[:5], [-3, -2, -1, 0, 1], atol=1e-6)
    assert log_range == pytest.approx([-3.0, 1.0])
    assert [label for _, label in ticks] == ["0.001", "0.01", "0.1", "1", "10"]
    ranks, rank_range, ticks = scale_values(values, "quantile")
    np.testing.assert_allclose(ranks[:5], [0, 0.25, 0.5, 0.75, 1])
    assert np.isnan(ranks[5])
    assert rank_range == [0.0, 1.0]
    assert ticks[2] == (0.5, "0.1")  # the median
    shifted, _, ticks = scale_values(np.array([-1.0, 0.0, 5.0]), "log")
    assert np.all(np.isfinite(shifted))
    assert np.all(np.diff(shifted) > 0)
    assert [label for _, label in ticks] == ["-1", "0", "2"]  # round numbers, never crowded
    assert all(b[0] - a[0] >= 0.15 for a, b in itertools.pairwise(ticks))
    with pytest.raises(
        ValueError, match=r"color_scale must be one of \['linear', 'log', 'quantile'\]"
    ):
        scale_values(values, "sqrt")


def test_color_scale_changes_the_continuous_colours_sent(explorer):
    error = np.exp(np.linspace(0, 8, N))  # heavy-tailed, like reconstruction errors
    explorer.add_column("err", error)
    linear = np.asarray(explorer._colors).copy()
    assert explorer._color_kind == "continuous"
    explorer.color_scale = "quantile"
    np.testing.assert_allclose(explorer._colors, np.linspace(0, 1, N), atol=1e-6)
    assert explorer._color_range == [0.0, 1.0]
    assert explorer._color_ticks[-1] == [1.0, "3000"]  # e**8, rounded: labels stay short
    explorer.color_scale = "log"
    np.testing.assert_allclose(explorer._colors, np.log10(error), rtol=1e-5)
    assert not np.allclose(explorer._colors, linear)
    with pytest.raises(traitlets.TraitError, match="color_scale"):
        explorer.color_scale = "sqrt"


def test_preview_carries_the_points_fields_for_the_hover_card(ae):
    widget = LatentExplorer(
        ae.encode,
        ae.decode,
        X,
        labels=Y.numpy(),
        label_names=["zero", "one", "two"],
        metadata={"ink": np.arange(N) / 10},
        progress=False,
    )
    response, _ = widget.preview({"index": 4}, [])
    assert response["fields"] == [["label", "one"], ["ink", "0.4"]]


# ---------------------------------------------------------------- latent operations


def test_pinning_a_point_lists_its_latent_neighbours(explorer):
    explorer.pinned = 7
    found = np.asarray(explorer._neighbours)
    assert found.dtype == np.uint32
    assert len(found) == 10
    assert 7 not in found
    distances = torch.cdist(explorer.latents[7:8], explorer.latents)[0]
    distances[7] = float("inf")
    np.testing.assert_array_equal(found, torch.argsort(distances)[:10].numpy())
    assert 0 <= explorer._neighbour_overlap <= 10
    explorer.neighbours_k = 3
    assert len(explorer._neighbours) == 3
    explorer.pinned = -1
    assert explorer._neighbours is None
    assert explorer._neighbour_overlap == -1


def test_neighbours_from_python(explorer):
    indices, distances = explorer.neighbours(5, k=4, metric="cosine")
    assert indices.shape == distances.shape == (4,)
    assert bool(torch.all(distances[1:] >= distances[:-1]))
    with pytest.raises(TypeError, match="index must be an integer point index"):
        explorer.neighbours(1.5)


def test_traverse_decodes_frames_along_a_direction_and_shows_them(explorer):
    calls = explorer._core.store.decoder_calls
    frames = explorer.traverse(3, "pc1", span=2.0, steps=5)
    assert frames.shape == (5, 1, 4, 4)
    assert explorer._core.store.decoder_calls == calls + 1  # one batch
    assert explorer.pinned == 3
    assert explorer.traverse_direction == "pc1"
    assert explorer._traverse_frames.shape == (5, 4, 4, 4)
    assert explorer._traverse_path.shape == (5, 2)
    explorer.traverse(3, "pc1", span=2.0, steps=5)  # the same walk: cached
    assert explorer._core.store.decoder_calls == calls + 1
    explorer.traverse(3, 1, span=2.0, steps=5)
    assert explorer.traverse_direction == "z1"
    with pytest.raises(ValueError, match="direction must be"):
        explorer.traverse(3, "nope")
    with pytest.raises(traitlets.TraitError, match="traverse_direction must be"):
        explorer.traverse_direction = "z99"


def test_attribute_vectors_and_arithmetic(explorer):
    v = explorer.attribute_vector(1, 2, name="one minus two")
    codes = explorer.latents
    expected = codes[(Y == 1).numpy()].mean(0) - codes[(Y == 2).numpy()].mean(0)
    torch.testing.assert_close(v, expected)
    assert "one minus two" in explorer._traverse_options
    assert "one minus two" in explorer.vectors
    out = explorer.apply(4, "one minus two", alpha=0.5)
    torch.testing.assert_close(out, explorer.model.decode((codes[4] + 0.5 * v)[None])[0])
    explorer.add_column("scale", codes[:, 0].numpy() * 2.0)
    direction = explorer.attribute_vector(column="scale")
    assert direction.shape == (3,)
    with pytest.raises(KeyError, match="vector must be a saved vector"):
        explorer.apply(4, "nope")
    with pytest.raises(TypeError, match="either groups a and b, or column="):
        explorer.attribute_vector(1, column="scale")


def test_samples_are_decoded_shown_and_placed(explorer):
    decoded = explorer.sample(6, prior="fitted", seed=1)
    assert decoded.shape == (6, 1, 4, 4)
    assert explorer.sample_prior_ == "fitted"
    assert explorer._samples.shape == (6, 4, 4, 4)
    assert explorer._sample_points.shape == (6, 2)
    again = explorer.sample(6, prior="fitted", seed=1)
    torch.testing.assert_close(decoded, again)
    response, _ = explorer.sample_command({"n": 3}, [])
    assert response == {"count": 3}
    explorer.projection = "dims"  # the samples follow the map
    np.testing.assert_allclose(
        explorer._sample_points, explorer.sample_codes_[:, :2].numpy(), atol=1e-6
    )
    with pytest.raises(ValueError, match=r"n must be a positive int; got 0"):
        explorer.sample(0)
    assert len(explorer.sample(300)) == 300  # any n; the gallery shows the first 256
    assert explorer._samples.shape[0] == 256
    assert len(explorer.sample(np.int64(4))) == 4


def test_reconstruction_error_colours_the_map_and_lists_the_worst(explorer):
    errors = explorer.reconstruction_error(worst=5)
    manual = ((explorer.model.decode(explorer.latents) - X) ** 2).flatten(1).mean(1)
    torch.testing.assert_close(errors, manual)
    assert explorer.color_by == "recon_error"
    worst = np.asarray(explorer._worst)
    np.testing.assert_array_equal(worst, torch.argsort(manual, descending=True)[:5].numpy())


def test_cluster_adds_a_colour_column(explorer):
    labels = explorer.cluster(k=3)
    assert labels.shape == (N,)
    assert explorer.color_by == "cluster"
    assert explorer._color_kind == "categorical"
    assert explorer.cluster_centroids_.shape == (3, 3)
    sizes = torch.bincount(labels)
    assert bool(torch.all(sizes[:-1] >= sizes[1:]))  # cluster 0 the largest


def test_code_at_inverts_pca_exactly(explorer):
    x, y = explorer.coords[11]
    # PCA keeps 2 of 3 dimensions: the inverse lands on the point's projection onto the plane
    code = explorer.code_at(float(x), float(y))
    projection = explorer._core.scheduler.fitted("pca")
    np.testing.assert_allclose(projection.transform(code[None]), [[x, y]], atol=1e-5)
    assert explorer._probe_exact is True
    decoded = explorer.decode_at(float(x), float(y))
    assert decoded.shape == (1, 4, 4)
    with pytest.raises(TypeError, match="x must be a number"):
        explorer.code_at("1", 0.0)


def test_probe_and_manifold_commands(explorer):
    x, y = (float(v) for v in explorer.coords[2])
    response, buffers = explorer.probe({"x": x, "y": y}, [])
    assert response["exact"] is True
    assert response["recon"]["width"] == 4
    assert len(buffers[0]) == 4 * 4 * 4
    bad, none = explorer.probe({"x": "a"}, [])
    assert "x must be a number" in bad["error"]
    assert none == []
    grid, coords = explorer.manifold(grid=3)
    assert grid.shape == (9, 1, 4, 4)
    assert coords.shape == (9, 2)
    box = dict(zip(("x0", "x1", "y0", "y1"), (-1.0, 1.0, -1.0, 1.0), strict=True))
    response, buffers = explorer.manifold_command({**box, "grid": 4}, [])
    assert (response["grid"], response["width"], response["height"]) == (4, 4, 4)
    assert len(buffers[0]) == 16 * 4 * 4 * 4
    explorer.projection = "tsne"
    explorer.wait(120)
    assert explorer._probe_exact is False


def test_hover_card_numbers_are_short(ae):
    widget = LatentExplorer(
        ae.encode, ae.decode, X, metadata={"size": np.full(N, 1.86718109129192)}
    )
    response, _ = widget.preview({"index": 0}, [])
    assert response["fields"] == [["size", "1.867"]]


def test_dims_choose_the_two_latent_dimensions_and_label_the_axes(explorer):
    assert explorer._axis_labels == ["PC1", "PC2"]
    explorer.projection = "dims"
    assert explorer._axis_labels == ["z0", "z1"]
    explorer.dims = [2, 0]
    np.testing.assert_allclose(explorer.coords, explorer.latents[:, [2, 0]].numpy())
    assert explorer._axis_labels == ["z2", "z0"]
    with pytest.raises(
        traitlets.TraitError, match=r"dims must be two integers in \[0, n_features\)"
    ):
        explorer.dims = [0, 3]


def test_projection_params_apply_before_the_projection_starts(explorer):
    explorer.projection_params = {"tsne": {"perplexity": 5.0}}
    explorer.projection = "tsne"
    explorer.wait(120)
    assert explorer._core.scheduler.fitted("tsne").perplexity == 5.0
    assert explorer._axis_labels == []
    with pytest.raises(traitlets.TraitError, match=r"projection_params\['tsne'\]: perplexity"):
        explorer.projection_params = {"tsne": {"perplexity": 500.0}}
    with pytest.raises(traitlets.TraitError, match="projection_params may set"):
        explorer.projection_params = {"tsne": {"early_exaggeration": 4}}


def test_cluster_legend_shows_each_centroid_decoded(explorer):
    explorer.cluster(k=3)
    assert explorer._legend_images.shape == (3, 4, 4, 4)
    explorer.color_by = "label"
    assert explorer._legend_images is None
    explorer.color_by = "cluster"
    assert explorer._legend_images.shape == (3, 4, 4, 4)


def test_vectors_saved_from_the_widget(explorer):
    explorer.selected = [0, 3, 6]
    response, _ = explorer.vector_command(
        {"name": "sel", "a": {"selection": True}, "b": {"rest": True}}, []
    )
    assert response == {"name": "sel"}
    codes = explorer.latents
    rest = np.setdiff1d(np.arange(N), [0, 3, 6])
    torch.testing.assert_close(
        explorer.vectors["sel"], codes[[0, 3, 6]].mean(0) - codes[rest].mean(0)
    )
    response, _ = explorer.vector_command(
        {"name": "one-two", "a": {"label": "1"}, "b": {"label": "2"}}, []
    )
    assert response == {"name": "one-two"}
    assert "one-two" in explorer._traverse_options
    bad, _ = explorer.vector_command({"name": "x", "a": {"rest": True}, "b": {"rest": True}}, [])
    assert "a must be" in bad["error"]
