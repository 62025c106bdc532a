"""Colour: the kind of a column, the order of its categories and the palettes, in one place.

The widget (``LatentExplorer``) and the standalone export (:mod:`latentwidgets.export`) both
encode a column with :func:`encode_colors` and colour the result with the palettes below, so a
point has the same colour in the notebook and in the exported page. ``js/src/colors.ts`` holds
the same palettes for the browser; ``tests/test_colors.py`` checks that they agree.

The rules:

- Floats are continuous; NaN is *missing*.
- Integers (and numbers in object arrays) with at most :data:`MAX_INTEGER_CATEGORIES` distinct
  values are categories in numeric order; with more they are continuous.
- Booleans, strings and other objects are categories named ``str(value)``, in sorted order;
  ``None``, NaN, ``pandas.NA`` and ``NaT`` are *missing*.
- A column with more than :data:`MAX_CATEGORIES` categories keeps its most frequent ones (ranked
  by count, ties in the usual order) and lumps the rest into :data:`OTHER_LABEL`.
- :data:`OTHER_LABEL` and :data:`MISSING_LABEL` always come last, in that order, and are drawn in
  :data:`OTHER_COLOR` and :data:`MISSING_COLOR`; a value whose name is one of these labels joins
  that category.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from ._color_columns import _check_order, _column, _factorize, _lookup, _normalise
from ._color_scales import COLOR_SCALES, ColorScale, scale_values

__all__ = [
    "CATEGORICAL",
    "COLOR_SCALES",
    "MAX_CATEGORIES",
    "MAX_INTEGER_CATEGORIES",
    "MISSING_COLOR",
    "MISSING_LABEL",
    "OTHER_COLOR",
    "OTHER_LABEL",
    "RAMP",
    "ColorKind",
    "ColorScale",
    "category_color",
    "category_colors",
    "continuous_range",
    "encode_colors",
    "point_colors",
    "ramp_indices",
    "scale_values",
]


#: What a column is coloured as; ``"none"`` is the widget's state with no column chosen.
ColorKind = Literal["categorical", "continuous", "none"]


#: Integer columns with more distinct values than this are continuous.
MAX_INTEGER_CATEGORIES = 20


#: Most categories a column keeps, :data:`OTHER_LABEL` and :data:`MISSING_LABEL` included; codes
#: then fit in ``uint8`` and the legend stays small (1M distinct labels would otherwise make a
#: 14 MB legend).
MAX_CATEGORIES = 256


#: Category of the values lumped together past :data:`MAX_CATEGORIES`.
OTHER_LABEL = "(other)"


#: Category of missing values (``None``, NaN, ``pandas.NA``, ``NaT``).
MISSING_LABEL = "(missing)"


#: Tableau 10, then its lighter companions (Tableau 20's second halves). Category ``k`` is drawn in
#: ``CATEGORICAL[k % 20]``. Same list as ``CATEGORICAL`` in ``js/src/colors.ts``.
CATEGORICAL: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#a0cbe8", "#ffbe7d", "#ff9d9a", "#8cd17d", "#b6992d",
    "#f1ce63", "#86bcb6", "#d37295", "#fabfd2", "#d4a6c8",
)  # fmt: skip


#: Colour of missing values, categorical and continuous: a neutral mid grey, apart from the
#: palette's warm grey and from every viridis colour.
MISSING_COLOR = "#7f7f7f"


#: Colour of :data:`OTHER_LABEL`: a light grey, so that the lumped rare categories recede.
OTHER_COLOR = "#d9d9d9"


#: The continuous ramp: viridis through ten even stops, linearly interpolated to 64 colours
#: (low to high). Same list as ``RAMP`` in ``js/src/colors.ts``.
RAMP: tuple[str, ...] = (
    "#440154", "#450759", "#450c5e", "#461263", "#461769", "#471d6e", "#472273", "#482878",
    "#472d7a", "#45317d", "#44367f", "#423b82", "#414084", "#3f4487", "#3e4989", "#3c4d8a",
    "#3a528a", "#38568b", "#375b8c", "#355f8d", "#33648d", "#31688e", "#2f6c8e", "#2e6f8e",
    "#2c738e", "#2b778e", "#297b8e", "#287e8e", "#26828e", "#25868d", "#248a8d", "#238e8c",
    "#22928b", "#21968a", "#209a8a", "#1f9e89", "#22a287", "#25a584", "#28a982", "#2cac80",
    "#2fb07e", "#32b37b", "#35b779", "#3dba74", "#45be70", "#4dc16b", "#56c466", "#5ec761",
    "#66cb5d", "#6ece58", "#78d052", "#82d34b", "#8cd545", "#97d73e", "#a1d938", "#abdc31",
    "#b5de2b", "#bfdf2a", "#cae129", "#d4e228", "#dee328", "#e8e427", "#f3e626", "#fde725",
)  # fmt: skip


_SPECIAL = (OTHER_LABEL, MISSING_LABEL)


def encode_colors(
    values: Any, order: Sequence[Any] | None = None
) -> tuple[str, np.ndarray, list[str], list[float]]:
    """Encode one value per point for colouring: category codes or continuous values.

    Parameters
    ----------
    values : array-like of shape (N,)
        The column: a numpy array, a tensor or a sequence. Object arrays of ``str`` are read as
        they are (never widened to a fixed-width ``<U`` array).
    order : sequence, optional
        The categories in legend order, e.g. a dataset's label names; every value's name
        (``str(value)``) must be one of them. Names no value uses stay in the legend. With an
        order the column is categorical whatever its dtype.

    Returns
    -------
    kind : {"categorical", "continuous"}
        How the column is coloured.
    codes_or_values : numpy.ndarray of shape (N,)
        Categorical: the category index of each point, in the smallest unsigned dtype that holds
        it (``uint8`` up to 256 categories: at a million points 3 MB less to send than
        ``uint32``). Continuous: the values as ``float32``, NaN where missing.
    categories : list of str
        Categorical: the legend names, code ``k`` naming ``categories[k]``; :data:`OTHER_LABEL`
        and :data:`MISSING_LABEL` last when present. Continuous: ``[]``.
    value_range : list of float
        Categorical: ``[0, len(categories) - 1]``. Continuous: ``[min, max]`` of the finite
        values, ``[0, 1]`` if there are none.

    Raises
    ------
    TypeError
        If ``values`` is None or ``order`` is not a sequence of names.
    ValueError
        If ``values`` is not one-dimensional, or ``order`` repeats a name or misses a value's.

    Examples
    --------
    >>> encode_colors(np.array(["b", "a", None, "b"], dtype=object))[1:3]
    (array([1, 0, 2, 1], dtype=uint8), ['a', 'b', '(missing)'])
    """
    array = _column(values, "values")
    names = None if order is None else _check_order(order, "order")
    array, missing = _normalise(array)
    if names is not None:
        return _categorical(*_lookup(array, missing, names))
    if array.dtype.kind == "f":
        return _continuous(array, missing)
    if array.dtype.kind in "iu":
        present = array if missing is None else array[~missing]
        if np.unique(present).size > MAX_INTEGER_CATEGORIES:
            return _continuous(array, missing)
    if array.dtype == object:
        return _categorical(*_factorize(array, missing))
    present = array if missing is None else array[~missing]
    unique, inverse = np.unique(present, return_inverse=True)
    codes = np.full(len(array), -1, np.int64)
    codes[slice(None) if missing is None else ~missing] = inverse.reshape(-1)
    return _categorical([str(value) for value in unique.tolist()], codes)


def category_color(code: int, name: str | None = None) -> str:
    """Colour of category ``code`` (named ``name``), as ``categoryColor`` in ``colors.ts``.

    Parameters
    ----------
    code : int
        The category's code; the palette repeats past its 20 colours.
    name : str, optional
        The category's name: :data:`OTHER_LABEL` and :data:`MISSING_LABEL` have colours of their
        own.

    Returns
    -------
    str
        A ``#rrggbb`` colour.
    """
    if name == MISSING_LABEL:
        return MISSING_COLOR
    if name == OTHER_LABEL:
        return OTHER_COLOR
    return CATEGORICAL[code % len(CATEGORICAL)]


def category_colors(categories: Sequence[str]) -> list[str]:
    """One colour per category, in code order.

    Parameters
    ----------
    categories : sequence of str
        Category names as :func:`encode_colors` returns them.

    Returns
    -------
    list of str
        ``category_color(k, categories[k])`` for each ``k``.
    """
    return [category_color(code, name) for code, name in enumerate(categories)]


def continuous_range(
    values: Any, value_range: Sequence[float] | None = None
) -> tuple[float, float]:
    """Return the ``(low, high)`` a continuous column is mapped over, as ``continuousRange`` in JS.

    Parameters
    ----------
    values : array-like
        The column, used when ``value_range`` is missing or unusable.
    value_range : (float, float), optional
        ``encode_colors``'s range.

    Returns
    -------
    tuple of float
        ``value_range`` if finite with ``high >= low``, else the finite values' extent (``(0, 1)``
        if there are none); a zero-width range is widened to ``(low - 0.5, low + 0.5)``.
    """
    low, high = (float("nan"), float("nan"))
    if value_range is not None and len(value_range) == 2:
        low, high = float(value_range[0]), float(value_range[1])
    if not (np.isfinite(low) and np.isfinite(high) and high >= low):
        finite = np.asarray(values, dtype=np.float64)
        finite = finite[np.isfinite(finite)]
        if finite.size == 0:
            return 0.0, 1.0
        low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low - 0.5, low + 0.5)


def ramp_indices(values: Any, value_range: Sequence[float] | None = None) -> np.ndarray:
    """Index into :data:`RAMP` of each continuous value; ``len(RAMP)`` for NaN.

    The rule is Bokeh's ``LinearColorMapper`` (``floor((v - low) * (1 / span) / (1 / n))``,
    ``high`` itself in the top colour, values outside the range clamped to the ends), which
    ``js/src/colors.ts`` follows too.

    Parameters
    ----------
    values : array-like
        Continuous values, e.g. the ``float32`` array :func:`encode_colors` returns.
    value_range : (float, float), optional
        See :func:`continuous_range`.

    Returns
    -------
    numpy.ndarray
        ``int64`` indices in ``[0, len(RAMP)]``.
    """
    array = np.asarray(values).astype(np.float64)
    low, high = continuous_range(array, value_range)
    size = len(RAMP)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.floor((array - low) * (1 / (high - low)) / (1 / size))
        index = np.clip(np.nan_to_num(scaled, nan=0.0), 0, size - 1).astype(np.int64)
    index[array == high] = size - 1
    index[np.isnan(array)] = size
    return index


def point_colors(
    kind: str, encoded: Any, categories: Sequence[str], value_range: Sequence[float]
) -> np.ndarray:
    """Return each point's colour from :func:`encode_colors`'s result, as the widget draws it.

    Parameters
    ----------
    kind : {"categorical", "continuous"}
        First item of :func:`encode_colors`'s result.
    encoded : numpy.ndarray
        Category codes or continuous values.
    categories : sequence of str
        Category names (ignored for continuous columns).
    value_range : (float, float)
        Value range (ignored for categorical columns).

    Returns
    -------
    numpy.ndarray
        One ``#rrggbb`` string per point.

    Raises
    ------
    ValueError
        For another ``kind``, or a code with no category.
    """
    array = np.asarray(encoded)
    if kind == "categorical":
        palette = np.asarray(category_colors(categories), dtype=object)
        if array.size and (array.min() < 0 or array.max() >= len(palette)):
            raise ValueError(
                f"encoded holds codes up to {array.max()} but there are {len(palette)} categories"
            )
        return palette[array.astype(np.int64)]
    if kind == "continuous":
        palette = np.asarray([*RAMP, MISSING_COLOR], dtype=object)
        return palette[ramp_indices(array, value_range)]
    raise ValueError(f"kind must be 'categorical' or 'continuous'; got {kind!r}")


def _categorical(
    names: list[str], codes: np.ndarray
) -> tuple[str, np.ndarray, list[str], list[float]]:
    """Finish a categorical column: special categories last, then the bound on categories."""
    codes = np.asarray(codes, dtype=np.int64)
    missing = codes < 0
    if MISSING_LABEL in names:
        missing |= codes == names.index(MISSING_LABEL)
    counts = np.bincount(codes[~missing], minlength=len(names))
    special = [names.index(label) for label in _SPECIAL if label in names]
    real = np.delete(np.arange(len(names)), special)
    other = OTHER_LABEL in names
    has_missing = bool(missing.any()) or MISSING_LABEL in names
    room = MAX_CATEGORIES - has_missing
    if len(real) + other > room:
        real = real[counts[real] > 0]  # names of an order that no value uses go first
    lumped = len(real) + other > room
    if lumped:
        ranked = real[np.argsort(-counts[real], kind="stable")]
        real, other = ranked[: room - 1], True
    final = [names[i] for i in real] + [OTHER_LABEL] * other + [MISSING_LABEL] * has_missing
    remap = np.full(len(names) + 1, len(real), np.int64)  # dropped codes go to OTHER_LABEL
    remap[real] = np.arange(len(real))
    out = remap[np.where(missing, len(names), codes)]
    if has_missing:
        out[missing] = len(final) - 1
    count = len(final)
    dtype = np.uint8 if count <= 256 else np.uint16 if count <= 65536 else np.uint32
    return "categorical", out.astype(dtype), final, [0.0, float(max(count - 1, 0))]


def _continuous(
    array: np.ndarray, missing: np.ndarray | None
) -> tuple[str, np.ndarray, list[str], list[float]]:
    values = array.astype(np.float32)
    if missing is not None:
        values[missing] = np.nan
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    if missing is not None and array.dtype.kind != "f":
        finite = array[~missing]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return "continuous", values, [], [low, high]
