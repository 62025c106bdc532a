"""close() frees the CPU: a projection computing in the background stops within a second.

Each test starts a real fit on ~5,000 codes through the scheduler, as the widget does, closes
the scheduler mid-fit and watches the CPU time of this process and its children (the UMAP worker
process) with psutil.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

from latentwidgets.projections import UMAP
from latentwidgets.projections._scheduler import ProjectionScheduler
from latentwidgets.projections._umap import _umap_installed

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.timeout(300)


def tree_cpu_seconds() -> float:
    """CPU seconds of this process and its descendants (reaped ones too), monotone in time."""
    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:  # ended between the listing and the look-up
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def codes(n: int = 5000, d: int = 16) -> torch.Tensor:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((10, d)) * 4
    return torch.from_numpy(
        (centres[rng.integers(0, 10, n)] + rng.standard_normal((n, d))).astype(np.float32)
    )


def close_mid_fit(name: str, started: str) -> tuple[float, float, float]:
    """Start ``name``, close once a progress message contains ``started``; return CPU seconds
    used in the 0.5 s before close, in the second after it, and in the second after that."""
    seen = threading.Event()
    errors: list[BaseException] = []

    def on_progress(_name: str, _fraction: float | None, message: str) -> None:
        if started in message:
            seen.set()

    scheduler = ProjectionScheduler(
        codes(),
        on_layout=lambda *_: None,
        on_progress=on_progress,
        on_error=lambda _name, error: errors.append(error),
    )
    scheduler.show(name)
    assert seen.wait(240), f"{name} never reported {started!r}"
    time.sleep(0.5)
    before = tree_cpu_seconds()
    time.sleep(0.5)
    busy = tree_cpu_seconds() - before
    scheduler.close()
    closed = time.monotonic()
    time.sleep(1.0)
    first = tree_cpu_seconds()
    time.sleep(0.5)
    second = tree_cpu_seconds()
    assert time.monotonic() - closed < 5
    assert not errors, errors
    return busy, first - before - busy, second - first


@pytest.mark.slow
@pytest.mark.skipif(not _umap_installed(), reason="umap-learn not installed")
def test_umap_stops_using_the_cpu_within_a_second_of_close() -> None:
    busy, _, after = close_mid_fit("umap", "optimising")
    assert busy > 0.1, f"the fit was not computing before close ({busy:.2f} CPU s in 0.5 s)"
    # 1 s after close the tree is idle: under 0.1 CPU s in 0.5 s, where the fit used `busy`
    assert after < 0.1, f"{after:.2f} CPU s used 1.0-1.5 s after close (fit: {busy:.2f})"


def test_tsne_stops_using_the_cpu_within_a_second_of_close() -> None:
    busy, _, after = close_mid_fit("tsne", "iteration")
    assert busy > 0.1, f"the fit was not computing before close ({busy:.2f} CPU s in 0.5 s)"
    assert after < 0.1, f"{after:.2f} CPU s used 1.0-1.5 s after close (fit: {busy:.2f})"


def test_a_closed_scheduler_refuses_further_calls() -> None:
    scheduler = ProjectionScheduler(
        codes(50, 4), on_layout=lambda *_: None, on_progress=lambda *_: None, on_error=print
    )
    scheduler.show("pca")
    scheduler.close()
    scheduler.close()  # closing again is fine
    for call in (
        lambda: scheduler.show("pca"),
        lambda: scheduler.wait(0.1),
        lambda: scheduler.configure(UMAP()),
        lambda: scheduler.check_name("pca"),
        lambda: scheduler.reset(codes(50, 4)),
        lambda: scheduler.place(codes(3, 4), "pca"),
    ):
        with pytest.raises(RuntimeError, match="this explorer was closed"):
            call()
    assert scheduler.closed
    assert scheduler.coords("PCA").shape == (50, 2)  # what was computed can still be read


@pytest.mark.slow
@pytest.mark.skipif(not _umap_installed(), reason="umap-learn not installed")
def test_umap_in_the_worker_process_gives_the_in_process_layout() -> None:
    X = codes(400, 8)
    here = UMAP(random_state=3, n_neighbors=10).fit_transform(X)
    messages: list[str] = []
    projection = UMAP(random_state=3, n_neighbors=10)
    there = projection.fit_transform(X, callback=lambda f, m, c: messages.append(m) and None)
    np.testing.assert_array_equal(there, here)
    # the fitted object came back: it places new points and inverts positions here
    assert projection.transform(X[:3]).shape == (3, 2)
    assert projection.inverse_transform(there[:2]).shape == (2, 8)
    with pytest.raises(ValueError, match=r"Y: x = 1e\+300 is too far from the map"):
        projection.inverse_transform(np.array([[1e300, 0.0]]))
    assert messages[-1] == "UMAP: done"


@pytest.mark.skipif(not _umap_installed(), reason="umap-learn not installed")
def test_umap_worker_errors_come_back_as_they_were_raised() -> None:
    with pytest.raises(ValueError, match="metric"):
        UMAP(metric="no-such-metric", n_neighbors=5).fit(
            codes(50, 4), callback=lambda f, m, c: None
        )
