"""t-SNE's worker process is started when an explorer opens, so that the first fit waits for nothing.

A worker started by the fit's request would import openTSNE first (2 CPU s, 7-9 s at load 8 on
two cores); the explorer prestarts one that imports while the user looks at PCA, and ``close()``
stops it if it is still importing. Speed itself lives in benchmarks/bench_tsne_first_frame.py.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from latentwidgets import LatentExplorer
from latentwidgets.projections import TSNE, _tsne
from latentwidgets.projections._scheduler import PRESTART_ENV

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.timeout(300)


def codes(n: int = 300, d: int = 4) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(0).standard_normal((n, d)).astype(np.float32))


def new_children(before: set[int]) -> list[psutil.Process]:
    """The child processes of this process started since ``before`` (their pids then)."""
    return [p for p in psutil.Process().children() if p.pid not in before]


def new_child(before: set[int], timeout: float = 30) -> psutil.Process:
    """Wait for the one child process started since ``before`` (prepare starts it in 1 s)."""
    deadline = time.monotonic() + timeout
    while not (children := new_children(before)):
        assert time.monotonic() < deadline, "no worker process was started"
        time.sleep(0.05)
    (child,) = children
    return child


def libraries(process: psutil.Process) -> list[str]:
    return [m.path for m in process.memory_maps()]


def wait_until_ready(timeout: float = 120) -> None:
    """Wait until the t-SNE pool's idle worker has finished its imports."""
    (worker,) = _tsne._WORKERS._idle
    deadline = time.monotonic() + timeout
    while worker.starting():
        assert time.monotonic() < deadline, "the prestarted worker never said it was ready"
        time.sleep(0.05)


@pytest.fixture
def no_tsne_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start with no t-SNE worker, so that the test sees the one it starts; prestart on."""
    monkeypatch.setenv(PRESTART_ENV, "1")  # tests/conftest.py turns it off for the others
    _tsne._WORKERS.stop_all()


@pytest.mark.usefixtures("no_tsne_worker")
def test_a_prestarted_worker_imports_the_library_and_serves_the_next_fit() -> None:
    before = {p.pid for p in psutil.Process().children()}
    assert TSNE().prestart() is not None
    (worker,) = new_children(before)
    wait_until_ready()
    loaded = libraries(worker)
    # openTSNE is imported before any fit; pynndescent and numba (which openTSNE's own choice
    # of neighbour search imports, 0.9 CPU s and 120 MB) and torch are never
    assert any("openTSNE" in path for path in loaded)
    assert not [path for path in loaded if "numba" in path or "torch" in path.lower()]
    assert TSNE().prestart() is None  # one is idle: no second worker

    during: list[set[int]] = []

    def look(fraction: float | None, message: str, coords: object) -> None:
        if not during:
            during.append({p.pid for p in new_children(before)})
            # a fit is running: prestarting now would only slow it down
            assert TSNE().prestart() is None

    TSNE(max_iter=250).fit(codes(), callback=look)
    assert during == [{worker.pid}], "the fit did not run in the prestarted worker"
    assert not [path for path in libraries(worker) if "numba" in path]


@pytest.mark.usefixtures("no_tsne_worker")
def test_the_explorer_prestarts_the_worker_its_first_tsne_runs_in() -> None:
    before = {p.pid for p in psutil.Process().children()}
    explorer = LatentExplorer.from_latents(codes(), progress=False)
    try:
        worker = new_child(before)
        assert "latentwidgets.projections._child_main" in " ".join(worker.cmdline())
        explorer.projection = "tsne"
        explorer.wait(240)
        assert explorer.projection_of("tsne").shape == (300, 2)
        assert new_children(before) == [worker]
    finally:
        explorer.close()


@pytest.mark.usefixtures("no_tsne_worker")
def test_closing_stops_a_prestarted_worker_only_while_it_imports() -> None:
    before = {p.pid for p in psutil.Process().children()}
    explorer = LatentExplorer.from_latents(codes(), progress=False)
    worker = new_child(before)
    assert _tsne._WORKERS._idle[0].starting()  # its imports take seconds
    explorer.close()
    assert not worker.is_running()  # stopped (and reaped) by close
    assert _tsne._WORKERS._idle == []

    explorer = LatentExplorer.from_latents(codes(), progress=False)
    worker = new_child(before)
    wait_until_ready()
    explorer.close()
    # ready, it uses no CPU and stays for the next explorer's t-SNE
    assert worker.is_running()
    assert _tsne._WORKERS._idle[0].process.pid == worker.pid


@pytest.mark.usefixtures("no_tsne_worker")
def test_an_explorer_closed_within_a_second_starts_no_worker() -> None:
    before = {p.pid for p in psutil.Process().children()}
    LatentExplorer.from_latents(codes(), progress=False).close()
    time.sleep(1.5)  # past the second after which an open explorer starts one
    assert new_children(before) == []


@pytest.mark.usefixtures("no_tsne_worker")
def test_the_environment_can_turn_the_prestart_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PRESTART_ENV, "0")
    before = {p.pid for p in psutil.Process().children()}
    explorer = LatentExplorer.from_latents(codes(), progress=False)
    time.sleep(1.5)
    assert new_children(before) == []
    explorer.close()
