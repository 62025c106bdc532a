"""The sample-refine path of TSNE: a sample first, a live layout of every point, then refinement.

Small data so that each test runs in seconds; speed itself lives in benchmarks/bench_tsne.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from latentwidgets.projections import TSNE, ProjectionCancelled


def blobs(n: int = 1200, d: int = 8, k: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d)) * 5
    labels = rng.integers(0, k, n)
    return (centres[labels] + rng.standard_normal((n, d))).astype(np.float32), labels


def fast(**params: object) -> TSNE:
    return TSNE(strategy="sample-refine", max_iter=300, **params)  # type: ignore[arg-type]


def test_every_point_gets_a_finite_position() -> None:
    X, _ = blobs()
    tsne = fast()
    embedding = tsne.fit_transform(X)
    assert embedding.shape == (len(X), 2)
    assert embedding.dtype == np.float32
    assert np.isfinite(embedding).all()
    assert tsne.backend_ == "opentsne"
    np.testing.assert_array_equal(embedding, tsne.embedding_)


def test_reports_a_live_layout_of_every_point_before_the_end() -> None:
    X, labels = blobs()
    events: list[tuple] = []
    embedding = fast().fit_transform(X, callback=lambda *e: events.append(e))
    layouts = [i for i, e in enumerate(events) if e[2] is not None]
    assert all(events[i][2].shape == (len(X), 2) for i in layouts)  # never the sample alone
    first = events[layouts[0]]
    assert first[0] is not None
    assert first[0] <= 0.5  # the sample took half the iterations
    assert "placed" in first[1]
    # Before the neighbours of all the points are searched: the first layout is the sample's.
    full_search = next(i for i, e in enumerate(events) if f"affinities of {len(X)}" in e[1])
    assert layouts[0] < full_search
    # It already shows the structure: most points sit nearest a point of their own cluster.
    coords = first[2]
    d = ((coords[:, None] - coords[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    assert np.mean(labels[d.argmin(1)] == labels) > 0.9
    fractions = [e[0] for e in events if e[0] is not None]
    assert fractions == sorted(fractions)
    # the text says the bar's percentage: the two agree
    for fraction, message, _ in events:
        if "iteration" in message:
            assert message.endswith(f"({100 * fraction:.0f}%)")
    assert events[-1][0] == 1.0
    np.testing.assert_array_equal(events[-1][2], embedding)


@pytest.mark.parametrize(
    "at",
    [
        "embedding a sample of 300",  # then the sample's neighbour search
        "a sample of 300 points, iteration",
        "placed",
        "affinities of 1200 points",  # every point's neighbour search
        "all 1,200 points, iteration",
    ],
)
def test_callback_returning_true_cancels_at_once(at: str) -> None:
    psutil = pytest.importorskip("psutil")
    X, _ = blobs()
    seen: list[str] = []
    computing: list = []

    def stop(fraction: float | None, message: str, coords: object) -> bool:
        seen.append(message)
        if at in message:
            computing.extend(psutil.Process().children())
        return at in message

    tsne = fast()
    with pytest.raises(ProjectionCancelled):
        tsne.fit(X, callback=stop)
    assert at in seen[-1]  # nothing ran, and nothing was reported, after the stop
    assert not hasattr(tsne, "embedding_")
    # the worker process that computed it is gone by the time fit raises
    gone = [p for p in computing if not p.is_running()]
    assert len(gone) == 1, f"of the processes {computing} these ended: {gone}"


def test_same_seed_same_map_other_seed_other_map() -> None:
    X, _ = blobs()
    a = fast(random_state=3).fit_transform(X)
    b = fast(random_state=3).fit_transform(X)
    c = fast(random_state=4).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.slow
def test_keeps_trustworthiness_of_the_exact_path() -> None:
    X, _ = blobs(n=3000, d=16, k=10)
    exact = TSNE(strategy="exact").fit_transform(X)
    sample_refine = TSNE(strategy="sample-refine").fit_transform(X)
    t_exact = trustworthiness(X, exact, n_neighbors=10)
    t_fast = trustworthiness(X, sample_refine, n_neighbors=10)
    assert t_fast >= t_exact - 0.01


def test_transform_places_new_points_after_sample_refine() -> None:
    X, labels = blobs(n=1300)
    tsne = fast().fit(X[:1200])
    assert tsne.can_transform
    events: list[tuple] = []
    placed = tsne.transform(X[1200:], callback=lambda *e: events.append(e))
    assert placed.shape == (100, 2)
    nearest = np.argmin(((placed[:, None] - tsne.embedding_[None]) ** 2).sum(-1), axis=1)
    assert np.mean(labels[:1200][nearest] == labels[1200:]) >= 0.9
    assert events[-1][0] == 1.0
    # In the frame of embedding_: training points land where they are.
    again = tsne.transform(X[:50])
    distances = np.linalg.norm(again - tsne.embedding_[:50], axis=1)
    assert np.median(distances) < 0.02 * np.ptp(tsne.embedding_, axis=0).min()


def test_auto_chooses_sample_refine_from_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TSNE()._resolve_strategy(TSNE._SAMPLE_REFINE_FROM) == "sample-refine"
    assert TSNE()._resolve_strategy(TSNE._SAMPLE_REFINE_FROM - 1) == "exact"
    assert TSNE(strategy="exact")._resolve_strategy(10**6) == "exact"
    X, _ = blobs(n=400)
    monkeypatch.setattr(TSNE, "_SAMPLE_REFINE_FROM", 300)
    events: list[tuple] = []
    TSNE(max_iter=250).fit(X, callback=lambda *e: events.append(e))
    assert any("sample" in e[1] for e in events)


def test_rejects_unknown_strategy() -> None:
    X, _ = blobs(n=50)
    with pytest.raises(ValueError, match=r"strategy must be one of .*got 'fast'"):
        TSNE(strategy="fast", perplexity=5).fit(X)  # type: ignore[arg-type]


def test_sklearn_backend_ignores_strategy() -> None:
    X, _ = blobs(n=200)
    tsne = TSNE(backend="sklearn", strategy="sample-refine", max_iter=250).fit(X)
    assert tsne.backend_ == "sklearn"
    assert np.isfinite(tsne.embedding_).all()
