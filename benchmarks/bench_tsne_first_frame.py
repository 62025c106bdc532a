"""t-SNE's first frame: a fit in this process against one in its worker process, cold or prestarted.

    python benchmarks/bench_tsne_first_frame.py [--n 70000] [--rounds 5]

The widget's t-SNE fits run in a worker process that ``close()`` terminates (issue 18, fault 5).
A worker started by the fit's request imports openTSNE (scikit-learn, scipy, pandas: 2 CPU s)
before the fit begins; the explorer prestarts one when it opens, which has done its imports by
the time the user asks for t-SNE. Each round times, from the request to the first live layout of
all the points (the first frame of the embedding; the fit is stopped there):

- ``here``: the fit in this process, openTSNE already imported (the path before the worker);
- ``cold``: in a worker started by the request (no idle one: the first fit after a cancelled one);
- ``prestarted``: in a worker prestarted as the explorer does (``TSNE().prestart()``) and ready,
  as it is a few seconds after the explorer opens (``ready`` says how long it took).

Modes alternate within a round so that load spikes on a shared machine hit them alike. Data: 20
Gaussian blobs in 32 dimensions (``strategy="auto"``: sample-refine at 70,000). Prints one line
per fit and the medians, with the load average; saves benchmarks/results/bench_tsne_first_frame.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import openTSNE  # noqa: F401 - imported before the timings, as the in-process fit had it

from latentwidgets.projections import TSNE, _tsne
from latentwidgets.projections._base import _threads
from latentwidgets.projections._tsne_fit import Settings, fit_tsne

RESULTS = Path(__file__).parent / "results"


def blobs(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((20, 32)) * 4
    labels = rng.integers(0, 20, n)
    widths = rng.uniform(0.5, 1.5, 20)[labels, None]
    return (centres[labels] + rng.standard_normal((n, 32)) * widths).astype(np.float32)


class _FirstFrame(Exception):
    """Raised from the callback at the first live layout of every point: the fit stops there."""


def _stopper(n: int, start: float, seen: list[float]) -> Any:
    def report(fraction: float | None, message: str, coords: np.ndarray | None = None) -> None:
        if coords is not None and len(coords) == n:
            seen.append(time.perf_counter() - start)
            raise _FirstFrame

    return report


def here(X: np.ndarray) -> float:
    """Seconds to the first frame of a fit in this process (the path before the worker)."""
    tsne = TSNE()
    tsne.check_params(*X.shape)
    settings = Settings(
        backend="opentsne",
        strategy=tsne._resolve_strategy(len(X)),
        n_components=2,
        perplexity=tsne.perplexity,
        learning_rate=tsne.learning_rate,
        max_iter=tsne.max_iter,
        random_state=tsne.random_state,
        init=tsne.init,
        threads=_threads(tsne.n_jobs),
    )
    seen: list[float] = []
    start = time.perf_counter()
    with contextlib.suppress(_FirstFrame):
        fit_tsne(_stopper(len(X), start, seen), X, settings, None)
    return seen[0]


def in_worker(X: np.ndarray, prestart: bool) -> tuple[float, float | None]:
    """Seconds to the first frame in a worker started by the request, or prestarted and ready.

    Also returns how long the prestarted worker took to get ready (its imports), or None.
    """
    _tsne._WORKERS.stop_all()
    ready = None
    if prestart:
        started = time.perf_counter()
        TSNE().prestart()
        (worker,) = _tsne._WORKERS._idle
        while worker.starting():
            time.sleep(0.01)
        ready = time.perf_counter() - started
    seen: list[float] = []
    start = time.perf_counter()
    with contextlib.suppress(_FirstFrame):
        TSNE().fit(X, callback=_stopper(len(X), start, seen))
    return seen[0], ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=70_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    X = blobs(args.n)
    modes: dict[str, Any] = {
        "here": lambda: (here(X), None),
        "cold": lambda: in_worker(X, prestart=False),
        "prestarted": lambda: in_worker(X, prestart=True),
    }
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    ready: list[float] = []
    loads = [os.getloadavg()]
    for round_ in range(args.rounds):
        for mode, run in modes.items():
            load = os.getloadavg()[0]
            seconds, took = run()
            times[mode].append(seconds)
            extra = "" if took is None else f", ready {took:.2f} s before the request"
            print(f"round {round_ + 1} {mode:>10}: {seconds:6.2f} s (load {load:.2f}{extra})")
            if took is not None:
                ready.append(took)
    loads.append(os.getloadavg())
    _tsne._WORKERS.stop_all()
    print(f"\nfirst frame of t-SNE on {args.n:,} x 32 blobs, median of {args.rounds}:")
    for mode, values in times.items():
        low, high = min(values), max(values)
        print(f"{mode:>10}: {statistics.median(values):6.2f} s  ({low:.2f}-{high:.2f})")
    print(f"prestarted worker ready after {statistics.median(ready):.2f} s (median)")
    print(f"load average before: {loads[0]}, after: {loads[1]}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "bench_tsne_first_frame.json"
    machine = {"platform": platform.platform(), "cpu_count": os.cpu_count()}
    out.write_text(
        json.dumps(
            {"machine": machine, "n": args.n, "loads": loads, "seconds": times, "ready": ready},
            indent=2,
        )
    )
    print(f"saved {out}")


if __name__ == "__main__":
    main()
