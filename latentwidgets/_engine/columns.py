"""Per-point columns (labels, metadata) the map is coloured by, and their colour encoding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .data import DataSource, as_column


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
        label_array = column_values(labels, "labels", n)
        if label_names is not None:
            names = _check_names(label_names, label_array, explicit_names)
            if names is not None:
                columns["label"] = np.asarray(names, dtype=object)[label_array]
                orders["label"] = names
        columns.setdefault("label", label_array)
    for key, values in (metadata or {}).items():
        if key == "label" and "label" in columns:
            continue
        columns[str(key)] = column_values(values, f"metadata[{key!r}]", n)
    return label_array, columns, orders


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
    names = [str(name) for name in label_names]
    if labels.size and not 0 <= labels.min() <= labels.max() < len(names):
        raise ValueError(
            f"{where} has {len(names)} names but labels run from {labels.min()} to "
            f"{labels.max()}: expected a name for every label in [0, {len(names)})"
        )
    return names


def column_values(values: Any, name: str, n: int) -> np.ndarray:
    """``values`` as a 1-D array of ``n`` values, strings as an object array (never widened).

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
    return array
