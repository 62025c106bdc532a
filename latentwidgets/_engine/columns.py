"""Per-point columns (labels, metadata) the map is coloured by, and their colour encoding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .data import DataSource, as_column

MAX_LABEL_CHARS = 200
"""Longest label or category text kept; longer ones end in an ellipsis at this length.

Every distinct value goes to the legend and over the wire: 1 MB captions as labels made 12 MB of
legend text. 200 characters is more than a legend row shows, and enough to tell values apart.
"""


def cap_text(value: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``value`` cut to ``limit`` characters, its last one an ellipsis, where it is longer.

    Parameters
    ----------
    value : str
        A label or category.
    limit : int, default 200
        Most characters kept.

    Returns
    -------
    str
    """
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def _cap_strings(array: np.ndarray) -> np.ndarray:
    """The array with its long strings capped (a copy only where one is)."""
    if array.dtype.kind != "O" or not len(array):
        return array
    long = np.fromiter(
        (isinstance(v, str) and len(v) > MAX_LABEL_CHARS for v in array.ravel()),
        dtype=bool,
        count=array.size,
    ).reshape(array.shape)
    if not long.any():
        return array
    capped = array.copy()
    capped[long] = [cap_text(v) for v in array[long]]
    return capped


def collect_columns(
    source: DataSource,
    labels: Any,
    label_names: Sequence[str] | None,
    metadata: Mapping[str, Any] | None,
) -> tuple[np.ndarray | None, dict[str, np.ndarray], dict[str, list[str]]]:
    """Labels, every colour column (one value per point) and the legend order of named columns.

    Parameters
    ----------
    source : DataSource
        The data, encoded already (labels found in ``(x, y)`` or mapping items are known once its
        batches have run). Gives the number of points and, where an argument is None, the data's
        own labels, ``label_names`` and ``metadata``.
    labels : sequence, numpy array or torch.Tensor, optional
        One label per point; None takes the labels found in the data.
    label_names : sequence of str, optional
        Names of integer labels, ``label_names[k]`` naming label ``k``; they also fix the legend's
        order.
    metadata : mapping of str to sequence, optional
        Further columns, one value per point each.

    Returns
    -------
    tuple
        The label array (or None), the columns by name (``"label"`` first) and the legend order
        of the columns that have one.

    Raises
    ------
    TypeError
        If ``metadata`` is not a mapping, ``label_names`` not a sequence of names, or
        ``label_names`` is given for labels that are not integers.
    ValueError
        If labels or a metadata column do not hold one value per point, ``label_names`` is
        given without labels, or an integer label has no name.
    """
    n = len(source)
    explicit_names = label_names is not None
    if labels is None:
        labels = source.found_labels
    if label_names is None:
        label_names = source.label_names
    if metadata is None:
        metadata = source.metadata
    elif not isinstance(metadata, Mapping):
        raise TypeError(
            "metadata must be a mapping of column name to values, e.g. "
            f"{{'scale': [...]}}; got {type(metadata).__name__}"
        )
    columns: dict[str, np.ndarray] = {}
    orders: dict[str, list[str]] = {}
    label_array = None
    if labels is None and explicit_names:
        raise ValueError(
            "label_names names integer labels, but there are none: pass labels= as well"
        )
    if labels is not None:
        label_array = column_values(labels, "labels", n, cap=True)
        if label_names is not None:
            names = _check_names(label_names, label_array, explicit_names)
            if names is not None:
                columns["label"] = np.asarray(names, dtype=object)[label_array]
                orders["label"] = names
        columns.setdefault("label", label_array)
    for key, values in (metadata or {}).items():
        if key == "label" and "label" in columns:
            continue
        columns[str(key)] = column_values(values, f"metadata[{key!r}]", n, cap=True)
        label_order = orders.get("label")
        if label_order and _named_like(columns[str(key)], label_order):
            # the same categories as the labels (a dataset's "shape" beside its label): the same
            # legend order, so the same colours
            orders[str(key)] = label_order
    return label_array, columns, orders


def _named_like(column: np.ndarray, names: list[str]) -> bool:
    """Whether a column holds only strings that are among ``names``."""
    if column.dtype.kind not in "OUS" or not len(column):
        return False
    values = set(column.tolist())
    return all(isinstance(v, str) for v in values) and values <= set(names)


def _check_names(label_names: Any, labels: np.ndarray, explicit: bool) -> list[str] | None:
    """The names of integer labels as a list of str; None where the data's own names do not fit.

    Only names passed beside the labels must fit them: a data set's own ``label_names`` may
    describe other labels than those the user gives.
    """
    where = "label_names" if explicit else "label_names (found on the data)"
    if isinstance(label_names, str | bytes) or not isinstance(label_names, Sequence | np.ndarray):
        if not explicit:
            return None
        raise TypeError(
            "label_names must be a sequence of names, e.g. ['cat', 'dog']; got "
            f"{type(label_names).__name__} {label_names!r:.80}"
        )
    if labels.dtype.kind not in "iu":
        if not explicit:
            return None
        raise TypeError(
            f"label_names names integer labels 0..{len(label_names) - 1}, but labels are of dtype "
            f"{labels.dtype}; pass integer labels, or drop label_names"
        )
    names = [cap_text(str(name)) for name in label_names]
    if labels.size and not 0 <= labels.min() <= labels.max() < len(names):
        raise ValueError(
            f"{where} has {len(names)} names but labels run from {labels.min()} to "
            f"{labels.max()}: expected a name for every label in [0, {len(names)})"
        )
    return names


def column_values(values: Any, name: str, n: int, *, cap: bool = False) -> np.ndarray:
    """``values`` as a 1-D array of ``n`` values, strings as an object array (never widened).

    With ``cap``, strings longer than :data:`MAX_LABEL_CHARS` are cut there, ending in an
    ellipsis: what a colour column's legend (and the wire) gets. :func:`collect_columns` caps.

    Raises
    ------
    TypeError
        If ``values`` is None or a single string.
    ValueError
        If ``values`` does not hold exactly one value per item.
    """
    if values is None or isinstance(values, str | bytes):
        raise TypeError(
            f"{name} must hold one value per item ({n}), e.g. a list or array; got "
            f"{type(values).__name__} {values!r:.80}"
        )
    array = as_column(values)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(f"{name} must have one value per item ({n}); got shape {array.shape}")
    return _cap_strings(array) if cap else array
