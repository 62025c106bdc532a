"""Projection names in any case, and numpy scalars among the projections' parameters."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from latentwidgets.projections import (
    PCA,
    TSNE,
    UMAP,
    LatentDims,
    canonical_name,
    make_projection,
)
from latentwidgets.projections._scheduler import ProjectionScheduler
from latentwidgets.projections._umap import _umap_installed

CODES = torch.randn(60, 4, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("TSNE", TSNE),
        ("t-SNE", TSNE),
        ("t_sne", TSNE),
        ("Pca", PCA),
        (" pca ", PCA),
        ("Dims", LatentDims),
        pytest.param(
            "UMAP", UMAP, marks=pytest.mark.skipif(not _umap_installed(), reason="no umap")
        ),
    ],
)
def test_make_projection_takes_any_case(name: str, cls: type) -> None:
    assert type(make_projection(name)) is cls


def test_canonical_name_and_unknown_names() -> None:
    assert canonical_name("t-SNE") == "tsne"
    assert canonical_name(3) == 3
    with pytest.raises(
        ValueError, match=r"unknown projection 'Isomap'; expected one of .*any case"
    ):
        make_projection("Isomap")
    with pytest.raises(ValueError, match=r"unknown projection 3"):
        make_projection(3)  # type: ignore[arg-type]


def test_the_scheduler_stores_and_shows_the_lower_case_name() -> None:
    shown: list[str] = []
    scheduler = ProjectionScheduler(
        CODES,
        on_layout=lambda name, coords, final: shown.append(name),
        on_progress=lambda *_: None,
        on_error=lambda name, error: pytest.fail(f"{name}: {error}"),
    )
    assert scheduler.check_name("TSNE") == "tsne"
    assert scheduler.check_name("Pca") == "pca"
    scheduler.show("PCA")
    assert shown == ["pca"]
    assert scheduler.computed == ["pca"]
    assert scheduler.coords("Pca").shape == (60, 2)
    with pytest.raises(
        ValueError, match=r"projection must be one of .* \(any case\); got 'Isomap'"
    ):
        scheduler.check_name("Isomap")
    scheduler.close()


@pytest.mark.skipif(not _umap_installed(), reason="umap-learn not installed")
def test_umap_parameters_take_numpy_scalars_and_bound_the_seed() -> None:
    UMAP(
        n_neighbors=np.int64(5),
        min_dist=np.float32(0.2),
        random_state=np.int64(3),
        n_jobs=np.int8(-1),
    ).check_params(60, 4)
    with pytest.raises(
        ValueError, match=r"random_state must be None or an int in \[0, 4294967295\]"
    ):
        UMAP(random_state=2**40).check_params(60, 4)
    with pytest.raises(ValueError, match=r"min_dist must be a finite number in \[0, inf\)"):
        UMAP(min_dist=-0.1).check_params(60, 4)
    with pytest.raises(TypeError, match=r"min_dist must be .*got str"):
        UMAP(min_dist="0.1").check_params(60, 4)  # type: ignore[arg-type]


def test_the_first_umap_of_a_session_says_it_compiles(monkeypatch):
    import time

    from latentwidgets.projections import _umap

    class FakeWorker:
        """Replies 0.35 s after the fit is sent, as a worker that computes would."""

        def __init__(self, jobs):
            self.jobs, self.replies_at = jobs, float("inf")

        def send(self, job, args):
            self.replies_at = time.monotonic() + 0.35

        def poll(self, timeout):
            time.sleep(timeout)
            return time.monotonic() >= self.replies_at

        def receive(self, what):
            return ("done", "fitted")

    class FakePool:
        def __init__(self, worker):
            self.worker = worker

        def take(self):
            return self.worker

        def give_back(self, worker):
            pass

    for jobs, says in ((0, "compiling umap-learn's code, once a session"), (1, "UMAP: optimising")):
        worker = FakeWorker(jobs)
        monkeypatch.setattr(_umap, "_WORKERS", FakePool(worker))
        messages: list[str] = []
        result = _umap.fit_umap_in_child(
            {}, None, lambda f, m, c=None, seen=messages: seen.append(m)
        )
        assert result == "fitted"
        assert messages
        assert all(says in m for m in messages)
        assert worker.jobs == jobs + 1
