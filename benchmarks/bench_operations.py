"""Cost of the latent operations on this machine's CPU (or its GPU).

Measures:
- the nearest neighbours of one point among 1M x 64 float32 codes (``nearest_neighbours``), against
  scikit-learn's brute-force ``NearestNeighbors`` in the same run;
- the reconstruction error of 70k items (the digits, repeated) with the built-in digits VAE,
  against a bare batched torch loop (decode + squared error) over the same batches, in the same
  batch size, eval and ``inference_mode``: timed in interleaved pairs (which runs first alternates),
  so both see the same load; the overhead is given from the medians and as the median of the pairs'
  ratios, the steadier figure on a shared machine;
- 16 traversal frames along the first principal direction, decoded;
- a 16 x 16 manifold grid (``grid`` + ``code_at`` on a PCA map), decoded.
Prints a table and saves benchmarks/results/bench_operations.json.
Run: python benchmarks/bench_operations.py [--repeats 15] [--parts neighbours reconstruction decode]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import time
from typing import Any

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors

import latentwidgets as lw
from latentwidgets._engine.data import DataSource
from latentwidgets._engine.model import LatentModel
from latentwidgets.operations.neighbours import nearest_neighbours
from latentwidgets.operations.probe import code_at, grid
from latentwidgets.operations.quality import reconstruction_error
from latentwidgets.operations.traverse import direction_vector, traversal_codes
from latentwidgets.projections import PCA

RESULTS = pathlib.Path(__file__).parent / "results"


def median_ms(fn, repeats: int) -> float:
    fn(0)
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def bench_neighbours(points: int, repeats: int) -> dict[str, float]:
    codes = torch.randn(points, 64, generator=torch.Generator().manual_seed(0))
    order = np.random.default_rng(0).permutation(points)
    ours = median_ms(
        lambda i: nearest_neighbours(
            codes, codes[int(order[i])], 10, exclude=torch.tensor([int(order[i])])
        ),
        repeats,
    )
    # The widget computes the codes' squared norms once and reuses them for every pinned point.
    norms = codes.square().sum(1)
    widget = median_ms(
        lambda i: nearest_neighbours(
            codes,
            codes[int(order[i])],
            10,
            exclude=torch.tensor([int(order[i])]),
            squared_norms=norms,
        ),
        repeats,
    )
    array = codes.numpy()
    reference = NearestNeighbors(n_neighbors=11, algorithm="brute").fit(array)
    theirs = median_ms(
        lambda i: reference.kneighbors(array[int(order[i]) : int(order[i]) + 1]),
        max(3, repeats // 3),
    )
    return {
        "neighbours_1M_x_64_ms": ours,
        "neighbours_1M_x_64_cached_norms_ms": widget,
        "sklearn_brute_1M_x_64_ms": theirs,
    }


PARTS = ("neighbours", "reconstruction", "decode")


def bench_reconstruction(
    latent_model: LatentModel, source: DataSource, latents: torch.Tensor, repeats: int
) -> dict[str, object]:
    """Our reconstruction error against a bare batched loop: same model, batches, eval, inference."""
    images = source.data
    batch = latent_model.batch_size
    decoder = latent_model.decoder
    assert isinstance(decoder, torch.nn.Module)
    decoder.eval()

    def bare(_: int) -> torch.Tensor:
        out = []
        with torch.inference_mode():
            for start in range(0, len(images), batch):
                x = images[start : start + batch]
                r = decoder(latents[start : start + batch])
                out.append((r - x).square().reshape(len(x), -1).mean(1))
        return torch.cat(out)

    def ours(_: int) -> torch.Tensor:
        return reconstruction_error(latent_model, source, latents)

    torch.testing.assert_close(ours(0), bare(0))
    # interleaved pairs, the order alternating, so that both see the same load; the process's CPU
    # time too, which other jobs on a shared machine disturb far less than the wall clock (with
    # one thread; with more, it counts their waiting as well)
    bare_ms, ours_ms, bare_cpu, ours_cpu = [], [], [], []

    def timed(fn: Any, wall: list[float], cpu: list[float]) -> None:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(0)
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)

    for i in range(max(5, repeats)):
        if i % 2 == 0:
            timed(bare, bare_ms, bare_cpu)
            timed(ours, ours_ms, ours_cpu)
        else:
            timed(ours, ours_ms, ours_cpu)
            timed(bare, bare_ms, bare_cpu)
    ratios = [o / b for o, b in zip(ours_ms, bare_ms, strict=True)]
    return {
        "reconstruction_cpu_ms": statistics.median(ours_cpu),
        "bare_loop_cpu_ms": statistics.median(bare_cpu),
        "reconstruction_cpu_overhead": statistics.median(ours_cpu) / statistics.median(bare_cpu)
        - 1,
        "load_average_reconstruction": os.getloadavg()[0],
        "reconstruction_error_70k_ms": statistics.median(ours_ms),
        "bare_loop_70k_ms": statistics.median(bare_ms),
        "reconstruction_overhead": statistics.median(ours_ms) / statistics.median(bare_ms) - 1,
        "reconstruction_overhead_paired": statistics.median(ratios) - 1,
        "reconstruction_error_70k_all_ms": ours_ms,
        "bare_loop_70k_all_ms": bare_ms,
    }


def bench_decode(latent_model: LatentModel, small: torch.Tensor, repeats: int) -> dict[str, object]:
    """16 traversal frames and a 16 x 16 manifold grid, decoded."""
    direction = direction_vector("pc1", small, {})
    rows: dict[str, object] = {"load_average_decode": os.getloadavg()[0]}
    rows["traverse_16_frames_ms"] = median_ms(
        lambda i: latent_model.decode(traversal_codes(small[i], direction, small, steps=16)[0]),
        repeats,
    )
    pca = PCA(2).fit(small)
    coords = pca.transform(small)
    bounds = (*np.percentile(coords[:, 0], [1, 99]), *np.percentile(coords[:, 1], [1, 99]))
    rows["manifold_16x16_ms"] = median_ms(
        lambda _: latent_model.decode(code_at(pca, coords, small, grid(bounds, 16))[0]), repeats
    )
    rows["manifold_16x16_neighbour_mix_ms"] = median_ms(
        lambda _: latent_model.decode(code_at(object(), coords, small, grid(bounds, 16))[0]),
        repeats,
    )
    return rows


def report(rows: dict[str, object], items: int, points: int) -> None:
    r: dict[str, Any] = rows
    print(f"threads {r['threads']}, load average {r['load_average']:.2f}")
    if "neighbours_1M_x_64_ms" in r:
        print(
            f"  neighbours, 1 of {points} x 64    {r['neighbours_1M_x_64_ms']:8.1f} ms"
            f"  (one thread {r['neighbours_1M_x_64_one_thread_ms']:.1f} ms; sklearn brute "
            f"{r['sklearn_brute_1M_x_64_ms']:.1f} ms)"
        )
        print(
            f"  neighbours, norms cached (widget)   {r['neighbours_1M_x_64_cached_norms_ms']:8.1f} ms"
        )
    if "reconstruction_error_70k_ms" in r:
        print(
            f"  reconstruction error, {items} items {r['reconstruction_error_70k_ms']:8.1f} ms"
            f"  (bare loop {r['bare_loop_70k_ms']:.1f} ms; overhead of the medians "
            f"{100 * r['reconstruction_overhead']:+.1f}%, median of the pairs "
            f"{100 * r['reconstruction_overhead_paired']:+.1f}%; "
            f"load {r['load_average_reconstruction']:.2f} at the end)"
        )
        print(
            f"    CPU time {r['reconstruction_cpu_ms']:.1f} ms, bare loop "
            f"{r['bare_loop_cpu_ms']:.1f} ms ({100 * r['reconstruction_cpu_overhead']:+.1f}%)"
        )
    if "traverse_16_frames_ms" in r:
        print(f"  traversal, 16 frames decoded        {r['traverse_16_frames_ms']:8.2f} ms")
        print(f"  manifold 16 x 16, PCA inverse       {r['manifold_16x16_ms']:8.2f} ms")
        print(
            f"  manifold 16 x 16, neighbour mix     {r['manifold_16x16_neighbour_mix_ms']:8.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=70_000)
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=PARTS,
        default=list(PARTS),
        help="what to measure; the saved JSON keeps the other parts' figures from earlier runs",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads (default: torch's own choice)"
    )
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    rows: dict[str, object] = {
        "threads": threads,
        "load_average": os.getloadavg()[0],
    }

    if "neighbours" in args.parts:
        rows.update(bench_neighbours(args.points, args.repeats))
        torch.set_num_threads(1)
        rows["neighbours_1M_x_64_one_thread_ms"] = bench_neighbours(args.points, args.repeats)[
            "neighbours_1M_x_64_ms"
        ]
        torch.set_num_threads(threads)

    model = lw.models.load_pretrained("digits-vae")
    digits = lw.datasets.digits()
    images = torch.stack([digits[i][0] for i in range(len(digits))])
    images = images.repeat(-(-args.items // len(images)), 1, 1, 1)[: args.items].contiguous()
    latent_model = LatentModel(model.encoder, model.decoder, progress=False)
    source = DataSource(images)
    latents = latent_model.encode(source)
    if "reconstruction" in args.parts:
        rows.update(bench_reconstruction(latent_model, source, latents, args.repeats))
    if "decode" in args.parts:
        rows.update(bench_decode(latent_model, latents[: len(digits)], args.repeats))

    report(rows, args.items, args.points)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "bench_operations.json"
    saved = json.loads(out.read_text()) if out.exists() and set(args.parts) != set(PARTS) else {}
    out.write_text(json.dumps({**saved, **rows, "parts": args.parts}, indent=2))


if __name__ == "__main__":
    main()
