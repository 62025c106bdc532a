"""Time latentwidgets' PCA against scikit-learn's and plain torch; check float32 accuracy.

    python benchmarks/bench_pca.py [--sizes 10000 100000 1000000] [--dims 64] [--repeats 5]

Prints the fit times (best of ``--repeats`` interleaved rounds, ratio to scikit-learn's
covariance_eigh solver), the time to project a 64-point interpolation path, and the error of the
principal axes on float32 data whose mean sits far from zero; saves
benchmarks/results/bench_pca-<torch threads>threads.json. On a shared machine, also run it with
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1: busy cores make every threaded
parallel region wait for a time slice, which swamps the small sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.decomposition import PCA as SklearnPCA

from latentwidgets.projections import PCA

RESULTS = Path(__file__).parent / "results"
PATH_POINTS = 64  # an interpolation path, the typical "new points" transformed while sliding


def best_times(
    methods: dict[str, tuple[Callable[[], object], bool]], repeats: int
) -> dict[str, float]:
    """Best time of each method; rounds interleave the methods, so that load spikes on a shared
    machine hit them all alike rather than one of them."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    for round_ in range(repeats + 1):
        for name, (fn, sync) in methods.items():
            start = time.perf_counter()
            fn()
            if sync:
                torch.cuda.synchronize()
            if round_:  # round 0 warms up: first-call allocations, lazy imports, CUDA context
                times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def torch_eigh(X: torch.Tensor) -> torch.Tensor:
    return torch.linalg.eigh(torch.cov(X.T))[1]


def fit_methods(X: np.ndarray) -> dict[str, tuple[Callable[[], object], bool]]:
    Xt = torch.from_numpy(X)
    methods: dict[str, tuple[Callable[[], object], bool]] = {
        "ours, numpy (auto: torch)": (lambda: PCA().fit(X), False),
        "ours, CPU tensor (auto: torch)": (lambda: PCA().fit(Xt), False),
        "ours, numpy, backend=sklearn": (lambda: PCA(backend="sklearn").fit(X), False),
        "sklearn PCA (default solver)": (lambda: SklearnPCA(2).fit(X), False),
        "sklearn PCA covariance_eigh": (
            lambda: SklearnPCA(2, svd_solver="covariance_eigh").fit(X),
            False,
        ),
        "torch eigh(cov), CPU": (lambda: torch_eigh(Xt), False),
        "torch.pca_lowrank, CPU": (lambda: torch.pca_lowrank(Xt, q=2), False),
    }
    if torch.cuda.is_available():
        Xc = Xt.cuda()
        methods["ours, CUDA tensor (auto)"] = (lambda: PCA().fit(Xc), True)
        methods["torch eigh(cov), CUDA"] = (lambda: torch_eigh(Xc), True)
    return methods


def transform_methods(X: np.ndarray) -> dict[str, tuple[Callable[[], object], bool]]:
    path = X[:PATH_POINTS]
    path_t = torch.from_numpy(path)
    ours_numpy, ours_torch = PCA().fit(X), PCA().fit(torch.from_numpy(X))
    reference = SklearnPCA(2, svd_solver="covariance_eigh").fit(X)
    methods: dict[str, tuple[Callable[[], object], bool]] = {
        "ours fitted on numpy": (lambda: ours_numpy.transform(path), False),
        "ours fitted on CPU tensor": (lambda: ours_torch.transform(path_t), False),
        "sklearn PCA.transform": (lambda: reference.transform(path), False),
    }
    if torch.cuda.is_available():
        ours_cuda, path_c = PCA().fit(torch.from_numpy(X).cuda()), path_t.cuda()
        methods["ours fitted on CUDA tensor"] = (lambda: ours_cuda.transform(path_c), True)
    return methods


def axis_errors(dims: int, offsets: list[float]) -> dict[str, dict[str, float]]:
    """Largest error of the top 4 axes fitted on float32 codes = N(0, diag(0.2..2)) + offset."""
    rng = np.random.default_rng(1)
    spread = rng.standard_normal((100_000, dims)) * np.linspace(0.2, 2.0, dims)
    errors: dict[str, dict[str, float]] = {}
    for offset in offsets:
        codes = spread + offset
        exact = SklearnPCA(4, svd_solver="full").fit(codes).components_
        X = codes.astype(np.float32)
        fitted = {
            "ours (auto: torch)": np.asarray(PCA(4).fit(X).components_),
            "sklearn PCA covariance_eigh": SklearnPCA(4, svd_solver="covariance_eigh")
            .fit(X)
            .components_,
        }
        errors[str(offset)] = {
            name: float(
                np.abs(axes * np.sign(np.sum(axes * exact, axis=1, keepdims=True)) - exact).max()
            )
            for name, axes in fitted.items()
        }
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--dims", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    load_before = os.getloadavg()
    fits: dict[str, dict[str, float]] = {}
    for n in args.sizes:
        # Correlated and off-centre, like latent codes.
        mixing = rng.standard_normal((args.dims, args.dims), dtype=np.float32)
        X = rng.standard_normal((n, args.dims), dtype=np.float32) @ mixing + 2.0
        fits[str(n)] = best_times(fit_methods(X), args.repeats)
    transforms = best_times(
        transform_methods(rng.standard_normal((10_000, args.dims), dtype=np.float32)), 200
    )
    errors = axis_errors(args.dims, [0.0, 10.0, 30.0, 100.0])

    baseline = "sklearn PCA covariance_eigh"
    print(f"PCA fit, {args.dims} float32 dims, best of {args.repeats}; x = time / {baseline}")
    names = list(next(iter(fits.values())))
    width = max(map(len, names))
    print(f"load average before: {load_before}, after: {os.getloadavg()}")
    print(f"{'method':<{width}}" + "".join(f"{n + ' pts':>22}" for n in fits))
    for name in names:
        cells = (f"{t[name]:9.4f} s ({t[name] / t[baseline]:5.2f}x)" for t in fits.values())
        print(f"{name:<{width}}" + "".join(f"{c:>22}" for c in cells))
    print(f"\nPCA transform of {PATH_POINTS} new points (an interpolation path), best of 200")
    for name, seconds in transforms.items():
        print(f"{name:<{width}} {seconds * 1e6:9.1f} us")
    print("\nLargest error of the top 4 axes, float32 data, by offset of the mean (spread 0.2-2)")
    print(f"{'method':<{width}}" + "".join(f"{'offset ' + o:>14}" for o in errors))
    for name in next(iter(errors.values())):
        print(f"{name:<{width}}" + "".join(f"{e[name]:14.1e}" for e in errors.values()))

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench_pca-{torch.get_num_threads()}threads.json"
    machine = {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "cuda": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "load_average_before_after": [load_before, os.getloadavg()],
    }
    out.write_text(
        json.dumps(
            {
                "machine": machine,
                "dims": args.dims,
                "repeats": args.repeats,
                "fit_seconds": fits,
                "transform_seconds": transforms,
                "float32_axis_error_by_offset": errors,
            },
            indent=2,
        )
    )
    print(f"\nsaved {out}")


if __name__ == "__main__":
    main()
