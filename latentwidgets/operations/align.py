"""Align one 2-D map to another over the same items, so that points do not jump between them.

Two maps of the same items (two models, two checkpoints, two runs) can differ by a rotation, a
reflection (PCA's sign flips) and a shift while showing the same structure. An orthogonal
Procrustes fit (scipy's ``orthogonal_procrustes``) finds the rotation or reflection, after
centring, that brings one onto the other in the least-squares sense; scale is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import orthogonal_procrustes


@dataclass(frozen=True)
class Alignment:
    """A rigid map of the plane: ``aligned = (points - source_mean) @ rotation + target_mean``."""

    rotation: np.ndarray
    source_mean: np.ndarray
    target_mean: np.ndarray

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Move points (``(M, 2)``, in the source map's units) into the target map's frame."""
        moved = (np.asarray(points, np.float64) - self.source_mean) @ self.rotation
        return (moved + self.target_mean).astype(np.float32)

    def invert(self, points: np.ndarray) -> np.ndarray:
        """Move points from the target map's frame back into the source map's units."""
        moved = (np.asarray(points, np.float64) - self.target_mean) @ self.rotation.T
        return (moved + self.source_mean).astype(np.float32)


def fit_alignment(source: np.ndarray, target: np.ndarray) -> Alignment:
    """Find the rotation or reflection and shift that best bring ``source`` onto ``target``.

    Parameters
    ----------
    source, target : numpy.ndarray
        ``(N, 2)`` positions of the same N items on two maps, row ``i`` the same item in both.

    Returns
    -------
    Alignment
        Apply it to ``source`` (or to new points on the source map).

    Raises
    ------
    ValueError
        If the two are not ``(N, 2)`` arrays of the same N, or not finite.
    """
    a, b = np.asarray(source, np.float64), np.asarray(target, np.float64)
    if a.ndim != 2 or a.shape[1] != 2 or a.shape != b.shape:
        raise ValueError(
            f"source and target must be (N, 2) maps of the same items; got {a.shape} and {b.shape}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("source and target must be finite; got NaN or infinite positions")
    source_mean, target_mean = a.mean(axis=0), b.mean(axis=0)
    rotation, _ = orthogonal_procrustes(a - source_mean, b - target_mean)
    return Alignment(rotation, source_mean, target_mean)
