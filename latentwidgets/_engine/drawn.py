"""The sampled map: which points the browser draws one by one, and what it is sent beyond them.

Above ``max_drawn`` points the widget sends a deterministic sample of the map (point ``i`` is drawn
iff ``point_hash(i) < threshold``; both sides compute the hash, so the sample's indices never cross
the wire), a density image of all points, and on request the other points inside the view. These
functions do that work over the map's coordinates, kept as two contiguous ``float32`` columns so
that a mask over one of them reads memory in order. Pure numpy: the widget side is
``latentwidgets/features/map.py``, the contract ``docs/widget-contract.md``.

This module gathers them, one job a module: ``sampling`` (the hash and the sample), ``density``
(the density image), ``region`` (the points in a rectangle), ``polygon`` with ``coverage`` and
``crossings`` (a lasso's points). Long passes go ``CHUNK`` points at a time, so that at ten
million points their temporaries stay a few megabytes instead of several arrays of the map's size.
"""

from __future__ import annotations

import math

import numpy as np

from .density import density_grid, density_size, map_extent
from .polygon import even_odd, polygon_mask
from .region import region_points
from .sampling import CHUNK, MAX_POINTS, draw_threshold, point_hash, point_hashes, sample_indices

__all__ = [
    "CHUNK",
    "MAX_POINTS",
    "density_grid",
    "density_size",
    "draw_threshold",
    "encode_uint16",
    "even_odd",
    "map_extent",
    "point_hash",
    "point_hashes",
    "polygon_mask",
    "region_points",
    "sample_indices",
]


def encode_uint16(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Coordinates as ``uint16`` steps of their range: ``round((v - low) / (high - low) * 65535)``.

    Parameters
    ----------
    values : numpy.ndarray
        Coordinates within ``[low, high]`` (others are clipped).
    low, high : float
        The range; a zero-width (or non-finite) one encodes every value as 0.

    Returns
    -------
    numpy.ndarray of uint16
        Decoded as ``low + u / 65535 * (high - low)``, within ``(high - low) / 131070`` of the value.
    """
    width = high - low
    if not (math.isfinite(width) and width > 0):
        return np.zeros(np.shape(values), np.uint16)
    steps = (np.asarray(values, np.float64) - low) / width * 65535
    return np.clip(np.rint(steps), 0, 65535).astype(np.uint16)
