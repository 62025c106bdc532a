"""Cost of fitting UMAP in a child process (cancellable) against a fit in this process.

    python benchmarks/bench_umap_child.py [--repeats 3]

A fit given a callback (the widget's) runs umap-learn in a worker process, so that ``close()`` can
stop it; this measures what that costs on the digits codes (1,797 x 8, from the shipped
``digits-ae``) and checks that the layout is the one an in-process fit gives with the same
``random_state``. The first worker fit includes the worker's start: its import of umap-learn and
numba's compilation, which the in-process fits here did before the timings.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

import latentwidgets as lw
from latentwidgets.projections import UMAP


def digits_codes() -> np.ndarray:
    data = lw.datasets.digits()
    model = lw.models.load_pretrained("digits-ae")
    with torch.inference_mode():
        return model.encoder(data.images).numpy()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    codes = digits_codes()
    UMAP(random_state=0).fit(codes[:300])  # numba compilation, here, out of the timings
    here: list[float] = []
    child: list[float] = []
    for round_ in range(args.repeats + 1):
        start = time.perf_counter()
        a = UMAP(random_state=0).fit_transform(codes)
        here.append(time.perf_counter() - start)
        start = time.perf_counter()
        b = UMAP(random_state=0).fit_transform(codes, callback=lambda f, m, c: None)
        child.append(time.perf_counter() - start)
        print(
            f"round {round_}: in-process {here[-1]:.2f} s, child {child[-1]:.2f} s, "
            f"same layout: {bool(np.array_equal(a, b))}"
        )
    print(
        f"codes {codes.shape}: in-process best {min(here):.2f} s, child best "
        f"{min(child[1:]):.2f} s (first, with the worker's start and compilation: {child[0]:.2f} s)"
    )


if __name__ == "__main__":
    main()
