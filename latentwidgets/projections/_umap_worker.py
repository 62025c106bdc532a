"""What a UMAP worker process runs: a fit, and the warm-up that compiles umap-learn's code.

umap-learn has no callback: a fit in this process could only be abandoned, not stopped. So the
widget's fits run here in a worker process of :mod:`._child`, terminated to cancel one. This
module is imported by the worker (see :mod:`._child_main`): numpy and umap-learn only, nothing
of the package above it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np


def fit_umap(report: Callable[..., None], params: dict[str, Any], data: np.ndarray) -> Any:
    """Return ``umap.UMAP(**params)`` fitted to ``data`` (``report`` is unused: no progress)."""
    import umap

    return umap.UMAP(**params).fit(data)


def warm_up() -> None:
    """Compile umap-learn's numba code, which numba does per process (15 s on two cores).

    The seeded (serial) and unseeded (parallel) layouts are separate functions, so a worker
    started ahead of time compiles both. One started for a fit compiles only what that fit needs.
    """
    data = np.random.default_rng(0).standard_normal((200, 8), dtype=np.float32)
    for seed in (0, None):
        # a failed warm-up only leaves the compiling to the first fit, which reports its error
        with contextlib.suppress(Exception):
            params = {
                "n_neighbors": 5,
                "random_state": seed,
                "n_jobs": 1 if seed is not None else -1,
            }
            fit_umap(lambda *_: None, params, data)
