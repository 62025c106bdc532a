"""Kernel-side cost of what the widget asks for: a hover preview and an interpolation.

Measures, with a built-in model on this machine's CPU (or its GPU):
- the ``preview`` command for a point not yet decoded, and for one in the cache;
- the ``preview_batch`` command (the points ahead of the pointer) for 8 points not yet decoded, one
  decoder batch, against 8 ``preview`` commands for 8 such points;
- a burst of hover requests from several threads (coalesced into decoder batches);
- an interpolation of 16 and 64 frames: one decoder batch plus conversion to RGBA;
- the bytes per point that the map's binary buffers cost.
Prints a table and saves benchmarks/results/bench_preview.json.
Run: python benchmarks/bench_preview.py [--model digits-vae]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import time

import numpy as np

import latentwidgets as lw

RESULTS = pathlib.Path(__file__).parent / "results"


def median_ms(fn, repeats: int) -> float:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="digits-vae")
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    data = lw.datasets.digits() if args.model.startswith("digits") else lw.datasets.shapes(2048)
    model = lw.models.load_pretrained(args.model)
    explorer = lw.LatentExplorer(model.encoder, model.decoder, data, progress=False)
    n = len(explorer.latents)
    order = np.random.default_rng(0).permutation(n)

    uncached = median_ms(lambda i: explorer.preview({"index": int(order[i])}, []), args.repeats)
    cached = median_ms(lambda i: explorer.preview({"index": int(order[i])}, []), args.repeats)
    ahead = order[args.repeats : args.repeats + 16 * args.repeats].reshape(-1, 8)
    batch = median_ms(
        lambda i: explorer.preview_batch({"indices": ahead[2 * i].tolist()}, []), args.repeats
    )
    singles = median_ms(
        lambda i: [explorer.preview({"index": int(k)}, []) for k in ahead[2 * i + 1]], args.repeats
    )
    frames = {}
    for steps in (16, 64):
        explorer._core.store.cache.clear()
        frames[steps] = median_ms(
            lambda i, steps=steps: explorer.interpolate(
                int(order[i]), int(order[i + 1]), steps=steps
            ),
            min(args.repeats, 20),
        )
    state = explorer.get_state()
    bytes_per_point = (
        sum(state[key]["view"].nbytes for key in ("_points", "_colors") if state.get(key)) / n
    )
    rows = {
        "model": args.model,
        "device": str(explorer.model.device),
        "points": n,
        "load_average": os.getloadavg()[0],
        "preview_uncached_ms": uncached,
        "preview_cached_ms": cached,
        "preview_batch_8_uncached_ms": batch,
        "preview_8_singles_uncached_ms": singles,
        "interpolate_16_frames_ms": frames[16],
        "interpolate_64_frames_ms": frames[64],
        "map_bytes_per_point": bytes_per_point,
    }
    print(f"{args.model} on {rows['device']}, {n} points (median of {args.repeats})")
    print(f"  preview, not cached        {uncached:7.2f} ms")
    print(f"  preview, cached            {cached:7.2f} ms")
    print(f"  preview_batch of 8         {batch:7.2f} ms (not cached, one decoder batch)")
    print(f"  8 previews one by one      {singles:7.2f} ms (not cached)")
    print(f"  interpolate 16 frames      {frames[16]:7.2f} ms (decode + RGBA, one batch)")
    print(f"  interpolate 64 frames      {frames[64]:7.2f} ms")
    print(f"  map buffers                {bytes_per_point:7.1f} bytes per point (coords + colours)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_preview.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
