"""Encoding throughput of LatentModel against a bare batched torch loop on the same model.

Goal: under 5% overhead. Prints the table and saves benchmarks/results/bench_encode.json.
Run: python benchmarks/bench_encode.py [--n 20000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import time

import torch
from torch import nn

from latentwidgets import LatentModel

RESULTS = pathlib.Path(__file__).parent / "results"


def make_encoder(device: torch.device) -> nn.Module:
    torch.manual_seed(0)
    return (
        nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64 * 8 * 8, 16),
        )
        .to(device)
        .eval()
    )


def bare_loop(
    encoder: nn.Module, data: torch.Tensor, batch_size: int, device: torch.device
) -> torch.Tensor:
    out = []
    with torch.inference_mode():
        for start in range(0, len(data), batch_size):
            out.append(encoder(data[start : start + batch_size].to(device, non_blocking=True)))
    return torch.cat(out)


def timed(fn) -> float:
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start


def best_of_interleaved(fns: dict, repeats: int) -> dict[str, float]:
    """Best time of each function, runs interleaved so that drifting machine load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].append(timed(fn))
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    encoder = make_encoder(device)
    data = torch.rand(args.n, 1, 32, 32)
    model = LatentModel(encoder, batch_size=args.batch_size, progress=False)
    torch.testing.assert_close(
        model.encode(data), bare_loop(encoder, data, args.batch_size, device)
    )
    best = best_of_interleaved(
        {
            "bare": lambda: bare_loop(encoder, data, args.batch_size, device),
            "ours": lambda: model.encode(data),
            "ours_bar": lambda: model.encode(data, progress=True),
        },
        args.repeats,
    )
    bare, ours, ours_bar = best["bare"], best["ours"], best["ours_bar"]
    overhead = ours / bare - 1
    rows = {
        "device": str(device),
        "n": args.n,
        "batch_size": args.batch_size,
        "torch_threads": torch.get_num_threads(),
        "load_average": os.getloadavg()[0],
        "bare_loop_s": bare,
        "latentmodel_s": ours,
        "latentmodel_with_progress_bar_s": ours_bar,
        "overhead": overhead,
        "overhead_with_progress_bar": ours_bar / bare - 1,
    }
    print(
        f"device {device}, {args.n} items of 1x32x32, batch {args.batch_size}, best of {args.repeats}"
    )
    print(f"  bare torch loop          {bare * 1e3:8.1f} ms  {args.n / bare:10.0f} items/s")
    print(
        f"  LatentModel.encode       {ours * 1e3:8.1f} ms  {args.n / ours:10.0f} items/s  overhead {overhead:+.1%}"
    )
    print(
        f"  ... with progress bar    {ours_bar * 1e3:8.1f} ms  overhead {ours_bar / bare - 1:+.1%}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_encode.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
