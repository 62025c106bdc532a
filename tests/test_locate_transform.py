"""Locate places new items by the projection's own transform where it has one (t-SNE by openTSNE,
UMAP), among their nearest codes where it has none, and the sketch always among the nearest codes
(its place must follow a stroke at once)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import latentwidgets as lw
from latentwidgets.projections import TSNE
from latentwidgets.projections._scheduler import nearest_neighbour_place

pytestmark = pytest.mark.slow  # each fits t-SNE or UMAP on 600 digits: 5-30 s on two cores

LOCATED = 8


@pytest.fixture(scope="module")
def digits() -> tuple[Any, Any]:
    data = lw.datasets.digits().subset(np.arange(600))
    return data, lw.models.load_pretrained("digits-vae")


@pytest.fixture
def explorer(digits: tuple[Any, Any]) -> Iterator[lw.LatentExplorer]:
    data, vae = digits
    explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False)
    yield explorer
    explorer.close()


def _spy_on_transform(explorer: lw.LatentExplorer, name: str) -> list[int]:
    """Count the codes each call of the fitted projection's ``transform`` is given."""
    fitted = explorer._core.scheduler.fitted(name)
    transform, calls = fitted.transform, []

    def counted(X: Any, **kwargs: Any) -> np.ndarray:
        calls.append(len(X))
        return transform(X, **kwargs)

    fitted.transform = counted
    return calls


def _check_near_but_not_on(explorer: lw.LatentExplorer, places: np.ndarray) -> None:
    """Items of the data, placed again, land near their own places, yet not on them, which is
    where their nearest codes put them (their own code, at distance 0, outweighs the others)."""
    own = explorer.coords[:LOCATED]
    span = float(np.ptp(explorer.coords, axis=0).max())
    assert np.median(np.linalg.norm(places - own, axis=1)) < 0.03 * span
    by_neighbours = nearest_neighbour_place(
        explorer.located_codes_, explorer.latents, explorer.coords
    )
    np.testing.assert_allclose(by_neighbours, own, atol=1e-3 * span)
    assert np.abs(places - by_neighbours).max() > 1e-3 * span


def test_tsne_places_located_items_by_its_transform_and_the_sketch_by_neighbours(explorer, digits):
    data, _ = digits
    explorer.locate(data.images[:LOCATED])  # on PCA first: exact, and instant
    explorer.projection = "tsne"
    explorer.wait()
    # the map changed: the located items moved to the t-SNE map by its transform, once it was
    # final (openTSNE's transform is deterministic: the same codes land at the same places)
    fitted = explorer._core.scheduler.fitted("tsne")
    assert fitted.backend_ == "opentsne"
    expected = fitted.transform(explorer.located_codes_)
    np.testing.assert_allclose(explorer._located_points, expected, atol=1e-4)

    calls = _spy_on_transform(explorer, "tsne")
    places = explorer.locate(data.images[:LOCATED])
    assert calls == [LOCATED]
    np.testing.assert_allclose(places, expected, atol=1e-4)
    np.testing.assert_allclose(explorer._located_points, places)
    _check_near_but_not_on(explorer, places)
    assert explorer._status == {
        "state": "idle",
        "message": f"{LOCATED} located items placed by the tsne map's transform",
        "progress": None,
    }

    calls.clear()
    ink = data.images[7, 0].numpy().astype(np.float32)
    reply, _ = explorer.sketch({}, [ink.tobytes()])
    assert calls == []  # the sketch stays quick: among its nearest codes
    np.testing.assert_allclose([reply["x"], reply["y"]], explorer.coords[7], atol=1e-3)


def test_umap_places_located_items_by_its_transform(explorer, digits):
    data, _ = digits
    explorer.projection = "umap"
    explorer.wait()
    # umap-learn's own transform compiles for 12-17 s in a fresh process: a stand-in that puts
    # each code just off its nearest point's place shows that locate uses what transform says
    fitted, calls = explorer._core.scheduler.fitted("umap"), []

    def transform(X: Any, **kwargs: Any) -> np.ndarray:
        calls.append(len(X))
        return nearest_neighbour_place(X, explorer.latents, explorer.coords) + 0.125

    fitted.transform = transform
    places = explorer.locate(data.images[:LOCATED])
    assert calls == [LOCATED]
    np.testing.assert_allclose(places, explorer.coords[:LOCATED] + 0.125, atol=1e-3)
    np.testing.assert_allclose(explorer._located_points, places)
    assert "placed by the umap map's transform" in explorer._status["message"]
    calls.clear()
    explorer.sketch({}, [data.images[3, 0].numpy().astype(np.float32).tobytes()])
    assert calls == []


def test_a_map_with_no_transform_places_them_by_neighbours_and_says_so(explorer, digits):
    data, _ = digits
    explorer.show_projection(TSNE(backend="sklearn", max_iter=250))
    explorer.wait()
    assert not explorer._core.scheduler.transforms("tsne")
    places = explorer.locate(data.images[:LOCATED])
    np.testing.assert_allclose(places, explorer.coords[:LOCATED], atol=1e-3)
    assert explorer._status["message"] == (
        f"{LOCATED} located items placed among their nearest codes: the tsne map has no transform"
    )
