"""Cost of the latent operations on this machine's CPU (or its GPU).

Measures:
- the nearest neighbours of one point among 1M x 64 float32 codes (``nearest_neighbours``), against
  scikit-learn's brute-force ``NearestNeighbors`` in the same run;
- the reconstruction error of 70k items (the digits, repeated) with the built-in digits VAE,
  against a bare batched torch loop (decode + squared error) over the same batches;
- 16 traversal frames along the first principal direction, decoded;
- a 16 x 16 manifold grid (``grid`` + ``code_at`` on a PCA map), decoded.
Prints a table and saves benchmarks/results/bench_operations.json.
Run: python benchmarks/bench_operations.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import time

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=70_000)
    args = parser.parse_args()
    rows: dict[str, object] = {
        "threads": torch.get_num_threads(),
        "load_average": os.getloadavg()[0],
    }

    rows.update(bench_neighbours(args.points, args.repeats))
    torch.set_num_threads(1)
    rows["neighbours_1M_x_64_one_thread_ms"] = bench_neighbours(args.points, args.repeats)[
        "neighbours_1M_x_64_ms"
    ]
    torch.set_num_threads(rows["threads"])

    # Reconstruction error of 70k items against the bare loop.
    model = lw.models.load_pretrained("digits-vae")
    digits = lw.datasets.digits()
    images = torch.stack([digits[i][0] for i in range(len(digits))])
    images = images.repeat(-(-args.items // len(images)), 1, 1, 1)[: args.items].contiguous()
    latent_model = LatentModel(model.encoder, model.decoder, progress=False)
    source = DataSource(images)
    latents = latent_model.encode(source)
    batch = latent_model.batch_size
    decoder = model.decoder.eval()

    def bare(_: int) -> torch.Tensor:
        out = []
        with torch.inference_mode():
            for start in range(0, len(images), batch):
                x = images[start : start + batch]
                r = decoder(latents[start : start + batch])
                out.append((r - x).square().reshape(len(x), -1).mean(1))
        return torch.cat(out)

    with torch.inference_mode():
        check = reconstruction_error(latent_model, source, latents)
    torch.testing.assert_close(check, bare(0))
    repeats = max(3, args.repeats // 3)
    # interleaved, so that both see the same load
    bare_ms, ours_ms = [], []
    for _ in range(repeats):
        bare_ms.append(median_ms(bare, 1))
        ours_ms.append(median_ms(lambda _: reconstruction_error(latent_model, source, latents), 1))
    rows["reconstruction_error_70k_ms"] = statistics.median(ours_ms)
    rows["bare_loop_70k_ms"] = statistics.median(bare_ms)
    rows["reconstruction_overhead"] = (
        rows["reconstruction_error_70k_ms"] / rows["bare_loop_70k_ms"] - 1
    )

    # 16 traversal frames and a 16 x 16 manifold grid, decoded.
    small = latents[: len(digits)]
    direction = direction_vector("pc1", small, {})
    rows["traverse_16_frames_ms"] = median_ms(
        lambda i: latent_model.decode(traversal_codes(small[i], direction, small, steps=16)[0]),
        args.repeats,
    )
    pca = PCA(2).fit(small)
    coords = pca.transform(small)
    bounds = (*np.percentile(coords[:, 0], [1, 99]), *np.percentile(coords[:, 1], [1, 99]))
    rows["manifold_16x16_ms"] = median_ms(
        lambda _: latent_model.decode(code_at(pca, coords, small, grid(bounds, 16))[0]),
        args.repeats,
    )
    rows["manifold_16x16_neighbour_mix_ms"] = median_ms(
        lambda _: latent_model.decode(code_at(object(), coords, small, grid(bounds, 16))[0]),
        args.repeats,
    )

    print(f"threads {rows['threads']}, load average {rows['load_average']:.2f}")
    print(
        f"  neighbours, 1 of {args.points} x 64    {rows['neighbours_1M_x_64_ms']:8.1f} ms"
        f"  (one thread {rows['neighbours_1M_x_64_one_thread_ms']:.1f} ms; sklearn brute "
        f"{rows['sklearn_brute_1M_x_64_ms']:.1f} ms)"
    )
    print(
        f"  neighbours, norms cached (widget)   {rows['neighbours_1M_x_64_cached_norms_ms']:8.1f} ms"
    )
    print(
        f"  reconstruction error, {args.items} items {rows['reconstruction_error_70k_ms']:8.1f} ms"
        f"  (bare loop {rows['bare_loop_70k_ms']:.1f} ms, overhead "
        f"{100 * rows['reconstruction_overhead']:+.1f}%)"
    )
    print(f"  traversal, 16 frames decoded        {rows['traverse_16_frames_ms']:8.2f} ms")
    print(f"  manifold 16 x 16, PCA inverse       {rows['manifold_16x16_ms']:8.2f} ms")
    print(
        f"  manifold 16 x 16, neighbour mix     {rows['manifold_16x16_neighbour_mix_ms']:8.2f} ms"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_operations.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
