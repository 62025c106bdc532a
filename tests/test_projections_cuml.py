"""t-SNE and UMAP handed over to RAPIDS cuML on a CUDA machine.

The glue (which backend ``"auto"`` picks, what reaches cuML, what a cuML map can and cannot do)
is checked here against a stand-in ``cuml.manifold`` on any machine; the tests marked ``gpu``
run the real cuML where it and a CUDA device are installed.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.manifold import trustworthiness

from latentwidgets.operations.probe import code_at
from latentwidgets.projections import TSNE, UMAP

CODES = np.random.default_rng(0).standard_normal((120, 6)).astype(np.float32)


class _FakeTSNE:
    made: list[dict[str, Any]] = []

    def __init__(self, **params: Any) -> None:
        _FakeTSNE.made.append(params)

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        assert isinstance(X, np.ndarray)
        assert X.dtype == np.float32
        return X[:, :2] * 3.0


class _FakeUMAP:
    made: list[dict[str, Any]] = []

    def __init__(self, **params: Any) -> None:
        _FakeUMAP.made.append(params)

    def fit(self, X: np.ndarray) -> _FakeUMAP:
        self.embedding_ = X[:, :2] * 2.0
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X)[:, :2] * 2.0


@pytest.fixture
def fake_cuml(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """A ``cuml.manifold`` that records its estimators, on a machine that says it has CUDA."""
    cuml = types.ModuleType("cuml")
    cuml.__spec__ = importlib.machinery.ModuleSpec("cuml", None)
    manifold = types.ModuleType("cuml.manifold")
    manifold.__spec__ = importlib.machinery.ModuleSpec("cuml.manifold", None)
    manifold.TSNE = _FakeTSNE  # type: ignore[attr-defined]
    manifold.UMAP = _FakeUMAP  # type: ignore[attr-defined]
    cuml.manifold = manifold  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cuml", cuml)
    monkeypatch.setitem(sys.modules, "cuml.manifold", manifold)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    _FakeTSNE.made.clear()
    _FakeUMAP.made.clear()
    return types.SimpleNamespace(tsne=_FakeTSNE.made, umap=_FakeUMAP.made)


def test_auto_tsne_runs_on_cuml_with_the_parameters_asked(fake_cuml: Any) -> None:
    tsne = TSNE(perplexity=12.0, max_iter=400, random_state=3)
    coords = tsne.fit_transform(CODES)
    assert tsne.backend_ == "cuml"
    assert fake_cuml.tsne == [
        {
            "n_components": 2,
            "perplexity": 12.0,
            "max_iter": 400,
            "method": "fft",
            "random_state": 3,
            "output_type": "numpy",
        }
    ]
    np.testing.assert_allclose(coords, CODES[:, :2] * 3.0)
    assert coords.dtype == np.float32
    assert tsne.can_transform is False  # cuML's t-SNE places no new points


def test_auto_tsne_with_a_start_layout_stays_on_the_cpu(fake_cuml: Any) -> None:
    start = CODES[:, :2]
    tsne = TSNE(max_iter=250, perplexity=10.0).fit(CODES, init=start)
    assert tsne.backend_ == "opentsne"
    assert fake_cuml.tsne == []


def test_cuml_tsne_takes_no_start_layout(fake_cuml: Any) -> None:
    tsne = TSNE(backend="cuml")
    assert tsne.accepts_init is False
    with pytest.raises(ValueError, match="takes no init"):
        tsne.fit(CODES, init=CODES[:, :2])


def test_auto_umap_runs_on_cuml_and_probes_by_neighbours(fake_cuml: Any) -> None:
    umap = UMAP(n_neighbors=7, min_dist=0.2, random_state=1)
    coords = umap.fit_transform(CODES)
    assert umap.backend_ == "cuml"
    assert fake_cuml.umap[0]["n_neighbors"] == 7
    assert fake_cuml.umap[0]["min_dist"] == 0.2
    np.testing.assert_allclose(coords, CODES[:, :2] * 2.0)
    np.testing.assert_allclose(umap.transform(CODES[:3]), CODES[:3, :2] * 2.0)
    assert umap.can_inverse_transform is False
    with pytest.raises(ValueError, match="cuML, which has no inverse_transform"):
        umap.inverse_transform(coords[:2])
    codes, exact = code_at(umap, coords, torch.from_numpy(CODES), coords[:2])
    assert exact is False  # the nearest points' codes, mixed
    assert codes.shape == (2, 6)


def test_asking_for_cuml_without_it_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("cuml") is not None and torch.cuda.is_available():
        pytest.skip("cuML and CUDA are both here")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ImportError, match=r"needs RAPIDS cuML and a CUDA GPU.*cuml-cu12"):
        TSNE(backend="cuml").check_params(100, 6)
    with pytest.raises(ImportError, match=r"needs RAPIDS cuML"):
        UMAP(backend="cuml")
    with pytest.raises(ValueError, match=r"backend must be one of 'auto', 'umap-learn', 'cuml'"):
        UMAP(backend="gpu")  # type: ignore[arg-type]
    assert TSNE().fit(CODES[:60]).backend_ == "opentsne"  # auto: no cuML, no GPU


def _digits() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_digits(return_X_y=True)
    return X.astype(np.float32), y


@pytest.mark.gpu
@pytest.mark.skipif(importlib.util.find_spec("cuml") is None, reason="needs RAPIDS cuML")
def test_real_cuml_tsne_keeps_digits_neighbourhoods() -> None:
    X, _ = _digits()
    tsne = TSNE(backend="cuml", random_state=0)
    coords = tsne.fit_transform(X)
    assert tsne.backend_ == "cuml"
    assert coords.shape == (len(X), 2)
    assert np.isfinite(coords).all()
    assert trustworthiness(X, coords, n_neighbors=10) > 0.95


@pytest.mark.gpu
@pytest.mark.skipif(importlib.util.find_spec("cuml") is None, reason="needs RAPIDS cuML")
def test_real_cuml_umap_keeps_digits_neighbourhoods_and_places_new_points() -> None:
    X, _ = _digits()
    umap = UMAP(backend="cuml", random_state=0)
    coords = umap.fit_transform(X[:1500])
    assert umap.backend_ == "cuml"
    assert trustworthiness(X[:1500], coords, n_neighbors=10) > 0.9
    placed = umap.transform(X[1500:])
    assert placed.shape == (len(X) - 1500, 2)
    assert np.isfinite(placed).all()
