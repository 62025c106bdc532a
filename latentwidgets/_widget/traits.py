"""Traits that check what is assigned to them, from Python or from the browser.

A bad value raises ``traitlets.TraitError`` at assignment and names the trait, instead of showing up
later as an error in the status line. Checks that need the widget's data (an index below the number
of points, a known column) are the widget's cross-validators; these traits check what they can alone.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import traitlets


def map_number(value: object, name: str) -> float:
    """``value`` as a finite float: a map coordinate in a request from the browser."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number (map coordinates); got {value!r:.60}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return number


class PointIndex(traitlets.Int):
    """A point index or -1 for none; numpy integers are taken, floats and bools are refused."""

    def validate(self, obj: Any, value: Any) -> int:
        if isinstance(value, np.integer) and not isinstance(value, np.bool_):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise traitlets.TraitError(
                f"{self.name} must be an integer point index or -1 for none; "
                f"got {type(value).__name__} {value!r:.60}"
            )
        if value < -1:
            raise traitlets.TraitError(
                f"{self.name} must be a point index >= 0, or -1 for none; got {value}"
            )
        return value


class FiniteFloat(traitlets.Float):
    """A finite float in ``[min, max]``; the message names the trait and what it means."""

    def __init__(self, default: float, *, low: float, high: float, meaning: str, **kwargs: Any):
        super().__init__(default, **kwargs)
        self.low, self.high, self.meaning = low, high, meaning

    def validate(self, obj: Any, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise traitlets.TraitError(
                f"{self.name} must be a number ({self.meaning}); got {type(value).__name__} "
                f"{value!r:.60}"
            )
        number = float(value)
        if not (math.isfinite(number) and self.low <= number <= self.high):
            raise traitlets.TraitError(
                f"{self.name} must be in [{self.low:g}, {self.high:g}] ({self.meaning}); got {value!r}"
            )
        return number


class BoundedInt(traitlets.Int):
    """An int in ``[min, max]`` (numpy integers taken); the message names the trait."""

    def __init__(self, default: int, *, low: int, high: int, meaning: str, **kwargs: Any):
        super().__init__(default, **kwargs)
        self.low, self.high, self.meaning = low, high, meaning

    def validate(self, obj: Any, value: Any) -> int:
        if isinstance(value, np.integer) and not isinstance(value, np.bool_):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise traitlets.TraitError(
                f"{self.name} must be an integer ({self.meaning}); got {type(value).__name__} "
                f"{value!r:.60}"
            )
        if not self.low <= value <= self.high:
            raise traitlets.TraitError(
                f"{self.name} must be in [{self.low}, {self.high}] ({self.meaning}); got {value}"
            )
        return value
