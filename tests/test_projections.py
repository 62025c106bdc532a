from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA as SklearnPCA
from sklearn.exceptions import NotFittedError
from sklearn.manifold import trustworthiness

from latentwidgets import projections
from latentwidgets.projections import (
    PCA,
    TSNE,
    UMAP,
    LatentDims,
    ProjectionCancelled,
    available_projections,
    make_projection,
    warm_up_umap,
)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    data = load_digits()
    return data.data, data.target


@pytest.fixture
def latents() -> np.ndarray:
    """Correlated Gaussian codes with an offset: 300 x 6, float64."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((300, 6)) @ rng.standard_normal((6, 6)) + 3.0


def as_input(X: np.ndarray, kind: str, dtype: str) -> np.ndarray | torch.Tensor:
    X = X.astype(dtype)
    return torch.from_numpy(X) if kind == "torch" else X


def align_signs(actual: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Flip each row of ``actual`` to the sign of the matching row of ``expected``."""
    return actual * np.sign(np.sum(actual * expected, axis=1, keepdims=True))


# PCA


@pytest.mark.parametrize("backend", ["auto", "torch", "sklearn"])
@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pca_matches_sklearn_up_to_sign(
    latents: np.ndarray, backend: str, kind: str, dtype: str
) -> None:
    X = as_input(latents, kind, dtype)
    pca = PCA(n_components=3, backend=backend).fit(X)
    reference = SklearnPCA(n_components=3).fit(latents)
    rtol = 1e-4 if dtype == "float32" else 1e-10
    components = np.asarray(pca.components_.cpu() if kind == "torch" else pca.components_)

    np.testing.assert_allclose(
        align_signs(components, reference.components_), reference.components_, atol=rtol * 10
    )
    np.testing.assert_allclose(pca.explained_variance_, reference.explained_variance_, rtol=rtol)
    np.testing.assert_allclose(
        pca.explained_variance_ratio_, reference.explained_variance_ratio_, rtol=rtol
    )
    embedding = pca.fit_transform(X)
    assert embedding.dtype == np.float32
    assert embedding.shape == (300, 3)
    expected = reference.transform(latents)
    flips = np.sign(np.sum(embedding * expected, axis=0))
    np.testing.assert_allclose(embedding * flips, expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("backend", ["torch", "sklearn"])
def test_pca_sign_convention_is_sklearns(latents: np.ndarray, backend: str) -> None:
    # The same convention as scikit-learn's svd_flip: the largest |entry| of each axis is positive.
    components = np.asarray(PCA(n_components=4, backend=backend).fit(-latents).components_)
    rows = np.arange(4)
    assert np.all(components[rows, np.abs(components).argmax(axis=1)] > 0)
    np.testing.assert_allclose(
        components, SklearnPCA(n_components=4).fit(-latents).components_, atol=1e-10
    )


def test_pca_stays_accurate_in_float32_far_from_the_origin() -> None:
    # Latent codes often sit far from 0; an uncentred float32 Gram matrix (scikit-learn's
    # covariance_eigh) then loses the small axes entirely.
    rng = np.random.default_rng(0)
    codes = rng.standard_normal((20_000, 16)) * np.linspace(0.2, 2.0, 16) + 100.0
    reference = SklearnPCA(n_components=4, svd_solver="full").fit(codes)
    pca = PCA(n_components=4).fit(codes.astype(np.float32))
    np.testing.assert_allclose(pca.components_, reference.components_, atol=1e-3)
    np.testing.assert_allclose(pca.explained_variance_, reference.explained_variance_, rtol=1e-3)


def test_pca_sums_the_gram_matrix_over_chunks(
    monkeypatch: pytest.MonkeyPatch, latents: np.ndarray
) -> None:
    monkeypatch.setattr(
        projections._pca, "_GRAM_CHUNK_ELEMENTS", 7 * 6
    )  # 7 rows: 43 chunks, 6 left
    pca = PCA(n_components=3).fit(latents)
    reference = SklearnPCA(n_components=3).fit(latents)
    np.testing.assert_allclose(pca.components_, reference.components_, atol=1e-10)
    np.testing.assert_allclose(pca.explained_variance_, reference.explained_variance_, rtol=1e-10)


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_pca_keeps_fitted_attributes_in_the_input_kind(latents: np.ndarray, kind: str) -> None:
    X = as_input(latents, kind, "float32")
    pca = PCA().fit(X)
    assert pca.backend_ == "torch"
    array_type = torch.Tensor if kind == "torch" else np.ndarray
    assert isinstance(pca.mean_, array_type)
    assert isinstance(pca.components_, array_type)
    assert pca.components_.shape == (2, 6)
    assert pca.components_.dtype in (torch.float32, np.float32)
    assert isinstance(pca.explained_variance_ratio_, np.ndarray)


@pytest.mark.parametrize("fit_kind", ["numpy", "torch"])
@pytest.mark.parametrize("new_kind", ["numpy", "torch"])
def test_pca_transform_of_new_points_equals_fit_transform_rows(
    latents: np.ndarray, fit_kind: str, new_kind: str
) -> None:
    pca = PCA()
    embedding = pca.fit_transform(as_input(latents, fit_kind, "float32"))
    placed = pca.transform(as_input(latents[10:20], new_kind, "float64"))
    assert placed.dtype == np.float32
    np.testing.assert_allclose(placed, embedding[10:20], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pca_inverse_transform_round_trips_with_all_components(
    latents: np.ndarray, kind: str, dtype: str
) -> None:
    X = as_input(latents, kind, dtype)
    pca = PCA(n_components=6).fit(X)
    restored = pca.inverse_transform(pca.transform(X))
    if kind == "torch":
        # A tensor of the fitted dtype, ready for a decoder.
        assert isinstance(restored, torch.Tensor)
        assert restored.dtype == X.dtype
        restored = restored.numpy()
    np.testing.assert_allclose(restored, latents, atol=1e-4)


def test_pca_accepts_half_precision_and_integer_tensors(latents: np.ndarray) -> None:
    expected = PCA().fit_transform(latents)
    half = PCA().fit_transform(torch.from_numpy(latents).to(torch.bfloat16))
    assert np.abs(np.abs(half) - np.abs(expected)).max() < 0.1 * np.abs(expected).max()
    counts = torch.randint(0, 5, (50, 4))
    assert PCA().fit_transform(counts).shape == (50, 2)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_pca_on_cuda_stays_on_the_device(latents: np.ndarray) -> None:
    X = torch.from_numpy(latents).float().cuda()
    pca = PCA().fit(X)
    assert pca.backend_ == "torch"
    assert pca.components_.is_cuda
    reference = SklearnPCA(n_components=2).fit(latents)
    np.testing.assert_allclose(pca.components_.cpu().numpy(), reference.components_, atol=1e-4)
    assert pca.inverse_transform(pca.transform(X[:5])).is_cuda


@pytest.mark.parametrize("n_components", [0, 7, 2.0, True])
def test_pca_rejects_bad_n_components(latents: np.ndarray, n_components: object) -> None:
    with pytest.raises(ValueError, match=r"n_components must be an integer in \[1, .*6\]"):
        PCA(n_components=n_components).fit(latents)  # type: ignore[arg-type]


def test_pca_inverse_transform_checks_columns(latents: np.ndarray) -> None:
    pca = PCA().fit(latents)
    with pytest.raises(ValueError, match=r"Y must have 2 columns \(n_components\); got 3"):
        pca.inverse_transform(np.zeros((4, 3)))


# t-SNE


@pytest.mark.slow
def test_tsne_default_backend_preserves_digits_neighbourhoods(digits: tuple) -> None:
    X, _ = digits
    tsne = TSNE()
    embedding = tsne.fit_transform(X)
    assert tsne.backend_ == "opentsne"
    assert embedding.shape == (1797, 2)
    assert embedding.dtype == np.float32
    assert trustworthiness(X, embedding, n_neighbors=10) >= 0.95


def test_tsne_sklearn_backend_preserves_neighbourhoods(digits: tuple) -> None:
    X = digits[0][:500]
    tsne = TSNE(backend="sklearn", max_iter=500)
    events: list[tuple] = []
    embedding = tsne.fit_transform(torch.from_numpy(X), callback=lambda *e: events.append(e))
    assert tsne.backend_ == "sklearn"
    assert not tsne.can_transform
    assert trustworthiness(X, embedding, n_neighbors=10) >= 0.95
    # No progress hook in scikit-learn: an indeterminate start, then the end with the result.
    assert events[0][0] is None
    assert events[-1][0] == 1.0
    np.testing.assert_array_equal(events[-1][2], embedding)
    with pytest.raises(NotImplementedError, match="openTSNE"):
        tsne.transform(X[:3])


def test_tsne_falls_back_to_sklearn_without_opentsne(
    monkeypatch: pytest.MonkeyPatch, digits: tuple
) -> None:
    monkeypatch.setattr(projections._tsne, "_opentsne_installed", lambda: False)
    tsne = TSNE(max_iter=250)
    assert not tsne.can_transform
    tsne.fit(digits[0][:100])
    assert tsne.backend_ == "sklearn"
    with pytest.raises(ImportError, match=r"pip install openTSNE"):
        TSNE(backend="opentsne").fit(digits[0][:100])


def test_tsne_reports_every_iteration_with_live_coordinates(digits: tuple) -> None:
    X = digits[0][:300]
    events: list[tuple] = []
    embedding = TSNE(max_iter=300).fit_transform(X, callback=lambda *e: events.append(e))
    assert events[0][0] is None  # affinities: no known fraction
    iterations = [e for e in events if e[2] is not None and "iteration" in e[1]]
    assert len(iterations) == 300
    fractions = [e[0] for e in iterations]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    first, last = iterations[0][2], iterations[-1][2]
    assert first.shape == (300, 2)
    assert first.dtype == np.float32
    assert not np.allclose(first, last)  # live: the points move
    np.testing.assert_array_equal(events[-1][2], embedding)


def test_tsne_callback_returning_true_cancels(digits: tuple) -> None:
    seen: list[float | None] = []

    def stop_after_ten(fraction: float | None, message: str, coords: object) -> bool:
        seen.append(fraction)
        return len(seen) > 10

    tsne = TSNE()
    with pytest.raises(ProjectionCancelled):
        tsne.fit(digits[0][:300], callback=stop_after_ten)
    assert len(seen) == 11
    assert not hasattr(tsne, "embedding_")


def test_tsne_places_new_points_next_to_their_class(digits: tuple) -> None:
    X, y = digits
    tsne = TSNE(max_iter=400).fit(X[:600])
    assert tsne.can_transform
    events: list[tuple] = []
    placed = tsne.transform(torch.from_numpy(X[600:660]), callback=lambda *e: events.append(e))
    assert placed.shape == (60, 2)
    assert placed.dtype == np.float32
    nearest = np.argmin(((placed[:, None] - tsne.embedding_[None]) ** 2).sum(-1), axis=1)
    assert np.mean(y[:600][nearest] == y[600:660]) >= 0.8
    assert events[-1][0] == 1.0
    assert events[-1][2].shape == (60, 2)


def test_tsne_transform_works_in_the_frame_of_embedding_(digits: tuple) -> None:
    # openTSNE re-centres its reference map when placing points; embedding_ must follow.
    X = digits[0][:600]
    tsne = TSNE(max_iter=400).fit(X)
    for _ in range(2):
        placed = tsne.transform(X[:50])
        distances = np.linalg.norm(placed - tsne.embedding_[:50], axis=1)
        assert np.median(distances) < 0.01 * np.ptp(tsne.embedding_, axis=0).min()


@pytest.mark.parametrize("perplexity", [0, -1.0, 50, 80.0, "30"])
def test_tsne_rejects_perplexity_outside_0_n_samples(perplexity: object) -> None:
    X = np.random.default_rng(0).standard_normal((50, 4))
    with pytest.raises(ValueError, match=rf"perplexity .*got {perplexity!r} for 50 samples"):
        TSNE(perplexity=perplexity).fit(X)  # type: ignore[arg-type]


def test_tsne_rejects_max_iter_shorter_than_early_exaggeration() -> None:
    X = np.random.default_rng(0).standard_normal((50, 4))
    with pytest.raises(ValueError, match=r"max_iter must be an integer >= 250.*got 100"):
        TSNE(max_iter=100, perplexity=5).fit(X)


@pytest.mark.parametrize(
    ("cores", "n_jobs", "threads"),
    [(8, None, 7), (2, None, 1), (1, None, 1), (8, -1, 8), (8, -2, 7), (8, 3, 3), (2, -5, 1)],
)
def test_n_jobs_follows_joblib_and_defaults_to_all_cores_but_one(
    monkeypatch: pytest.MonkeyPatch, cores: int, n_jobs: int | None, threads: int
) -> None:
    monkeypatch.setattr(projections._base.os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert projections._base._threads(n_jobs) == threads


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2"])
def test_tsne_rejects_bad_n_jobs(n_jobs: object) -> None:
    X = np.random.default_rng(0).standard_normal((50, 4))
    with pytest.raises(ValueError, match="n_jobs must be None or a non-zero integer"):
        TSNE(n_jobs=n_jobs, perplexity=5).fit(X)  # type: ignore[arg-type]


# UMAP


def test_umap_without_umap_learn_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(projections._umap, "_umap_installed", lambda: False)
    for make in (UMAP, lambda: make_projection("umap"), warm_up_umap):
        with pytest.raises(ImportError, match=r"pip install latentwidgets\[umap\]"):
            make()
    assert available_projections() == ["pca", "tsne", "dims"]


def test_available_projections_lists_umap_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(projections._umap, "_umap_installed", lambda: True)
    assert available_projections() == ["pca", "tsne", "umap", "dims"]


@pytest.mark.slow
def test_umap_embeds_and_places_new_points(digits: tuple) -> None:
    pytest.importorskip("umap")
    X, y = digits
    warm_up_umap().join()
    umap = UMAP(random_state=0)
    embedding = umap.fit_transform(X[:600])
    assert embedding.shape == (600, 2)
    assert embedding.dtype == np.float32
    assert trustworthiness(X[:600], embedding, n_neighbors=10) >= 0.9
    placed = umap.transform(X[600:650])
    assert placed.shape == (50, 2)
    nearest = np.argmin(((placed[:, None] - embedding[None]) ** 2).sum(-1), axis=1)
    assert np.mean(y[:600][nearest] == y[600:650]) >= 0.8


# Latent dimensions


def test_latent_dims_shows_the_chosen_columns(latents: np.ndarray) -> None:
    dims = LatentDims(dims=(4, 1))
    np.testing.assert_array_equal(
        dims.fit_transform(torch.from_numpy(latents)), latents[:, [4, 1]].astype(np.float32)
    )
    assert dims.transform(latents[:3]).shape == (3, 2)


@pytest.mark.parametrize("dims", [(0, 6), (-1, 0), (0,), (0, 1, 2), 3, (0.0, 1)])
def test_latent_dims_rejects_dims_out_of_range(latents: np.ndarray, dims: object) -> None:
    with pytest.raises(ValueError, match=r"dims must be two integers in \[0, n_features\)"):
        LatentDims(dims=dims).fit(latents)  # type: ignore[arg-type]


# Inputs shared by every projection


@pytest.mark.parametrize(
    "make", [PCA, lambda: TSNE(perplexity=5), LatentDims], ids=["pca", "tsne", "dims"]
)
@pytest.mark.parametrize("shape", [(20,), (4, 5, 3)])
def test_projections_reject_non_2d_input(make: type, shape: tuple) -> None:
    with pytest.raises(ValueError, match=rf"X must be 2-D.*got shape {re.escape(str(shape))}"):
        make().fit(np.ones(shape))


@pytest.mark.parametrize("kind", ["numpy", "torch"])
@pytest.mark.parametrize(
    "make", [PCA, lambda: TSNE(perplexity=5), LatentDims], ids=["pca", "tsne", "dims"]
)
def test_projections_reject_non_finite_rows_and_count_them(
    latents: np.ndarray, kind: str, make: type
) -> None:
    X = latents.copy()
    X[3, 1] = np.nan
    X[7, :] = np.inf
    X[9, 0] = -np.inf
    with pytest.raises(ValueError, match="X must be finite; 3 of 300 rows contain NaN or inf"):
        make().fit(as_input(X, kind, "float32"))


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_finite_values_whose_sum_overflows_are_accepted(kind: str) -> None:
    X = np.full((4, 3), 3e38, dtype=np.float32)
    X[:, 1] = [1, 2, 3, 5]
    X[:, 2] = [4, 1, 2, 3]
    np.testing.assert_array_equal(
        LatentDims(dims=(1, 2)).fit_transform(as_input(X, kind, "float32")), X[:, 1:]
    )


def test_projections_need_two_samples() -> None:
    with pytest.raises(ValueError, match="at least 2 samples; got 1"):
        PCA().fit(np.ones((1, 4)))


@pytest.mark.parametrize("projection", [PCA(), TSNE(), LatentDims()], ids=["pca", "tsne", "dims"])
def test_transform_before_fit_raises_not_fitted(latents: np.ndarray, projection: object) -> None:
    with pytest.raises(NotFittedError):
        projection.transform(latents)  # type: ignore[attr-defined]


def test_transform_checks_the_number_of_features(latents: np.ndarray) -> None:
    for projection in (PCA().fit(latents), LatentDims().fit(latents)):
        with pytest.raises(ValueError, match=r"X must have 6 columns.*got 5"):
            projection.transform(latents[:, :5])


def test_pca_reports_progress_and_can_be_cancelled(latents: np.ndarray) -> None:
    events: list[tuple] = []
    PCA().fit(latents, callback=lambda *e: events.append(e))
    assert [e[0] for e in events] == [0.0, 1.0]
    with pytest.raises(ProjectionCancelled):
        PCA().fit(latents, callback=lambda *e: True)


# Factory


def test_make_projection_builds_the_named_class_with_its_parameters() -> None:
    tsne = make_projection("tsne", perplexity=12.0)
    assert isinstance(tsne, TSNE)
    assert tsne.perplexity == 12.0
    assert make_projection("dims", dims=(2, 3)).get_params() == {"dims": (2, 3)}
    for name in available_projections():
        assert make_projection(name).name == name


def test_make_projection_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match=r"unknown projection 'isomap'; expected one of \["):
        make_projection("isomap")


def test_capabilities_are_declared_per_class() -> None:
    assert (PCA.can_transform, PCA.can_inverse_transform) == (True, True)
    assert (LatentDims.can_transform, LatentDims.can_inverse_transform) == (True, False)
    assert UMAP.can_transform is True
    assert UMAP().can_inverse_transform is True  # umap-learn's inverse (cuML has none)
    assert TSNE(backend="sklearn").can_transform is False
    assert TSNE.can_inverse_transform is False
    assert (PCA.instant, LatentDims.instant, TSNE.instant, UMAP.instant) == (
        True,
        True,
        False,
        False,
    )
