"""close() frees the CPU: a projection computing in the background stops at once.

Each scheduler test starts a real fit on ~5,000 codes through the scheduler, as the widget does,
closes the scheduler mid-fit and watches the CPU time of this process and its children (the
worker processes that UMAP and t-SNE fits run in) with psutil. The other tests check what the
worker processes must keep: the same layouts as a fit here, errors, progress, a lean start.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import pytest
import torch

from latentwidgets.projections import TSNE, UMAP, _tsne
from latentwidgets.projections._scheduler import ProjectionScheduler
from latentwidgets.projections._umap import _umap_installed

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.timeout(300)


def cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds of ``process`` and its reaped children; 0 once it has ended."""
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:  # ended between the listing and the look-up
        return 0.0
    return times.user + times.system + times.children_user + times.children_system


def tree_cpu_seconds(tree: list[psutil.Process]) -> float:
    """CPU seconds of ``tree``: this process and its descendants (reaped ones too), monotone.

    The tree is listed once, by the caller: listing it scans every process of the machine, CPU
    time of this process that would blur a measurement of a few clock ticks.
    """
    return sum(cpu_seconds(process) for process in tree)


def codes(n: int = 5000, d: int = 16) -> torch.Tensor:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((10, d)) * 4
    return torch.from_numpy(
        (centres[rng.integers(0, 10, n)] + rng.standard_normal((n, d))).astype(np.float32)
    )


