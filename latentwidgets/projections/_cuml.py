"""cuML's t-SNE and UMAP: the GPU fits that TSNE and UMAP hand over to on a CUDA machine.

RAPIDS cuML is not on PyPI's default index for every platform and needs a CUDA GPU, so it is
never a dependency: ``backend="auto"`` uses it when it is importable and torch sees a CUDA
device, and ``backend="cuml"`` asks for it by name (with a clear error where it is missing).
The codes go to cuML as a float32 numpy array; cuML copies them to the GPU itself, and the
layout comes back as numpy (``output_type="numpy"``).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import numpy as np
import torch

_CUML_MISSING = (
    "backend='cuml' needs RAPIDS cuML and a CUDA GPU: install cuML for your CUDA version "
    "(https://docs.rapids.ai/install, e.g. pip install cuml-cu12), or use backend='auto'"
)


def cuml_available() -> bool:
    """Whether cuML is importable and torch sees a CUDA device: what ``backend="auto"`` asks."""
    return importlib.util.find_spec("cuml") is not None and torch.cuda.is_available()


def require_cuml() -> Any:
    """Import ``cuml.manifold``, or say how to get it."""
    if not cuml_available():
        raise ImportError(_CUML_MISSING)
    return importlib.import_module("cuml.manifold")


def tsne_cuml(
    X: np.ndarray, *, perplexity: float, n_iter: int, random_state: int | None
) -> np.ndarray:
    """Embed ``X`` with cuML's FFT-accelerated t-SNE; returns ``(n, 2)`` float32."""
    manifold = require_cuml()
    tsne = manifold.TSNE(
        n_components=2,
        perplexity=float(perplexity),
        max_iter=int(n_iter),
        method="fft",
        random_state=random_state,
        output_type="numpy",
    )
    return np.ascontiguousarray(tsne.fit_transform(np.asarray(X, dtype=np.float32)), np.float32)


def umap_cuml(
    X: np.ndarray,
    *,
    n_neighbors: int,
    min_dist: float,
    metric: str,
    random_state: int | None,
) -> Any:
    """Fit cuML's UMAP to ``X``; the fitted estimator has ``embedding_`` and ``transform``."""
    manifold = require_cuml()
    return manifold.UMAP(
        n_components=2,
        n_neighbors=int(n_neighbors),
        min_dist=float(min_dist),
        metric=metric,
        random_state=random_state,
        output_type="numpy",
    ).fit(np.asarray(X, dtype=np.float32))
