"""A hover storm on the kernel side: many preview requests from several threads at once.

The storm of tests/test_hover_storm.py, timed: each request does what ``LatentExplorer.preview``
does for the decoded half of a preview (``LatentStore.decode_one``, then ``PreviewRenderer.render``
to RGBA), on kernel threads that take requests from one queue. The pointer's path is a random walk
over the point indices; the decoder sleeps ``--decoder-ms`` per batch and returns 3 x 32 x 32
float32 images (12 KiB), so a 1 MB cache holds 85 of them.
Prints throughput and latency percentiles; saves benchmarks/results/bench_storm.json.
Run: python benchmarks/bench_storm.py [--requests 20000 --threads 8 --decoder-ms 1 --cache-mb 1]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import threading
import time

import numpy as np
import torch

from latentwidgets._engine.model import LatentModel
from latentwidgets._engine.store import LatentStore
from latentwidgets.render import PreviewRenderer

RESULTS = pathlib.Path(__file__).parent / "results"
SIZE = 32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--decoder-ms", type=float, default=1.0)
    parser.add_argument("--cache-mb", type=float, default=1.0)
    parser.add_argument("--points", type=int, default=4096)
    parser.add_argument("--step", type=int, default=6, help="largest step of the pointer's walk")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the tests: the kernel threads share the cores, not torch

    rows: list[int] = []

    def decoder(z: torch.Tensor) -> torch.Tensor:
        rows.append(len(z))
        time.sleep(args.decoder_ms / 1e3)
        return z[:, :, None, None].repeat(1, 1, SIZE, SIZE)

    latents = torch.rand(args.points, 3, generator=torch.Generator().manual_seed(0)) * 255
    cache_bytes = int(args.cache_mb * 2**20)
    store = LatentStore(LatentModel(lambda x: x, decoder, progress=False), latents, cache_bytes)
    renderer = PreviewRenderer(value_range=(0, 255))
    steps = np.random.default_rng(0).integers(-args.step, args.step + 1, args.requests)
    queue = iter((np.cumsum(steps) % args.points).tolist())
    lock = threading.Lock()
    latencies: list[float] = []

    def kernel_thread() -> None:
        mine = []
        while True:
            with lock:
                index = next(queue, None)
            if index is None:
                break
            start = time.perf_counter()
            renderer.render(store.decode_one(index))
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=kernel_thread) for _ in range(args.threads)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start

    ms = np.asarray(latencies) * 1e3
    p50, p90, p99 = np.percentile(ms, [50, 90, 99])
    results = {
        "requests": len(latencies),
        "threads": args.threads,
        "decoder_ms": args.decoder_ms,
        "cache_bytes": cache_bytes,
        "points": args.points,
        "step": args.step,
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "seconds": elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "latency_p50_ms": p50,
        "latency_p90_ms": p90,
        "latency_p99_ms": p99,
        "latency_max_ms": float(ms.max()),
        "decoder_calls": len(rows),
        "rows_decoded": sum(rows),
        "largest_batch": max(rows, default=0),
        "cache_hit_rate": store.cache.hits / max(1, store.cache.hits + store.cache.misses),
    }
    print(
        f"{results['requests']} requests from {args.threads} threads, decoder {args.decoder_ms} ms, "
        f"cache {args.cache_mb} MB, {args.points} points (load average {results['load_average']:.1f})"
    )
    print(f"  throughput        {results['requests_per_s']:9.0f} requests/s ({elapsed:.2f} s)")
    print(f"  latency p50       {p50:9.2f} ms")
    print(f"  latency p90       {p90:9.2f} ms")
    print(f"  latency p99       {p99:9.2f} ms")
    print(f"  latency max       {results['latency_max_ms']:9.2f} ms")
    print(
        f"  decoder           {len(rows)} calls for {sum(rows)} rows (largest batch "
        f"{results['largest_batch']}), cache hit rate {results['cache_hit_rate']:.1%}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_storm.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
