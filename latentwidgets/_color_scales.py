"""Colour scales for continuous columns: linear, log or quantile positions and their ticks."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

#: How continuous values are spread over the colour ramp.
ColorScale = Literal["linear", "log", "quantile"]


COLOR_SCALES: tuple[str, ...] = ("linear", "log", "quantile")


def scale_values(
    values: Any, scale: str = "linear"
) -> tuple[np.ndarray, list[float], list[tuple[float, str]]]:
    """Spread continuous values over the colour ramp, for heavy-tailed columns such as errors.

    Parameters
    ----------
    values : array-like of float
        A continuous column (NaN is missing and stays NaN).
    scale : {"linear", "log", "quantile"}, default "linear"
        ``"linear"`` keeps the values; ``"log"`` takes ``log10`` (of ``v - min + d`` when some
        values are not positive, ``d`` a hundredth of the positive spread, so the smallest value
        still has a colour); ``"quantile"`` replaces each value by its rank in ``[0, 1]``, so
        every colour holds as many points.

    Returns
    -------
    scaled : numpy.ndarray of float32
        The values to colour by.
    value_range : list of float
        ``[low, high]`` of the scaled values.
    ticks : list of (float, str)
        Colour-bar ticks: a position in ``[0, 1]`` along the bar and the original value there.

    Raises
    ------
    ValueError
        For an unknown ``scale``.
    """
    if scale not in COLOR_SCALES:
        raise ValueError(f"color_scale must be one of {list(COLOR_SCALES)}; got {scale!r}")
    raw = np.asarray(values, dtype=np.float64)
    finite = raw[np.isfinite(raw)]
    if finite.size == 0:
        return raw.astype(np.float32), [0.0, 1.0], []
    low, high = float(finite.min()), float(finite.max())
    if scale == "quantile":
        ranks = np.full(raw.shape, np.nan)
        order = np.argsort(finite, kind="stable")
        ranked = np.empty(finite.size)
        ranked[order] = np.arange(finite.size) / max(finite.size - 1, 1)
        ranks[np.isfinite(raw)] = ranked
        positions = np.linspace(0.0, 1.0, 5)
        labels = np.quantile(finite, positions)
        return ranks.astype(np.float32), [0.0, 1.0], _spaced(positions, labels, digits=2)
    if scale == "log":
        shift = 0.0 if low > 0 else -low + max((high - low) / 100.0, 1e-12)
        scaled = np.log10(raw + shift)
        lo, hi = float(np.log10(low + shift)), float(np.log10(high + shift))
        values = _with_round_ends(_round_values(low, high, logarithmic=True), low, high)
        values = values[values + shift > 0]
        positions = (np.log10(values + shift) - lo) / (hi - lo) if hi > lo else values * 0
        return scaled.astype(np.float32), [lo, hi], _spaced(positions, values)
    values = _with_round_ends(_round_values(low, high, logarithmic=False), low, high)
    positions = (values - low) / (high - low) if high > low else values * 0
    return raw.astype(np.float32), [low, high], _spaced(positions, values)


#: Fewest and most ticks on a colour bar, and the least room between two, as a part of the bar.
MIN_TICKS, MAX_TICKS, MIN_GAP = 2, 5, 0.15


def _round_values(low: float, high: float, *, logarithmic: bool) -> np.ndarray:
    """Round numbers (1, 2 or 5 times a power of ten) within ``[low, high]``, a few of them."""
    if not high > low:
        return np.array([low])
    if logarithmic and low > 0 and high / low >= 10:
        decades = np.arange(np.floor(np.log10(low)), np.ceil(np.log10(high)) + 1)
        for multiples in ((1.0,), (1.0, 3.0), (1.0, 2.0, 5.0)):
            values = np.array([m * 10**d for d in decades for m in multiples])
            values = values[(values >= low) & (values <= high)]
            if len(values) >= MIN_TICKS:
                every = int(np.ceil(len(values) / MAX_TICKS))
                return values[::every]
    best: np.ndarray = np.array([low, high])
    for step in sorted({m * 10.0**e for e in range(-15, 16) for m in (1, 2, 5)}, reverse=True):
        first = np.ceil(low / step - 1e-9) * step
        count = int(np.floor((high - first) / step + 1e-9)) + 1
        if count > MAX_TICKS + 1:
            break
        if count >= MIN_TICKS:
            best = np.round((first + step * np.arange(count)) / step) * step
    return best


def _with_round_ends(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """``values`` and the range's ends where those read as round numbers (``-1``, ``5``)."""
    ends = [v for v in (low, high) if _label(v, 2) == _label(v, 6)]
    return np.unique(np.concatenate([values, ends]))


def _spaced(positions: np.ndarray, values: np.ndarray, digits: int = 3) -> list[tuple[float, str]]:
    """Ticks in order, dropping any too close to the last one kept, and repeated labels."""
    ticks: list[tuple[float, str]] = []
    for position, value in sorted(zip(positions.tolist(), values.tolist(), strict=True)):
        label = _label(value, digits)
        if not -1e-9 <= position <= 1 + 1e-9:
            continue
        position = min(max(position, 0.0), 1.0)
        if ticks and (position - ticks[-1][0] < MIN_GAP or label == ticks[-1][1]):
            continue
        ticks.append((float(position), label))
    return ticks


def _label(value: float, digits: int) -> str:
    """Return a short label: ``0.002``, ``1500``, ``2e-5``, ``3e6`` (no ``e+03``)."""
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        rounded = float(f"{value:.{digits}g}")
        return np.format_float_positional(rounded, trim="-")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
