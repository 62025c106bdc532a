"""The map's deterministic sample: point ``i`` is drawn iff ``point_hash(i) < threshold``.

Python and the browser compute the same hash (lowbias32 in wrapping ``uint32`` arithmetic), so the
sample's indices never cross the wire.
"""

from __future__ import annotations

import numpy as np

#: Points per pass of the chunked loops.
CHUNK = 1 << 20
#: Most points a map may have: indices travel as ``uint32``.
MAX_POINTS = 2**32
_MUL1 = np.uint32(0x7FEB352D)
_MUL2 = np.uint32(0x846CA68B)
_UINT32_MAX = 2**32 - 1


def _hash_in_place(x: np.ndarray, scratch: np.ndarray) -> None:
    """Lowbias32 of the ``uint32`` array ``x``, in place; ``scratch`` is as large as ``x``."""
    np.right_shift(x, 16, out=scratch)
    x ^= scratch
    x *= _MUL1
    np.right_shift(x, 15, out=scratch)
    x ^= scratch
    x *= _MUL2
    np.right_shift(x, 16, out=scratch)
    x ^= scratch


def point_hash(indices: np.ndarray | list[int] | int) -> np.ndarray:
    """Hash point indices with lowbias32, in wrapping ``uint32`` arithmetic, as the browser does.

    ``x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16``, every step
    modulo ``2**32``. The hash is a bijection of ``uint32``, so distinct points never tie.

    Parameters
    ----------
    indices : int, sequence of int or numpy array of integers
        Point indices, taken modulo ``2**32``.

    Returns
    -------
    numpy.ndarray of uint32
        One hash per index, in the shape of ``indices``.

    Examples
    --------
    >>> point_hash([0, 1, 2**32 - 1]).tolist()
    [0, 1753845952, 1734902346]
    """
    array = np.asarray(indices)
    if array.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers; got an array of {array.dtype}")
    x = array.astype(np.uint32)  # a copy, wrapped modulo 2**32
    _hash_in_place(x, np.empty_like(x))
    return x


def point_hashes(n: int) -> np.ndarray:
    """``point_hash(arange(n))`` in ``CHUNK`` steps: every point's hash, ``uint32``."""
    if not 0 <= n <= MAX_POINTS:
        raise ValueError(f"n must be in [0, 2**32]; got {n}")
    out = np.empty(n, np.uint32)
    scratch = np.empty(min(n, CHUNK), np.uint32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        x = out[start:stop]
        x[:] = np.arange(start, stop, dtype=np.int64)  # wraps at 2**32 like the browser's
        _hash_in_place(x, scratch[: stop - start])
    return out


def draw_threshold(n: int, max_drawn: int) -> int:
    """Return the sample's hash threshold for a map of ``n`` points drawing about ``max_drawn``.

    Parameters
    ----------
    n : int
        Points on the map.
    max_drawn : int
        Most points the browser draws one by one.

    Returns
    -------
    int
        0 when ``n <= max_drawn`` (not sampled: every point is drawn); else
        ``floor(max_drawn / n * 2**32)`` clamped to ``[1, 2**32 - 1]``, computed exactly in
        integers. Point ``i`` is in the sample iff ``point_hash(i) < threshold``.
    """
    if n < 0 or max_drawn < 0:
        raise ValueError(f"n and max_drawn must be >= 0; got {n}, {max_drawn}")
    if n <= max_drawn:
        return 0
    return min(max((max_drawn << 32) // n, 1), _UINT32_MAX)


def sample_indices(n: int, threshold: int, *, hashes: np.ndarray | None = None) -> np.ndarray:
    """List the sample's points: ascending ``i`` in ``[0, n)`` with ``point_hash(i) < threshold``.

    Parameters
    ----------
    n : int
        Points on the map, at most ``2**32``.
    threshold : int
        From :func:`draw_threshold`; 0 means every point (the map is not sampled).
    hashes : numpy.ndarray of uint32, optional
        ``point_hashes(n)``, if kept: saves hashing every point again.

    Returns
    -------
    numpy.ndarray of int64
        The sample's indices, ascending: about ``n * threshold / 2**32`` of them.
    """
    if not 0 <= n <= MAX_POINTS:
        raise ValueError(f"n must be in [0, 2**32]; got {n}")
    if threshold <= 0 or threshold > _UINT32_MAX:
        return np.arange(n, dtype=np.int64)
    bound = np.uint32(threshold)
    if hashes is not None:
        return np.flatnonzero(hashes[:n] < bound)
    found: list[np.ndarray] = []
    scratch = np.empty(min(n, CHUNK), np.uint32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        x = np.arange(start, stop, dtype=np.uint32) if stop < MAX_POINTS else _last(start, stop)
        _hash_in_place(x, scratch[: stop - start])
        hits = np.flatnonzero(x < bound)
        hits += start
        found.append(hits)
    return np.concatenate(found) if found else np.zeros(0, np.int64)


def _last(start: int, stop: int) -> np.ndarray:
    """``uint32`` indices ``[start, stop)`` where ``stop`` is ``2**32`` (no uint32 ``arange``)."""
    return (np.arange(start, stop, dtype=np.int64)).astype(np.uint32)
