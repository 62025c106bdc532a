"""Pieces of a t-SNE fit: openTSNE's progress reports, a tight start, and nearest rows.

Imported by worker processes too (see :mod:`._tsne_fit`): numpy only, nothing of the package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

#: ``report(fraction, message, coords)``: a fit's progress, as :mod:`._tsne_fit` sends it.
Report: TypeAlias = Callable[[float | None, str, "np.ndarray | None"], None]


def _to_map(coords: Any) -> np.ndarray:
    """Coordinates as the map takes them: C-contiguous float32."""
    return np.ascontiguousarray(coords, dtype=np.float32)


class _OpenTSNEProgress:
    """openTSNE callback: turns each iteration into a progress report with the live embedding."""

    def __init__(self, report: Report, total: int, what: str) -> None:
        self.report = report
        self.total = total
        self.what = what
        self.done = 0

    def __call__(self, iteration: int, error: float, embedding: np.ndarray) -> bool:
        # Called at every iteration of every phase, so a running count gives the overall position.
        self.done += 1
        message = f"{self.what}: iteration {self.done}/{self.total}, KL divergence {error:.4f}"
        # In this process, report raises ProjectionCancelled to stop: it goes straight through
        # openTSNE, which would otherwise swallow a stop request and return the partial
        # embedding as if it were finished.
        self.report(self.done / self.total, message, _to_map(embedding))
        return False


def _small_start(layout: np.ndarray) -> np.ndarray:
    """Centre a layout and scale it so that its widest axis has a standard deviation of 1e-4.

    t-SNE's gradient steps assume such a tight start (openTSNE's ``initialization.rescale`` and
    scikit-learn's PCA init use 1e-4 for the first axis); scaling by the widest axis keeps a
    narrow reference map from leaving its other axis wide, which openTSNE warns about.
    """
    centred = np.asarray(layout, np.float64) - np.mean(layout, axis=0)
    return centred * (1e-4 / float(centred.std(axis=0).max()))


def _nearest(X: np.ndarray, reference: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Index of each row's nearest row of ``reference`` (Euclidean), by brute force in chunks.

    One matrix product and one argmin per chunk: about 1 s for 70,000 x 32 against 5,000 on one
    thread, where the top-k of the same distances took several times as long.
    """
    ref = np.asarray(reference, dtype=np.float32)
    half_norms = 0.5 * np.einsum("ij,ij->i", ref, ref)
    out = np.empty(X.shape[0], dtype=np.intp)
    for start in range(0, X.shape[0], chunk):
        block = np.asarray(X[start : start + chunk], dtype=np.float32)
        # argmin |x - r|^2 = argmin (|r|^2 / 2 - x . r)
        out[start : start + chunk] = np.argmin(half_norms - block @ ref.T, axis=1)
    return out
