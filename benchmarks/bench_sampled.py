"""Wall times of the sampled map's kernel side (latentwidgets/_engine/drawn.py) at 10M points.

Goal: each well under 1 s. Random uniform float32 coordinates in the unit square; a sample of
``--max-drawn`` (default 250,000, the widget's default); points_in_view over 1/100 of the map
and over the whole map (limit 500,000); a 200-vertex concave polygon covering half the map.
Run: python benchmarks/bench_sampled.py [--n 10000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
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


def best_of(repeats: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def half_map_polygon(vertices: int = 200) -> np.ndarray:
    """A concave 200-gon (a wavy disc) centred in the unit square, of area 1/2."""
    theta = np.linspace(0, 2 * math.pi, vertices, endpoint=False)
    wave = 1 + 0.15 * np.sin(9 * theta)
    radius = math.sqrt(0.5 / (math.pi * np.mean(wave**2)))
    r = radius * wave
    return np.stack([0.5 + r * np.cos(theta), 0.5 + r * np.sin(theta)], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--max-drawn", type=int, default=250_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n, repeats = args.n, args.repeats
    coords = np.random.default_rng(0).random((n, 2), dtype=np.float32)
    x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
    threshold = draw_threshold(n, args.max_drawn)
    rows: list[tuple[str, float, str]] = []

    seconds, sample = best_of(repeats, lambda: sample_indices(n, threshold))
    rows.append(("sample_indices", seconds, f"{len(sample):,} drawn"))
    seconds, extent = best_of(repeats, lambda: map_extent(x, y))
    rows.append(("map_extent", seconds, ""))
    seconds, image = best_of(repeats, lambda: density_grid(x, y, extent))
    rows.append(("density_grid", seconds, f"{image.shape[0]} x {image.shape[1]}"))
    small = (0.3, 0.4, 0.55, 0.65)
    seconds, (found, count) = best_of(
        repeats, lambda: region_points(x, y, threshold, small, args.max_drawn)
    )
    rows.append(("region_points 1/100", seconds, f"{len(found):,} of {count:,} sent"))
    seconds, (found, count) = best_of(
        repeats, lambda: region_points(x, y, threshold, (0.0, 1.0, 0.0, 1.0), 500_000)
    )
    rows.append(("region_points whole, limit 500k", seconds, f"{len(found):,} of {count:,} sent"))
    seconds, hashes = best_of(repeats, lambda: point_hashes(n))
    rows.append(("point_hashes (kept by the widget)", seconds, f"{hashes.nbytes / 2**20:.0f} MiB"))
    seconds, (found, count) = best_of(
        repeats,
        lambda: region_points(x, y, threshold, (0.0, 1.0, 0.0, 1.0), 500_000, hashes=hashes),
    )
    rows.append(("  the same, hashes kept", seconds, f"{len(found):,} of {count:,} sent"))
    seconds, (found, count) = best_of(
        repeats, lambda: region_points(x, y, threshold, small, args.max_drawn, hashes=hashes)
    )
    rows.append(("  1/100, hashes kept", seconds, f"{len(found):,} of {count:,} sent"))
    polygon = half_map_polygon()
    seconds, mask = best_of(repeats, lambda: polygon_mask(x, y, polygon))
    selected = np.flatnonzero(mask)
    rows.append(("polygon_mask 200 vertices", seconds, f"{len(selected) / n:.3f} of the map"))

    print(f"N = {n:,}, max_drawn = {args.max_drawn:,}, best of {repeats}")
    for name, seconds, note in rows:
        print(f"{name:34s} {seconds * 1000:8.1f} ms  {note}")


if __name__ == "__main__":
    main()
