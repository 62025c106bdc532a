"""What every built-in data set shares: argument checks, labels, metadata and the held-out split."""

from __future__ import annotations

import math
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.model_selection import train_test_split

_S = TypeVar("_S", bound="Splittable")


class Splittable:
    """Mixin for labelled data sets with ``subset``: a seeded, label-stratified held-out split."""

    labels: np.ndarray

    def __len__(self) -> int:
        raise NotImplementedError

    def subset(self: _S, indices: ArrayLike) -> _S:
        raise NotImplementedError

    def split(self: _S, test_fraction: float = 0.2, seed: int = 0) -> tuple[_S, _S]:
        """Split into a training and a held-out part, stratified by label.

        Parameters
        ----------
        test_fraction : float, default 0.2
            Fraction of samples that go to the held-out part, in ``(0, 1)``.
        seed : int, default 0
            Seed of the shuffle; the same seed always gives the same split.

        Returns
        -------
        tuple
            ``(train, test)``, each of this data set's type.
        """
        if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)):
            raise TypeError(f"test_fraction must be a float in (0, 1); got {test_fraction!r}")
        if not 0.0 < test_fraction < 1.0:
            raise ValueError(f"test_fraction must be a float in (0, 1); got {test_fraction}")
        n_test = math.ceil(test_fraction * len(self))
        if not 1 <= n_test < len(self):
            raise ValueError(
                f"test_fraction={test_fraction} leaves {n_test} of {len(self)} samples for "
                f"testing; both parts need at least one"
            )
        # Stratifying needs two samples of every label and room for every label in both parts;
        # tiny data sets fall back to a plain shuffle.
        counts = np.bincount(self.labels)
        n_classes = int((counts > 0).sum())
        feasible = counts[counts > 0].min() >= 2 and n_classes <= min(n_test, len(self) - n_test)
        train_idx, test_idx = train_test_split(
            np.arange(len(self)),
            test_size=n_test,
            random_state=seed,
            stratify=self.labels if feasible else None,
        )
        return self.subset(np.sort(train_idx)), self.subset(np.sort(test_idx))


def check_indices(indices: ArrayLike) -> np.ndarray:
    """Return ``indices`` as a 1-D integer array, or raise naming what was given."""
    idx = np.asarray(indices)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(
            f"indices must be a 1-D array of integers; got shape {idx.shape} and dtype {idx.dtype}"
        )
    return idx


def check_int(name: str, value: Any, *, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not an int of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value}")
    return int(value)


def as_labels(labels: Any, n: int, label_names: list[str], what: str = "images") -> np.ndarray:
    """Return ``labels`` as int64 ``(n,)``, checked against ``label_names``."""
    array = np.asarray(labels)
    if array.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) to match {what}; got {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"labels must be integers; got dtype {array.dtype}")
    if n and array.min() < 0:
        raise ValueError(f"labels must be non-negative; got minimum {int(array.min())}")
    if n and int(array.max()) >= len(label_names):
        raise ValueError(
            f"label_names must name every label; got {len(label_names)} names "
            f"for labels up to {int(array.max())}"
        )
    return array.astype(np.int64)


def as_metadata(metadata: dict[str, Any], n: int, what: str = "images") -> dict[str, np.ndarray]:
    """Return the metadata columns as arrays, each checked to have one row per sample."""
    columns = {}
    for key, value in metadata.items():
        array = np.asarray(value)
        if array.shape != (n,):
            raise ValueError(
                f"metadata[{key!r}] must have shape ({n},) to match {what}; got {array.shape}"
            )
        columns[key] = array
    return columns
