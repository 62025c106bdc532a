"""Time latentwidgets' t-SNE against bare openTSNE defaults on the same codes, in the same run.

    python benchmarks/bench_tsne.py [--data blobs shapes digits] [--n 70000] [--runs 2]
    python benchmarks/bench_tsne.py --first-layout [--runs 3]   # ours up to the first layout only

For each data set, rounds interleave ours (``TSNE()``: ``strategy="auto"``, sample-refine at this
size) and ``openTSNE.TSNE().fit(X)`` with every default (one thread, as ours on two cores), so
that load spikes on a shared machine hit both alike. Prints, per run: the time from the start to
the first live layout of all the points (ours; openTSNE's defaults have none before the end), its
trustworthiness, the total time, its ratio to openTSNE's, and the trustworthiness of the final
layouts (``sklearn.manifold.trustworthiness``, k=10, on a fixed random subsample of 5,000 points);
the load average before and after; saves benchmarks/results/bench_tsne.json. With
``--first-layout`` only ours runs, stopped at its first live layout of all the points (openTSNE's
defaults have none to compare with), and the figures go to ``bench_tsne_first.json``.

Ours is given a callback, as the widget's fits are, so it runs in a worker process (terminated to
cancel it). The first run starts that worker, whose imports (scikit-learn's, through openTSNE)
take 3-5.6 s on two cores at load 1.6-7; later runs reuse it, except with ``--first-layout``, where each
run is stopped by terminating its worker, so that every run starts one. ``ours_worker_ready_s``
is when the worker sent its first report: the start-up, or about 0 with a worker kept.

Data: ``blobs`` 20 Gaussian clusters in 32 dimensions; ``shapes`` the ``shapes-vae`` codes (means)
of ``lw.datasets.shapes(n)``, 10 dimensions; ``digits`` the ``digits-vae`` codes of
``lw.datasets.digits()`` repeated to ``n`` and jittered by 5% of each dimension's spread, 8
dimensions. Encoding the images takes about 25 s, before any timing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openTSNE
import torch
from sklearn.manifold import trustworthiness

import latentwidgets as lw
from latentwidgets.projections import TSNE

RESULTS = Path(__file__).parent / "results"
TRUST_POINTS = 5_000
TRUST_K = 10


def blobs(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((20, 32)) * 4
    labels = rng.integers(0, 20, n)
    widths = rng.uniform(0.5, 1.5, 20)[labels, None]
    return (centres[labels] + rng.standard_normal((n, 32)) * widths).astype(np.float32)


def encode(model: torch.nn.Module, images: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return torch.cat(
            [model.encode(images[i : i + 4096])[0] for i in range(0, len(images), 4096)]  # type: ignore[operator]
        ).numpy()


def shapes(n: int) -> np.ndarray:
    return encode(lw.models.load_pretrained("shapes-vae"), lw.datasets.shapes(n=n).images)


def digits(n: int) -> np.ndarray:
    codes = encode(lw.models.load_pretrained("digits-vae"), lw.datasets.digits().images)
    rng = np.random.default_rng(0)
    repeated = codes[np.arange(n) % len(codes)]
    jitter = rng.standard_normal(repeated.shape) * 0.05 * codes.std(axis=0)
    return (repeated + jitter).astype(np.float32)


class _FirstLayout(Exception):
    """Raised from the callback to stop a fit at its first live layout (``--first-layout``)."""


def run_ours(
    X: np.ndarray, stop_at_first: bool = False
) -> tuple[np.ndarray | None, float, float | None, float | None, np.ndarray | None]:
    start = time.perf_counter()
    first: list[tuple[float, np.ndarray]] = []
    ready: list[float] = []

    def callback(fraction: float | None, message: str, coords: np.ndarray | None) -> None:
        if not ready and "worker" not in message:  # the first report of the worker itself
            ready.append(time.perf_counter() - start)
        if not first and coords is not None and len(coords) == len(X):
            first.append((time.perf_counter() - start, coords.copy()))
            if stop_at_first:
                raise _FirstLayout

    embedding: np.ndarray | None = None
    with contextlib.suppress(_FirstLayout):
        embedding = TSNE().fit_transform(X, callback=callback)
    total = time.perf_counter() - start
    return embedding, total, ready[0] if ready else None, *(first[0] if first else (None, None))


def first_layouts(X: np.ndarray, runs: int, trust: Callable[[np.ndarray], float]) -> list[dict]:
    """Time ours to its first live layout ``runs`` times (``--first-layout``)."""
    rows = []
    for run in range(runs):
        load = os.getloadavg()
        _, _, ready_s, first_s, first = run_ours(X, stop_at_first=True)
        row = {
            "run": run + 1,
            "load_1min_at_start": load[0],
            "ours_worker_ready_s": ready_s,
            "ours_first_layout_s": first_s,
            "ours_first_layout_trust": None if first is None else trust(first),
        }
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def run_opentsne(X: np.ndarray) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    embedding = np.asarray(openTSNE.TSNE().fit(X))
    return embedding, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", nargs="+", default=["blobs"], choices=["blobs", "shapes", "digits"]
    )
    parser.add_argument("--n", type=int, default=70_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--first-layout", action="store_true", help="ours to its first layout only")
    args = parser.parse_args()
    torch.set_num_threads(1)

    makers = {"blobs": blobs, "shapes": shapes, "digits": digits}
    results: dict[str, list[dict[str, float | None]]] = {}
    load_before = os.getloadavg()
    for name in args.data:
        X = makers[name](args.n)
        subsample = np.random.default_rng(1).choice(
            len(X), min(TRUST_POINTS, len(X)), replace=False
        )

        def trust(
            embedding: np.ndarray, X: np.ndarray = X, subsample: np.ndarray = subsample
        ) -> float:
            return float(trustworthiness(X[subsample], embedding[subsample], n_neighbors=TRUST_K))

        if args.first_layout:
            results[name] = first_layouts(X, args.runs, trust)  # type: ignore[arg-type]
            continue
        results[name] = []
        for run in range(args.runs):
            load = os.getloadavg()
            ours, ours_s, ready_s, first_s, first = run_ours(X)
            theirs, theirs_s = run_opentsne(X)
            row = {
                "run": run + 1,
                "load_1min_at_start": load[0],
                "ours_worker_ready_s": ready_s,
                "ours_first_layout_s": first_s,
                "ours_first_layout_trust": None if first is None else trust(first),
                "ours_total_s": ours_s,
                "opentsne_total_s": theirs_s,
                "ratio": ours_s / theirs_s,
                "ours_trust": trust(ours),
                "opentsne_trust": trust(theirs),
            }
            results[name].append(row)
            print(name, X.shape, json.dumps(row), flush=True)

    if args.first_layout:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / "bench_tsne_first.json"
        loads = [load_before, os.getloadavg()]
        out.write_text(json.dumps({"n": args.n, "load_before_after": loads, "results": results}))
        print(f"load average before: {load_before}, after: {os.getloadavg()}; saved {out}")
        return
    print(f"\nt-SNE of {args.n} codes; trustworthiness k={TRUST_K} on {TRUST_POINTS} fixed points")
    print(f"load average before: {load_before}, after: {os.getloadavg()}")
    head = (
        "data",
        "run",
        "load",
        "first layout",
        "(trust)",
        "ours total",
        "openTSNE",
        "ratio",
        "trust ours",
        "trust openTSNE",
    )
    print("".join(f"{h:>15}" for h in head))
    for name, rows in results.items():
        for r in rows:
            first_time = (
                "-" if r["ours_first_layout_s"] is None else f"{r['ours_first_layout_s']:.1f} s"
            )
            first_trust = (
                "-"
                if r["ours_first_layout_trust"] is None
                else f"{r['ours_first_layout_trust']:.3f}"
            )
            cells = (
                name,
                r["run"],
                f"{r['load_1min_at_start']:.2f}",
                first_time,
                first_trust,
                f"{r['ours_total_s']:.1f} s",
                f"{r['opentsne_total_s']:.1f} s",
                f"{r['ratio']:.2f}x",
                f"{r['ours_trust']:.4f}",
                f"{r['opentsne_trust']:.4f}",
            )
            print("".join(f"{c!s:>15}" for c in cells))

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "bench_tsne.json"
    machine = {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "openTSNE": openTSNE.__version__,
        "numpy": np.__version__,
        "load_average_before_after": [load_before, os.getloadavg()],
    }
    out.write_text(json.dumps({"machine": machine, "n": args.n, "results": results}, indent=2))
    print(f"\nsaved {out}")


if __name__ == "__main__":
    main()
