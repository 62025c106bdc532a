"""Search and filter over 1M rows in the kernel (issue 20: search <= 100 ms, filter <= 200 ms).

Columns: ``caption``, short strings of about 10 characters with 40,000 distinct values
("sneaker_1234"); ``label``, ten category names with a legend order (as a dataset's
``label_names``); ``recon_error``, 1M distinct float32 numbers. Each query is timed cold (the
first use of a column factorises it: its distinct values, their lower-case text, one code per
point) and warm (best of ``--repeats``; what every later search or filter costs). Then the same
through an explorer opened on 1M random 2-d codes (``from_latents``): ``explorer.search`` and
setting ``explorer.filter`` (the mask, the count and the bits for the browser).
Saves benchmarks/results/bench_find.json.
Run: python benchmarks/bench_find.py [--n 1000000] [--repeats 5] [--no-explorer]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from latentwidgets._engine.column_index import ColumnIndex
from latentwidgets._engine.filter_expr import evaluate_filter
from latentwidgets._engine.search import search_mask

RESULTS = Path(__file__).parent / "results"
WORDS = ("cat", "dog", "seven", "sneaker", "ankle boot", "bag", "shirt", "trouser")
NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SEARCHES = (("caption", "Boot_12"), ("caption", "zzz"), ("label", "seven"), (None, "seven"))
FILTERS = (
    "label in (1, 7) and recon_error > 0.02",
    "label == 'seven' or recon_error * 2 < 0.01",
    "not (0.01 < recon_error <= 0.03)",
)


def make_columns(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    words = np.array(WORDS, dtype=object)[rng.integers(0, len(WORDS), n)]
    numbers = rng.integers(0, 5000, n).astype(str).astype(object)
    return {
        "caption": words + "_" + numbers,
        "label": np.array(NAMES, dtype=object)[rng.integers(0, 10, n)],
        "recon_error": rng.gamma(2.0, 0.01, n).astype(np.float32),
    }


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Milliseconds of the first call and the best of ``repeats`` more, and the result."""
    start = time.perf_counter()
    result = fn()
    cold = (time.perf_counter() - start) * 1e3
    warm = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        warm = min(warm, (time.perf_counter() - start) * 1e3)
    return cold, warm, result


def engine_rows(n: int, repeats: int) -> list[dict[str, Any]]:
    columns = make_columns(n)
    index = ColumnIndex(columns, {"label": NAMES})
    rows = []
    for column, query in SEARCHES:
        names = [column] if column else index.names
        cold, warm, mask = timed(partial(search_mask, index, query, names), repeats)
        rows.append(_row("search", f"{query!r} in {column or 'every column'}", cold, warm, mask))
    for text in FILTERS:
        cold, warm, mask = timed(partial(evaluate_filter, text, index, n), repeats)
        rows.append(_row("filter", text, cold, warm, mask))
    return rows


def explorer_rows(n: int, repeats: int) -> list[dict[str, Any]]:
    import latentwidgets as lw

    columns = make_columns(n)
    latents = np.random.default_rng(1).standard_normal((n, 2)).astype(np.float32)
    explorer = lw.LatentExplorer.from_latents(
        latents,
        metadata=columns,
        projection="dims",
        progress=False,
    )
    try:
        explorer.wait(300)
        rows = []
        cold, warm, hits = timed(lambda: explorer.search("Boot_12"), repeats)
        rows.append(_row("explorer.search", "'Boot_12' in every column", cold, warm, hits))

        def set_once() -> np.ndarray:
            explorer.filter = FILTERS[0]
            passing = explorer.filtered
            explorer.filter = ""
            return passing

        cold, warm, passing = timed(set_once, repeats)
        rows.append(_row("explorer.filter = ... (and back to '')", FILTERS[0], cold, warm, passing))
        return rows
    finally:
        explorer.close()


def _row(kind: str, what: str, cold: float, warm: float, result: Any) -> dict[str, Any]:
    count = int(result.sum()) if result is not None and result.dtype == bool else len(result)
    return {"kind": kind, "query": what, "cold_ms": cold, "warm_ms": warm, "matches": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-explorer", action="store_true")
    args = parser.parse_args()
    rows = engine_rows(args.n, args.repeats)
    if not args.no_explorer:
        rows += explorer_rows(args.n, args.repeats)
    print(f"{args.n:,} rows, load {os.getloadavg()[0]:.2f}")
    print(f"{'kind':<40} {'query':<46} {'cold ms':>8} {'warm ms':>8} {'matches':>9}")
    for r in rows:
        print(
            f"{r['kind']:<40} {r['query'][:46]:<46} {r['cold_ms']:8.1f} {r['warm_ms']:8.1f} "
            f"{r['matches']:9,}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = {"n": args.n, "machine": platform.platform(), "cpus": os.cpu_count(), "rows": rows}
    (RESULTS / "bench_find.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
