"""Memory and time of one lasso (select_region's polygon_mask) at 10M points, and of the other passes.

Issue 18: a lasso must stay within 64 MiB of extra memory (a 2,000-vertex zigzag once cost
+660 MB) and within 1 s of kernel work at 10M points, for any polygon within the documented
limits: at most 20,000 vertices (``MAX_POLYGON_VERTICES``), a tangle of at most 50 (how many
times a line across the polygon's box crosses its outline, on average: ``polygon.tangle``), and
at most 0.3 tested points a point (points in cells the outline covers, an edge test counting an
eighth: ``polygon.WORK_PER_POINT``). A polygon beyond them is refused with an error; the
refusal is measured too (``refused``), and must stay within the same bounds.
Points: 10M standard normal float32 pairs. Polygon families: zigzags (teeth from the bottom of
the map to near its top: every horizontal line crosses every tooth), hand-drawn-like lassos (a
circle with a few random waves), spiky stars (sorted random angles, independent random radii:
every horizontal line crosses about a tenth of the edges), rosettes (a lasso drawn round three
times with a wave: it crosses itself at about 30 points) and scribbles (uniform random vertices:
every edge crosses thousands of others); then the polygons at the limits: a scribble of 140
vertices (tangle near 50), the same shrunk onto the densest middle of the map (as tangled, its
edges among the most points), and teeth crowded where the points are,
in a box made huge by two far vertices (little tangle, refused by the work budget). Extra memory
is tracemalloc's peak (numpy reports its allocations to it), the returned mask included; time is
wall and CPU time of a separate run without tracemalloc, best of ``--repeats`` (on a loaded
machine the CPU time is nearer what the call costs an idle one). Also points_in_view of the
whole map (region_points, limit 250,000) and the other passes over all points. Saves
benchmarks/results/bench_region.json.
Run: python benchmarks/bench_region.py [--n 10000000] [--repeats 1] [--families zigzag,lasso]
[--most-vertices 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
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
from latentwidgets._engine.polygon import tangle
from latentwidgets.features.map import MAX_POLYGON_VERTICES

RESULTS = Path(__file__).parent / "results"
VERTICES = (200, 2_000, 10_000, MAX_POLYGON_VERTICES)


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


def crowded(vertices: int) -> np.ndarray:
    """Teeth packed where the points are, in a box made huge by two far vertices."""
    k = vertices // 2
    xs = np.linspace(-0.5, 0.5, k)
    teeth = np.stack([xs, np.where(np.arange(k) % 2 == 0, 0.5, -0.5)], 1)
    return np.concatenate([[[-1e4, -1e4]], teeth, [[1e4, 1e4]]])


FAMILIES: dict[str, Callable[[int], np.ndarray]] = {
    "zigzag": zigzag,
    "lasso": lasso,
    "spiky star": spiky_star,
    "rosette": rosette,
    "scribble": scribble,
}


def measure(work: Callable[[], Any], repeats: int) -> tuple[float, float, float, str]:
    """Peak extra MiB (tracemalloc), best wall and CPU seconds of ``work``, and its outcome.

    On a shared machine the wall time grows with the load; the process's CPU time much less.
    """
    tracemalloc.start()
    try:
        outcome = _outcome(work)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    wall = cpu = float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        _outcome(work)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return peak, wall, cpu, outcome


def _outcome(work: Callable[[], Any]) -> str:
    try:
        work()
    except ValueError as error:  # a polygon beyond the limits: refused with this error
        return f"refused: {str(error).split(':')[0]}"
    return "done"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--families", default=",".join(FAMILIES), help="comma-separated polygon families"
    )
    parser.add_argument("--most-vertices", type=int, default=MAX_POLYGON_VERTICES)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=args.n).astype(np.float32)
    y = rng.normal(size=args.n).astype(np.float32)
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []

    def run(name: str, work: Callable[[], Any], **extra: Any) -> None:
        peak, seconds, cpu, outcome = measure(work, args.repeats)
        load = os.getloadavg()[0]
        row = {"case": name, "peak_mib": round(peak, 1), "seconds": round(seconds, 3)}
        rows.append(
            row | {"cpu_seconds": round(cpu, 3), "load": load} | extra | {"outcome": outcome}
        )
        told = " ".join(f"{k} {v}" for k, v in extra.items())
        print(
            f"{name:<44}{peak:>8.1f} MiB{seconds:>8.2f} s{cpu:>8.2f} s  load {load:.1f}  {told} "
            f"{outcome}",
            flush=True,
        )

    print(f"{args.n:,} points; load average {load_before}")
    print(f"{'case':<44}{'extra memory':>12}{'wall':>10}{'CPU':>10}")
    polygons = [
        (f"{shape} {vertices:,}", FAMILIES[shape](vertices))
        for shape in args.families.split(",")
        for vertices in VERTICES
        if vertices <= args.most_vertices
    ]
    polygons += [("scribble 140 (tangle near 50)", scribble(140))]
    polygons += [("scribble 140 over the densest middle", scribble(140) / 3)]
    polygons += [(f"crowded {MAX_POLYGON_VERTICES:,}", crowded(MAX_POLYGON_VERTICES))]
    for name, polygon in polygons:
        score = round(tangle(polygon), 1)
        run(f"polygon_mask {name}", partial(polygon_mask, x, y, polygon), tangle=score)
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
