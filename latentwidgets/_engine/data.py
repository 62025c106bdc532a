"""One way to batch and index every kind of data a user may hand in.

The encoder receives batches of the data as given (same dtype and layout, never rescaled or
transposed), except a list of PIL images, which has no tensor form of its own and becomes float
CHW in [0, 1] unless the user passes a ``transform``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, SequentialSampler
from torch.utils.data import default_collate as _default_collate

Transform = Callable[[Any], Any]


def _is_pil(item: Any) -> bool:
    return type(item).__module__.startswith("PIL.") and hasattr(item, "getbands")


def pil_to_tensor(image: Any) -> torch.Tensor:
    array = np.asarray(image)
    if array.ndim == 2:
        array = array[:, :, None]
    tensor = torch.from_numpy(array.copy()).permute(2, 0, 1)
    return tensor.float() / 255.0 if tensor.dtype == torch.uint8 else tensor.float()


def _is_label(value: Any) -> bool:
    if isinstance(value, torch.Tensor | np.ndarray):
        return value.ndim == 0
    return isinstance(value, int | float | str | np.generic)


def _collate(items: list[Any]) -> Any:
    if items and _is_pil(items[0]):
        return items
    if items and isinstance(items[0], tuple) and any(_is_pil(v) for v in items[0]):
        return [_collate(list(column)) for column in zip(*items, strict=True)]
    try:
        return _default_collate(items)
    except (TypeError, RuntimeError):
        return items


def to_device(batch: Any, device: torch.device) -> Any:
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, tuple | list) and batch and isinstance(batch[0], torch.Tensor):
        return type(batch)(to_device(v, device) for v in batch)
    return batch


def split(batch: Any) -> tuple[Any, Any] | None:
    """Halves of a batch, for out-of-memory retries; None where a batch cannot be split."""
    n = batch_len(batch)
    if n is None or n < 2:
        return None
    half = n // 2
    if isinstance(batch, dict):
        return {k: v[:half] for k, v in batch.items()}, {k: v[half:] for k, v in batch.items()}
    return batch[:half], batch[half:]


def batch_len(batch: Any) -> int | None:
    if isinstance(batch, torch.Tensor | np.ndarray | list | tuple):
        return len(batch)
    if isinstance(batch, dict) and batch:
        lengths = {len(v) for v in batch.values() if hasattr(v, "__len__")}
        return lengths.pop() if len(lengths) == 1 else None
    return None


class DataSource:
    """Uniform access to a tensor, array, Dataset, DataLoader, list of PIL images or any list."""

    def __init__(self, data: Any, *, transform: Transform | None = None) -> None:
        self.data = data
        self.transform = transform
        self._labels: np.ndarray | None = None
        self.kind = self._kind(data)
        self._length = self._len()
        if self._length == 0:
            raise ValueError("data is empty: expected at least one item, got 0")
        self._dataset_has_labels = self.kind in ("dataset", "loader") and self._probe_labels()

    @staticmethod
    def _kind(data: Any) -> str:
        if isinstance(data, torch.Tensor):
            if data.ndim == 0:
                raise ValueError("data must have one row per item; got a 0-d tensor")
            return "tensor"
        if isinstance(data, np.ndarray):
            if data.ndim == 0:
                raise ValueError("data must have one row per item; got a 0-d array")
            if data.dtype.kind not in "biuf":
                return "list"
            return "array"
        if isinstance(data, DataLoader):
            sampler = data.batch_sampler.sampler if data.batch_sampler is not None else data.sampler
            if isinstance(data.dataset, IterableDataset) or not isinstance(
                sampler, SequentialSampler
            ):
                raise ValueError(
                    "data: a DataLoader must visit its dataset in order (shuffle=False, no custom "
                    "sampler, not an IterableDataset) so that point i is item i; got a DataLoader with "
                    f"{type(sampler).__name__}"
                )
            return "loader"
        if isinstance(data, IterableDataset):
            raise TypeError(
                "data: an IterableDataset has no length or indexing; pass a map-style Dataset"
            )
        if isinstance(data, Dataset):
            if not hasattr(data, "__len__"):
                raise TypeError("data: the Dataset must define __len__")
            return "dataset"
        if isinstance(data, Sequence) and not isinstance(data, str | bytes):
            return "pil" if len(data) and _is_pil(data[0]) else "list"
        raise TypeError(
            "data must be a torch.Tensor, a numpy array, a torch Dataset or DataLoader, a list of PIL "
            f"images or a list of items; got {type(data).__name__}"
        )

    def _len(self) -> int:
        if self.kind == "loader":
            return len(self.data.dataset)
        return len(self.data)

    def __len__(self) -> int:
        return self._length

    def _dataset(self) -> Any:
        return self.data.dataset if self.kind == "loader" else self.data

    def _probe_labels(self) -> bool:
        first = self._dataset()[0]
        return isinstance(first, tuple | list) and len(first) == 2 and _is_label(first[1])

    @property
    def labels(self) -> np.ndarray | None:
        """Labels found in ``(x, y)`` items, once ``batches`` has run; None for other data."""
        return self._labels

    def item(self, index: int) -> Any:
        """The input item ``index`` as the user gave it (the ``x`` of an ``(x, y)`` item)."""
        if self.kind in ("dataset", "loader"):
            item = self._dataset()[index]
            return item[0] if self._dataset_has_labels else item
        return self.data[index]

    def batches(self, batch_size: int) -> Iterator[Any]:
        """Yield the batches the encoder receives, transform applied, in item order."""
        if self.kind in ("dataset", "loader"):
            yield from self._loader_batches(batch_size)
            return
        for start in range(0, len(self), batch_size):
            chunk = self.data[start : start + batch_size]
            if self.kind == "array":
                chunk = torch.as_tensor(chunk)
            yield self._prepare(chunk)

    def _loader_batches(self, batch_size: int) -> Iterator[Any]:
        loader = self.data
        if self.kind == "dataset":
            loader = DataLoader(
                self.data, batch_size=batch_size, shuffle=False, collate_fn=_collate
            )
        ys: list[np.ndarray] = []
        for batch in loader:
            x, y = self._split_xy(batch)
            if y is not None:
                ys.append(np.asarray(y.cpu() if isinstance(y, torch.Tensor) else y))
            yield self._prepare(x)
        if ys and self._dataset_has_labels:
            self._labels = np.concatenate(ys)

    def _split_xy(self, batch: Any) -> tuple[Any, Any]:
        if self._dataset_has_labels and isinstance(batch, tuple | list) and len(batch) == 2:
            return batch[0], batch[1]
        return batch, None

    def _prepare(self, batch: Any) -> Any:
        if self.transform is not None:
            return self.transform(batch)
        if isinstance(batch, list) and batch and _is_pil(batch[0]):
            return torch.stack([pil_to_tensor(image) for image in batch])
        return batch
