"""Memory and time of one lasso (select_region's polygon_mask) at 10M points, and of the other passes.

Issue 18: a lasso must stay within 64 MiB of extra memory (a 2,000-vertex zigzag once cost
+660 MB) and within 1 s of kernel work at 10M points, for any polygon up to the widget's limit
(100,000 vertices). Points: 10M standard normal float32 pairs. Polygon families: zigzags (teeth
from the bottom of the map to near its top: every horizontal line crosses every tooth),
hand-drawn-like lassos (a circle with a few random waves), spiky stars (sorted random angles,
independent random radii: every horizontal line crosses about a tenth of the edges), rosettes
(a lasso drawn round three times with a wave: it crosses itself at about 30 points) and
scribbles (uniform random vertices: every edge crosses thousands of others). Extra memory is
tracemalloc's peak (numpy reports its allocations to it), the returned mask included; time is
wall time of a separate run without tracemalloc, best of ``--repeats``. Also points_in_view of
the whole map (region_points, limit 250,000) and the other passes over all points. Saves
benchmarks/results/bench_region.json.
Run: python benchmarks/bench_region.py [--n 10000000] [--repeats 1] [--families zigzag,lasso]
[--most-vertices 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from latentwidgets._engine.drawn import (
    density_grid,
    draw_threshold,
    map_extent,
    point_hashes,
    polygon_mask,
    region_points,
    sample_indices,
)

RESULTS = Path(__file__).parent / "results"
VERTICES = (200, 2_000, 10_000, 100_000)


def zigzag(vertices: int) -> np.ndarray:
    k = vertices // 2
    xs = np.linspace(-3.0, 3.0, k)
    teeth = np.stack([xs, np.where(np.arange(k) % 2 == 0, 3.0, -2.5)], 1)
    return np.concatenate([teeth, np.stack([xs[::-1], np.full(k, -3.0)], 1)])


def lasso(vertices: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    r = 1.5 + sum(
        rng.uniform(0, 0.5 / k) * np.sin(k * t + rng.uniform(0, 2 * np.pi)) for k in range(1, 9)
    )
    return np.stack([r * np.cos(t), r * np.sin(t)], 1)


def spiky_star(vertices: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    angle = np.sort(rng.uniform(0, 2 * np.pi, vertices))
    radius = rng.uniform(0.5, 3.0, vertices)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)


def rosette(vertices: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 6 * np.pi, vertices, endpoint=False)
    r = 1.5 + 0.6 * np.sin(5 * t / 3 + rng.uniform(0, 2 * np.pi))
    return np.stack([r * np.cos(t), r * np.sin(t)], 1)


def scribble(vertices: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3.0, 3.0, (vertices, 2))


FAMILIES: dict[str, Callable[[int], np.ndarray]] = {
    "zigzag": zigzag,
    "lasso": lasso,
    "spiky star": spiky_star,
    "rosette": rosette,
    "scribble": scribble,
}


def measure(work: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Peak extra MiB (tracemalloc) and best wall seconds of ``work``."""
    tracemalloc.start()
    try:
        work()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return peak, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--families", default=",".join(FAMILIES), help="comma-separated polygon families"
    )
    parser.add_argument("--most-vertices", type=int, default=VERTICES[-1])
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=args.n).astype(np.float32)
    y = rng.normal(size=args.n).astype(np.float32)
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []

    def run(name: str, work: Callable[[], Any]) -> None:
        peak, seconds = measure(work, args.repeats)
        rows.append({"case": name, "peak_mib": round(peak, 1), "seconds": round(seconds, 3)})
        load = os.getloadavg()[0]
        print(f"{name:<36}{peak:>10.1f} MiB{seconds:>10.2f} s   load {load:.1f}", flush=True)

    print(f"{args.n:,} points; load average {load_before}")
    print(f"{'case':<36}{'extra memory':>14}{'wall':>12}")
    for shape in args.families.split(","):
        for vertices in VERTICES:
            if vertices > args.most_vertices:
                continue
            polygon = FAMILIES[shape](vertices)
            run(f"polygon_mask {shape} {vertices:,}", lambda p=polygon: polygon_mask(x, y, p))
    threshold = draw_threshold(args.n, 250_000)
    whole = (-10.0, 10.0, -10.0, 10.0)
    run("points_in_view whole map", lambda: region_points(x, y, threshold, whole, 250_000))
    extent = map_extent(x, y)
    run("map_extent", lambda: map_extent(x, y))
    run("density_grid", lambda: density_grid(x, y, extent))
    run("sample_indices", lambda: sample_indices(args.n, threshold))
    run("point_hashes (returns 4 B a point)", lambda: point_hashes(args.n))

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "bench_region.json"
    machine = {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "load_average_before_after": [load_before, os.getloadavg()],
    }
    out.write_text(json.dumps({"machine": machine, "n": args.n, "results": rows}, indent=2))
    print(f"load average after: {os.getloadavg()}; saved {out}")


if __name__ == "__main__":
    main()