def close_mid_fit(
    name: str, started: Callable[[str], bool], settle: float = 0.25, n: int = 5000
) -> tuple[float, float, float]:
    """Start ``name`` on ``n`` codes, close 0.5 s after a progress message where ``started``.

    Return the CPU seconds used in the 1 s before close, in the ``settle`` seconds after it,
    and in the 0.5 s after those; and check that the worker processes of the fit are gone.
    """
    seen = threading.Event()
    errors: list[BaseException] = []

    def on_progress(_name: str, _fraction: float | None, message: str) -> None:
        if started(message):
            seen.set()

    scheduler = ProjectionScheduler(
        codes(n),
        on_layout=lambda *_: None,
        on_progress=on_progress,
        on_error=lambda _name, error: errors.append(error),
    )
    scheduler.show(name)
    assert seen.wait(240), f"{name} never reported what the test waits for"
    me = psutil.Process()
    tree = [me, *me.children(recursive=True)]
    time.sleep(0.5)
    children = {p: cpu_seconds(p) for p in tree[1:]}
    before = tree_cpu_seconds(tree)
    time.sleep(1.0)
    busy = tree_cpu_seconds(tree) - before
    # the processes that computed in that second: the fit's worker, if it has one
    workers = [p for p, cpu in children.items() if cpu_seconds(p) > cpu]
    scheduler.close()
    closed = time.monotonic()
    time.sleep(settle)
    first = tree_cpu_seconds(tree)
    time.sleep(0.5)
    second = tree_cpu_seconds(tree)
    assert time.monotonic() - closed < settle + 4
    assert not errors, errors
    assert not [p for p in workers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not set(me.children(recursive=True)) - set(tree), "a process started after close"
    return busy, first - before - busy, second - first


def tsne_iteration_at_least(n: int) -> Callable[[str], bool]:
    """Whether a t-SNE progress message is at iteration ``n`` or later (of the exact path)."""

    def reached(message: str) -> bool:
        found = re.search(r"iteration (\d+)/", message)
        return found is not None and int(found.group(1)) >= n

    return reached


def check_idle_after_close(busy: float, after: float) -> None:
    """The fit computed before close (``busy`` CPU s in 1 s) and not 0.25-0.75 s after it."""
    # On a loaded machine the fit gets only a slice of a core (0.02-0.07 CPU s in 0.5 s at load
    # 11-20 on two cores): "computing" is 3 ticks of the clock in the second before close, and
    # "idle" a third of that rate or one tick (this process's own) in the half second after.
    assert busy > 0.025, f"the fit was not computing before close ({busy:.2f} CPU s in 1 s)"
    assert after < max(0.015, busy / 6), (
        f"{after:.2f} CPU s used 0.25-0.75 s after close (the fit: {busy:.2f} in 1 s before)"
    )


@pytest.mark.slow
@pytest.mark.skipif(not _umap_installed(), reason="umap-learn not installed")
def test_umap_stops_using_the_cpu_at_once_after_close() -> None:
    check_idle_after_close(*close_mid_fit("umap", lambda message: "optimising" in message)[::2])


@pytest.mark.parametrize(
    ("stage", "n"),
    [
        # openTSNE's neighbour search and perplexity fit: no callback, seconds on 5,000 codes
        pytest.param(lambda message: "computing affinities" in message, 5000, id="affinities"),
        pytest.param(tsne_iteration_at_least(1), 5000, id="early-exaggeration"),
        # after the 250 exaggerated iterations, on fewer codes to get there sooner
        pytest.param(tsne_iteration_at_least(260), 2000, id="optimisation", marks=pytest.mark.slow),
    ],
)
def test_tsne_stops_using_the_cpu_at_once_after_close(stage: Callable[[str], bool], n: int) -> None:
    check_idle_after_close(*close_mid_fit("tsne", stage, n=n)[::2])


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


def worker_of_this_fit(before: set[int]) -> psutil.Process:
    """The one child process started since ``before`` (the pids of the children then)."""
    (worker,) = [p for p in psutil.Process().children() if p.pid not in before]
    return worker


def test_tsne_worker_is_lean_and_gives_the_layout_of_a_fit_here() -> None:
    X = codes(600, 8).numpy()
    _tsne._WORKERS.stop_all()  # so that this fit starts a worker of its own, to look at
    before = {p.pid for p in psutil.Process().children()}
    libraries: list[str] = []

    def look(fraction: float | None, message: str, coords: object) -> None:
        if "iteration" in message and not libraries:
            libraries.extend(m.path for m in worker_of_this_fit(before).memory_maps())

    strategies: tuple[Literal["exact", "sample-refine"], ...] = ("exact", "sample-refine")
    for strategy in strategies:
        projection = TSNE(max_iter=300, n_jobs=1, random_state=5, strategy=strategy)
        there = projection.fit_transform(X, callback=look)
        here = TSNE(max_iter=300, n_jobs=1, random_state=5, strategy=strategy).fit_transform(X)
        np.testing.assert_array_equal(there, here)
        # the fitted embedding came back: it places new points here, next to their copies
        placed = projection.transform(X[:20])
        assert np.median(np.linalg.norm(placed - there[:20], axis=1)) < 0.05 * np.ptp(there)
    assert any("openTSNE" in path for path in libraries), "not the t-SNE worker"
    assert not [path for path in libraries if "torch" in path.lower()]


def test_tsne_worker_errors_come_back_as_they_were_raised() -> None:
    learning_rate: Any = "fast"  # not checked here: openTSNE refuses it, in the worker
    with pytest.raises(TypeError, match="must be real number, not str") as raised:
        TSNE(learning_rate=learning_rate, perplexity=5).fit(codes(60, 4), callback=lambda *_: None)
    # with the worker's traceback below it
    assert "in the t-SNE worker process" in str(raised.value.__cause__)
    assert "openTSNE" in str(raised.value.__cause__)


def test_a_tsne_worker_that_dies_is_reported_by_its_exit_code() -> None:
    _tsne._WORKERS.stop_all()
    before = {p.pid for p in psutil.Process().children()}

    killed: list[int] = []

    def kill_the_worker(fraction: float | None, message: str, coords: object) -> None:
        if "affinities" in message and not killed:
            worker = worker_of_this_fit(before)
            worker.kill()  # as the kernel's out-of-memory killer would
            killed.append(worker.pid)

    with pytest.raises(RuntimeError, match=r"t-SNE worker process ended with exit code -9 before"):
        TSNE(perplexity=5).fit(codes(300, 4), callback=kill_the_worker)
