"""t-SNE and UMAP started from a given layout (``fit(X, init=layout)``), and its checks."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from latentwidgets.operations.align import fit_alignment
from latentwidgets.projections import PCA, TSNE, UMAP, LatentDims, warm_up_umap


def segments(seed: int = 0) -> np.ndarray:
    """240 codes in 8-D: six far-apart line segments of 40 points.

    Fresh t-SNE or UMAP runs place the six segments anywhere relative to each other (no rotation
    undoes that), while each segment keeps its own order: a start layout makes the difference.
    """
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, 8)) * 6
    directions = rng.normal(size=(6, 8))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    along = rng.uniform(-3, 3, size=(6, 40, 1))
    noise = 0.1 * rng.normal(size=(6, 40, 8))
    return (centres[:, None] + along * directions[:, None] + noise).reshape(-1, 8).astype("f4")


def displacement(coords: np.ndarray, reference: np.ndarray) -> float:
    """Mean distance of each point from its place on ``reference`` after the Procrustes fit,
    as a fraction of the reference's spread (root mean squared distance from its centre)."""
    aligned = fit_alignment(coords, reference).apply(coords)
    spread = np.sqrt(((reference - reference.mean(0)) ** 2).sum(1).mean())
    return float(np.linalg.norm(aligned - reference, axis=1).mean() / spread)


def test_tsne_from_a_layout_keeps_its_arrangement() -> None:
    X = segments()
    params = {"max_iter": 300, "perplexity": 10.0, "init": "random"}
    reference = TSNE(random_state=1, **params).fit_transform(X)
    fresh = TSNE(random_state=2, **params).fit_transform(X)
    started = TSNE(random_state=2, **params).fit_transform(X, init=reference)
    # measured: 0.1-0.25 from the layout against 0.5-1.1 from fresh random starts
    assert displacement(started, reference) < 0.3
    assert displacement(started, reference) < 0.5 * displacement(fresh, reference)


def test_sklearn_tsne_starts_from_the_layout_at_its_own_init_scale() -> None:
    from sklearn.manifold import TSNE as SklearnTSNE

    X = segments()
    reference = TSNE(max_iter=300, perplexity=10.0, random_state=1).fit_transform(X)
    tsne = TSNE(backend="sklearn", max_iter=300, perplexity=10.0, random_state=2, n_jobs=1)
    started = tsne.fit_transform(X, init=reference)
    # scikit-learn uses an init array as given: it must come centred, at std 1e-4 (its PCA init's)
    layout = reference.astype(np.float64)
    centred = layout - layout.mean(0)
    start = (centred * (1e-4 / centred.std(0).max())).astype(np.float32)
    expected = SklearnTSNE(perplexity=10.0, max_iter=300, init=start, random_state=2, n_jobs=1)
    with threadpool_limits(limits=1, user_api="openmp"):  # the gradient's sums in one order
        np.testing.assert_allclose(started, expected.fit_transform(X), rtol=1e-4, atol=1e-3)


def test_tsne_from_a_layout_ignores_its_units() -> None:
    X = segments()
    params = {"max_iter": 300, "perplexity": 10.0, "random_state": 1}
    reference = TSNE(**params).fit_transform(X)
    # the same layout in other units and place: rescaled to t-SNE's start, it ends at t-SNE's
    # own scale (taken as it is, it would hardly move from a thousand times that)
    started = TSNE(**params).fit_transform(X, init=reference * 1000.0 + 50.0)
    assert displacement(started, reference) < 0.3
    assert 0.5 < started.std() / reference.std() < 2.0


def test_sample_refine_from_a_layout_refines_it_directly() -> None:
    X = segments()
    reference = TSNE(max_iter=300, perplexity=10.0).fit_transform(X)
    messages: list[str] = []
    started = TSNE(max_iter=300, perplexity=10.0, strategy="sample-refine").fit_transform(
        X, init=reference, callback=lambda fraction, message, coords: messages.append(message)
    )
    assert not [m for m in messages if "sample" in m]  # no sample embedded, nor placed
    assert [m for m in messages if "refining" in m]
    assert displacement(started, reference) < 0.3


@pytest.mark.slow
def test_umap_from_a_layout_keeps_its_arrangement() -> None:
    pytest.importorskip("umap")
    warm_up_umap().join()
    # six Gaussian blobs: umap-learn stretches any start to [0, 10] on each axis and then moves
    # points far in its first epochs, so a start keeps the blobs' places more than their insides
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(6, 10)) * 4)[np.arange(300) % 6] + rng.normal(size=(300, 10))
    reference = UMAP(n_neighbors=10, random_state=0).fit_transform(X)
    fresh = UMAP(n_neighbors=10, random_state=1).fit_transform(X)
    started = UMAP(n_neighbors=10, random_state=1).fit_transform(X, init=reference)
    assert displacement(started, reference) < 0.5 * displacement(fresh, reference)


def test_init_is_refused_where_the_map_follows_from_the_codes_alone() -> None:
    X = segments()
    assert (PCA.accepts_init, LatentDims.accepts_init) == (False, False)
    assert (TSNE().accepts_init, UMAP().accepts_init) == (True, True)
    with pytest.raises(ValueError, match="PCA takes no init: its map follows from the codes"):
        PCA().fit(X, init=X[:, :2])
    with pytest.raises(ValueError, match="LatentDims takes no init"):
        LatentDims().fit_transform(X, init=X[:, :2])


@pytest.mark.parametrize(
    ("init", "message"),
    [
        (np.zeros((10, 2)), r"init must be a layout of the same items, .* = \(240, 2\); got \(10"),
        (np.zeros((240, 3)), r"\(240, 2\); got \(240, 3\)"),
        (np.ones((240, 2)), "init must spread the points out"),
        (np.full((240, 2), np.nan), "init must be finite; 240 of 240 rows"),
    ],
)
def test_tsne_checks_the_init_before_any_work(init: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TSNE().fit(segments(), init=init)
