"""Kernel-level tests of the widget's views beyond the map: colour scales, the hover card's fields,
and the latent operations (neighbours, traversal, vectors, samples, errors, clusters, probes)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import traitlets
from torch.utils.data import TensorDataset

from latentwidgets import LatentExplorer
from latentwidgets.colors import scale_values
from tests._toy import ToyAE

N = 60
X = torch.rand(N, 1, 4, 4, generator=torch.Generator().manual_seed(3))
Y = torch.arange(N) % 3


@pytest.fixture
def ae() -> ToyAE:
    return ToyAE().eval()


@pytest.fixture
def explorer(ae) -> LatentExplorer:
    return LatentExplorer(ae.encode, ae.decode, TensorDataset(X, Y), progress=False)


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
    assert (ticks[0][1], ticks[-1][1]) == ("-1", "5")
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
    assert explorer._color_ticks[-1] == [1.0, f"{error.max():.3g}"]
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
