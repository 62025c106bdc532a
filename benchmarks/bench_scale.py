"""Opening millions of precomputed codes: ``LatentExplorer.from_latents`` time and kernel memory.

For each N (``--sizes``, default 1M and 10M) of ``(N, 16)`` float32 codes with integer labels,
written once to a memory-mapped ``.npy`` and to 8 Parquet shards (one fixed-size list column,
``id`` and ``label``, rows shuffled across shards), a fresh Python process times
``LatentExplorer.from_latents(path, labels=...)`` from the call to a ready widget (reading, the
PCA map, colours and traits; no front end) and reports:

- ``seconds``: the call, measured with ``time.perf_counter``;
- ``rss_over_codes``: the process's resident memory growth during the call over the codes' own
  size, after a first call on 1,000 rows has imported what the call needs (the issue's bound is 2.0: the kernel holds at most twice the codes);
- ``state_bytes_per_point``: the binary buffers the widget would send (``_points`` and
  ``_colors`` in ``get_state()``) over N.

Each measurement runs in its own process so one size's memory does not hide in the next one's.
The browser side (first frame, hover) is measured by ``benchmarks/bench_map.py --sizes``.

Run: python benchmarks/bench_scale.py [--sizes 1000000 10000000] [--dims 16]
Prints a table and saves benchmarks/results/bench_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

RESULTS = pathlib.Path(__file__).parent / "results"
SHARDS = 8
CHUNK = 1_000_000


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def write_inputs(rows: int, dims: int, folder: pathlib.Path) -> None:
    """Write the codes as ``codes.npy`` and as shuffled Parquet shards under ``shards/``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    codes = np.lib.format.open_memmap(
        folder / "codes.npy", mode="w+", dtype=np.float32, shape=(rows, dims)
    )
    for start in range(0, rows, CHUNK):
        stop = min(start + CHUNK, rows)
        codes[start:stop] = rng.standard_normal((stop - start, dims), dtype=np.float32)
    codes.flush()
    np.save(folder / "labels.npy", np.arange(rows) % 10)
    (folder / "shards").mkdir()
    order = rng.permutation(rows)
    for shard, part in enumerate(np.array_split(order, SHARDS)):
        part.sort()  # rows within a shard in order, shards interleaved: ids put them back
        table = pa.table(
            {
                "codes": pa.FixedSizeListArray.from_arrays(
                    pa.array(np.asarray(codes[part]).reshape(-1)), dims
                ),
                "id": pa.array(part),
                "label": pa.array(part % 10),
            }
        )
        pq.write_table(table, folder / "shards" / f"part-{shard}.parquet")
    del codes


def child(source: str, folder: pathlib.Path) -> None:
    """Open the codes once in this process and print one JSON line of figures."""
    import latentwidgets as lw

    path = folder / ("codes.npy" if source == "npy" else "shards")
    labels = np.load(folder / "labels.npy") if source == "npy" else None
    # A first call on 1,000 rows imports what the call needs (pyarrow, the PCA, the widget), so
    # the growth measured below is what the codes cost, not the imports.
    warm = folder / "warm"
    lw.LatentExplorer.from_latents(
        str(warm / ("codes.npy" if source == "npy" else "shards")), progress=False
    ).close()
    before = _rss_bytes()
    start = time.perf_counter()
    explorer = lw.LatentExplorer.from_latents(str(path), labels=labels, progress=False)
    seconds = time.perf_counter() - start
    grown = _rss_bytes() - before
    codes_bytes = explorer.latents.numel() * explorer.latents.element_size()
    state = explorer.get_state()
    sent = sum(len(state[name]["view"]) for name in ("_points", "_colors") if state.get(name))
    rows = len(explorer.latents)
    print(
        json.dumps(
            {
                "source": source,
                "rows": rows,
                "seconds": seconds,
                "rss_growth_mb": grown / 2**20,
                "codes_mb": codes_bytes / 2**20,
                "rss_over_codes": grown / codes_bytes,
                "state_bytes_per_point": sent / rows,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--dims", type=int, default=16)
    parser.add_argument("--child", nargs=2, metavar=("SOURCE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], pathlib.Path(args.child[1]))
        return

    rows: list[dict[str, object]] = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = pathlib.Path(tmp)
            start = time.perf_counter()
            write_inputs(size, args.dims, folder)
            (folder / "warm").mkdir()
            write_inputs(1_000, args.dims, folder / "warm")
            print(f"wrote {size:,} x {args.dims} codes in {time.perf_counter() - start:.1f} s")
            for source in ("npy", "parquet"):
                output = subprocess.run(
                    [sys.executable, __file__, "--child", source, str(folder)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                row = json.loads(output.strip().splitlines()[-1])
                row["load_average"] = os.getloadavg()[0]
                rows.append(row)

    print(f"\nfrom_latents of (N, {args.dims}) float32 codes to a ready widget (no front end)")
    print(
        f"{'N':>11} {'source':>8} {'s':>7} {'RSS MB':>8} {'codes MB':>9} {'RSS/codes':>10} {'B/pt':>6}"
    )
    for row in rows:
        print(
            f"{row['rows']:>11,} {row['source']:>8} {row['seconds']:>7.2f} "
            f"{row['rss_growth_mb']:>8.0f} {row['codes_mb']:>9.0f} {row['rss_over_codes']:>10.2f} "
            f"{row['state_bytes_per_point']:>6.1f}"
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_scale.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
