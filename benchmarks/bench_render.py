"""Time latentwidgets.render on 64-frame batches, the standalone export, and colour encoding.

Run from the repository root with the package installed (or ``PYTHONPATH=.``):
``python benchmarks/bench_render.py [--threads N] [--demo-page]``. ``--demo-page`` only writes
the page of ``latentwidgets demo --html`` and prints its size (it must stay under 2.5 MB), and the
digits AE-against-VAE comparison page (with both models' reconstructions) and its size.
Prints a table and writes
``benchmarks/results/bench_render[_threadsN].json``. Timings on a shared machine depend on its load
(recorded in the JSON): with other processes busy on 2 cores every multi-threaded torch op waits
for a time slice, so compare ``--threads 1`` with the default.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from sklearn.datasets import load_digits

from latentwidgets.colors import encode_colors
from latentwidgets.export import save_html, save_maps
from latentwidgets.render import to_png, to_png_batch, to_rgba, to_rgba_batch

FRAMES = 64
SIZES = (8, 32, 64)
CHANNELS = (1, 3)
RESULTS = Path(__file__).parent / "results"


def median_ms(fn: Callable[[], Any], *, repeats: int = 7, min_seconds: float = 0.05) -> float:
    """Median wall time of one call in milliseconds; each sample loops until min_seconds pass."""
    fn()  # warm-up
    samples = []
    for _ in range(repeats):
        calls = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < min_seconds or calls == 0:
            fn()
            calls += 1
        samples.append(elapsed / calls * 1e3)
    return statistics.median(samples)


def pil_png(rgba: np.ndarray, level: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG", compress_level=level)
    return buffer.getvalue()


def smooth_frames(channels: int, size: int, device: str) -> torch.Tensor:
    """Decoder-like frames in [0, 1]: upsampled 4x4 noise (pure noise would not compress)."""
    coarse = torch.rand(FRAMES, channels, 4, 4, generator=torch.Generator().manual_seed(size))
    return F.interpolate(coarse, size=(size, size), mode="bilinear").to(device)


def bench_batches(device: str) -> list[dict[str, Any]]:
    rows = []
    for size in SIZES:
        for channels in CHANNELS:
            batch = smooth_frames(channels, size, device)
            frames = to_rgba_batch(batch)
            row = {
                "device": device,
                "frames": FRAMES,
                "channels": channels,
                "size": size,
                "to_rgba_batch_ms": median_ms(lambda batch=batch: to_rgba_batch(batch)),
                "to_rgba_per_item_ms": median_ms(
                    lambda batch=batch: [to_rgba(item) for item in batch]
                ),
                "to_png_batch_ms": median_ms(lambda batch=batch: to_png_batch(batch)),
                "to_png_per_item_ms": median_ms(
                    lambda batch=batch: [to_png(item) for item in batch]
                ),
                "png_bytes_per_frame": sum(map(len, to_png_batch(batch))) / FRAMES,
                "pil_rgba_png_level1_ms": median_ms(
                    lambda frames=frames: [pil_png(frame, 1) for frame in frames]
                ),
                "pil_rgba_png_level6_ms": median_ms(
                    lambda frames=frames: [pil_png(frame, 6) for frame in frames]
                ),
            }
            rows.append(row)
            print(
                f"{device:4} {size:2}x{size:<2} C={channels}  rgba_batch {row['to_rgba_batch_ms']:6.2f} ms"
                f"  rgba/item {row['to_rgba_per_item_ms']:6.2f} ms"
                f"  png_batch {row['to_png_batch_ms']:6.2f} ms"
                f"  png/item {row['to_png_per_item_ms']:6.2f} ms"
                f"  {row['png_bytes_per_frame']:6.0f} B/png"
                f"  PIL RGBA level 1 vs 6: {row['pil_rgba_png_level1_ms']:.2f}"
                f" vs {row['pil_rgba_png_level6_ms']:.2f} ms"
            )
    return rows


def bench_export(points: int = 10_000) -> dict[str, Any]:
    digits = load_digits()
    reps = -(-points // len(digits.images))
    images = np.tile(digits.images / 16.0, (reps, 1, 1))[:points]
    labels = np.tile(digits.target, reps)[:points]
    coords = np.random.default_rng(0).normal(size=(points, 2))
    with tempfile.TemporaryDirectory() as folder:
        bare = save_html(Path(folder) / "bare.html", coords[:1])
        start = time.perf_counter()
        full = save_html(Path(folder) / "digits.html", coords, images=images, labels=labels)
        seconds = time.perf_counter() - start
        # two maps of the same points: one source, one BokehJS, two coordinate columns more
        pair = {"map a": coords, "map b": coords[::-1] * 2}
        compared = save_maps(Path(folder) / "pair.html", pair, images=images, labels=labels)
        result = {
            "comparison_page_bytes": compared.stat().st_size,
            "points": points,
            "bare_page_bytes": bare.stat().st_size,
            "digits_page_bytes": full.stat().st_size,
            "bytes_per_point": (full.stat().st_size - bare.stat().st_size) / points,
            "save_html_s": seconds,
        }
    print(
        f"export: {points} digits with labels and thumbnails -> "
        f"{result['digits_page_bytes'] / 1e6:.2f} MB in {seconds:.2f} s "
        f"(bare page {result['bare_page_bytes'] / 1e6:.2f} MB, "
        f"{result['bytes_per_point']:.0f} B per point); the same as a 2-map comparison "
        f"{result['comparison_page_bytes'] / 1e6:.2f} MB"
    )
    return result


#: The page of ``latentwidgets demo --html`` must stay under this many bytes.
DEMO_PAGE_LIMIT = 2_500_000


def bench_demo_page() -> dict[str, Any]:
    """Write the digits demo page (``latentwidgets demo --html``) and measure it."""
    from latentwidgets.cli import _write_html

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        page = _write_html(str(Path(folder) / "demo.html"))
        seconds = time.perf_counter() - start
        size = page.stat().st_size
    result = {"demo_page_bytes": size, "demo_page_limit_bytes": DEMO_PAGE_LIMIT, "demo_s": seconds}
    verdict = "ok" if size < DEMO_PAGE_LIMIT else "OVER THE LIMIT"
    print(
        f"demo page (latentwidgets demo --html): {size / 1e6:.2f} MB ({size:,} bytes) in "
        f"{seconds:.1f} s; limit {DEMO_PAGE_LIMIT / 1e6:.1f} MB: {verdict}"
    )
    return result


def bench_compare_page() -> dict[str, Any]:
    """Write the digits AE against the VAE (``lw.compare(...).save_html``) and measure it.

    Both models' reconstructions of every point ride in the page beside the inputs, for the
    gallery's columns; ``reconstructions=False`` shows what they cost.
    """
    import latentwidgets as lw

    data = lw.datasets.digits()
    models = {
        name: (model.encoder, model.decoder)
        for name, model in (
            ("AE", lw.models.load_pretrained("digits-ae")),
            ("VAE", lw.models.load_pretrained("digits-vae")),
        )
    }
    comparison = lw.compare(models, data)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        page = comparison.save_html(Path(folder) / "compare.html")
        seconds = time.perf_counter() - start
        size = page.stat().st_size
        bare = comparison.save_html(Path(folder) / "bare.html", reconstructions=False)
        without = bare.stat().st_size
    result = {"compare_page_bytes": size, "without_reconstructions_bytes": without, "s": seconds}
    print(
        f"compare page (digits AE vs VAE, reconstructions in the gallery): {size / 1e6:.2f} MB "
        f"({size:,} bytes) in {seconds:.1f} s; without reconstructions {without / 1e6:.2f} MB"
    )
    return result


def bench_colors() -> list[dict[str, Any]]:
    """Time ``encode_colors`` on the columns that used to hurt: many labels, huge labels, NaN."""
    rng = np.random.default_rng(0)
    n = 1_000_000
    huge = np.array(["a", "b"] * 10_000, dtype=object)
    huge[123] = "x" * 20_000
    floats = rng.normal(size=n)
    floats[::10] = np.nan
    columns = {
        "1M distinct str": np.array([f"id{i}" for i in range(n)], dtype=object),
        "1M str, 50 values": rng.integers(0, 50, n).astype(str).astype(object),
        "1M int, 10 values": rng.integers(0, 10, n),
        "1M float, 10% NaN": floats,
        "20k str, one 20,000 chars": huge,
    }
    rows = []
    for name, values in columns.items():
        start = time.perf_counter()
        kind, _, categories, _ = encode_colors(values)
        seconds = time.perf_counter() - start
        legend_bytes = len(json.dumps(categories))
        row = {"column": name, "kind": kind, "categories": len(categories), "encode_s": seconds}
        rows.append({**row, "legend_bytes": legend_bytes})
        print(
            f"colors: {name:26} {kind:11} {len(categories):4} categories, "
            f"legend {legend_bytes / 1e3:7.1f} kB, {seconds:6.3f} s"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads before timing")
    parser.add_argument(
        "--demo-page", action="store_true", help="only measure the demo page's size and exit"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.demo_page:
        demo = bench_demo_page()
        bench_compare_page()
        raise SystemExit(0 if demo["demo_page_bytes"] < DEMO_PAGE_LIMIT else 1)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    report = {
        "machine": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
            "cpus": os.cpu_count(),
            "load_average_1min_at_start": os.getloadavg()[0],
            "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        },
        "batches": [row for device in devices for row in bench_batches(device)],
        "export": bench_export(),
        "demo_page": bench_demo_page(),
        "compare_page": bench_compare_page(),
        "colors": bench_colors(),
    }
    report["machine"]["load_average_1min_at_end"] = os.getloadavg()[0]
    path = RESULTS / (
        f"bench_render_threads{args.threads}.json" if args.threads else "bench_render.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
