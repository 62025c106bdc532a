"""One way to batch and index every kind of data a user may hand in.

The encoder receives batches of the data as given (same dtype and layout, never rescaled or
transposed), except a list of PIL images, which has no tensor form of its own and becomes float
CHW in [0, 1] unless the user passes a ``transform``.

Items of a Dataset come in four forms, told apart by the first item: ``(x, y)`` with a scalar
label ``y``, a 1-tuple ``(x,)`` (as ``TensorDataset(x)`` gives), a mapping (labels read from a
``labels``/``label``/``y``/``target`` key, the whole mapping passed on) or a bare ``x``. The
encoder receives the ``x`` of the first two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, SequentialSampler
from torch.utils.data import default_collate as _default_collate

from .indices import check_index

Transform = Callable[[Any], Any]

LABEL_KEYS = ("labels", "label", "y", "target")
"""Keys of a mapping item that hold its label, in order of preference."""


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


def as_column(values: Any) -> np.ndarray:
    """A 1-D-or-more numpy array of ``values``, strings kept as an object array.

    numpy stores a ``<U`` array at the width of its longest string: one 20,000-character caption
    among 20,000 labels costs 1.6 GB and seconds to build, an object array of the same strings a
    few hundred kB.
    """
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    if isinstance(values, np.ndarray):
        return values.astype(object) if values.dtype.kind in "US" else values
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        return np.asarray(values)
    if any(isinstance(v, str | bytes) for v in values):
        return np.fromiter(values, dtype=object, count=len(values))
    return np.asarray(values)


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
    return head(batch, half), _tail(batch, half)


def head(batch: Any, k: int) -> Any:
    """The first ``k`` items of a batch that :func:`batch_len` can measure."""
    if isinstance(batch, dict):
        return {key: value[:k] for key, value in batch.items()}
    return batch[:k]


def _tail(batch: Any, k: int) -> Any:
    if isinstance(batch, dict):
        return {key: value[k:] for key, value in batch.items()}
    return batch[k:]


def batch_len(batch: Any) -> int | None:
    if isinstance(batch, torch.Tensor | np.ndarray | list | tuple):
        return len(batch)
    if isinstance(batch, dict) and batch:
        lengths = {len(v) for v in batch.values() if hasattr(v, "__len__")}
        return lengths.pop() if len(lengths) == 1 else None
    return None


def first_tensor(batch: Any) -> torch.Tensor | None:
    """The batch itself, or the first floating-point (else any) tensor in its tuple, list or dict.

    Floating point first: in ``{"labels": ..., "data": ...}`` the data is what a dtype is asked of.
    """
    if isinstance(batch, torch.Tensor):
        return batch
    values = list(batch.values()) if isinstance(batch, Mapping) else batch
    if not isinstance(values, tuple | list):
        return None
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    return next((t for t in tensors if t.is_floating_point()), tensors[0] if tensors else None)


def _image_mismatch(images: Sequence[Any], start: int) -> ValueError | None:
    """The error for the first image whose size or channel count differs from the first's."""
    first = images[0]
    for offset, image in enumerate(images):
        if image.size != first.size or len(image.getbands()) != len(first.getbands()):
            return ValueError(
                f"data: PIL images must share one size and mode to be stacked into a batch; image "
                f"{start} is {first.size[0]}x{first.size[1]} {first.mode} and image "
                f"{start + offset} is {image.size[0]}x{image.size[1]} {image.mode}. Pass a "
                "transform that resizes, e.g. transform=lambda images: torch.stack("
                "[torchvision.transforms.functional.to_tensor(im.convert('RGB').resize((64, 64))) "
                "for im in images])"
            )
    return None


def _item_form(first: Any) -> tuple[str, str | None]:
    """The form of a Dataset's items, judged by the first, and the key of a mapping's label."""
    if isinstance(first, tuple | list):
        if len(first) == 1:
            return "x", None
        if len(first) == 2 and _is_label(first[1]):
            return "xy", None
    if isinstance(first, Mapping):
        key = next((k for k in LABEL_KEYS if k in first and _is_label(first[k])), None)
        if key is not None:
            return "dict", key
    return "plain", None


def _numeric(array: np.ndarray) -> bool:
    """Whether an object array holds only numbers (and so converts to a float array)."""
    return all(
        isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in array.flat
    )


def per_item_hint(batch: Any) -> str | None:
    """Describe a batch of per-item arrays and how to make it one array; None for other batches.

    An object array, or a list, whose items are arrays or tensors reaches the encoder as a
    collection instead of one ``(B, ...)`` array. The text says whether the items share a shape
    (then ``np.stack`` / ``torch.stack`` makes the batch) or are ragged (then they need padding
    or resizing to one shape, or a ``transform`` that makes a batch of them).

    Parameters
    ----------
    batch : Any
        A batch as the encoder would receive it.

    Returns
    -------
    str or None
        ``"<n> per-item arrays ...: <fix>"``, to follow e.g. ``"data is a list of "``.
    """
    is_array = isinstance(batch, np.ndarray) and batch.dtype.kind == "O" and batch.ndim == 1
    if not (is_array or isinstance(batch, list | tuple)) or not len(batch):
        return None
    items = list(batch)
    if not all(isinstance(v, np.ndarray | torch.Tensor) for v in items):
        return None
    shapes = list(dict.fromkeys(tuple(v.shape) for v in items))
    stack = (
        "torch.stack(list(data))" if isinstance(items[0], torch.Tensor) else "np.stack(list(data))"
    )
    if len(shapes) == 1:
        return (
            f"{len(items)} per-item arrays of shape {shapes[0]}, which the encoder cannot take as "
            f"one batch: stack them into one (N, ...) array first, data = {stack}"
        )
    listed = ", ".join(map(str, shapes[:4])) + (", ..." if len(shapes) > 4 else "")
    return (
        f"{len(items)} ragged per-item arrays ({len(shapes)} shapes: {listed}), which cannot "
        "make one batch array: pad or resize them to one shape and stack them "
        f"(data = {stack}), or pass them as a list with transform= that turns a list of items "
        "into the batch the encoder takes"
    )


def _stack_images(images: list[Any], start: int) -> torch.Tensor:
    error = _image_mismatch(images, start)
    if error is not None:
        raise error
    return torch.stack([pil_to_tensor(image) for image in images])


class DataSource:
    """Uniform access to a tensor, array, Dataset, DataLoader, list of PIL images or any list.

    Parameters
    ----------
    data : tensor, array, Dataset, DataLoader, list of PIL images or list
        The items, in the order that gives each its index.
    transform : callable, optional
        Applied to each batch before the encoder receives it.

    Raises
    ------
    TypeError
        If ``data`` is of no supported kind or ``transform`` is not callable.
        Also, without a ``transform``, if ``data`` is a numpy object array of per-item arrays
        (the message says whether they share a shape, and how to stack them).
    ValueError
        If ``data`` is empty, 0-d, a DataLoader that does not visit every item once in order, or a
        list of PIL images of different sizes without a ``transform``.
    """

    def __init__(self, data: Any, *, transform: Transform | None = None) -> None:
        if transform is not None and not callable(transform):
            raise TypeError(
                f"transform must be a callable batch -> batch, or None; got {type(transform).__name__}"
            )
        self.data = data
        self.transform = transform
        self._found: list[np.ndarray] = []
        self.kind = self._kind(data)
        self._length = self._len()
        if self._length == 0:
            raise ValueError("data is empty: expected at least one item, got 0")
        self._form, self._key = (
            _item_form(self._dataset()[0])
            if self.kind in ("dataset", "loader")
            else ("plain", None)
        )
        if self.kind == "pil" and transform is None:
            self._check_images()
        if isinstance(data, np.ndarray) and data.dtype.kind == "O" and transform is None:
            hint = per_item_hint(data)
            if hint is not None:
                raise TypeError(f"data is a numpy object array of {hint}")
            if _numeric(data):
                raise TypeError(
                    f"data is a numpy object array of numbers, shape {data.shape}, which torch "
                    "cannot take: convert it, data = data.astype(np.float32)"
                )

    @classmethod
    def of_items(cls, items: Any, n: int) -> DataSource:
        """The inputs behind ``n`` codes computed elsewhere: data as above, a callable, or None.

        A callable ``index -> item`` loads one item when it is shown (an image from disk); with
        None there are no inputs to show or compare with.
        """
        if items is not None and not callable(items):
            source = cls(items)
            if len(source) != n:
                raise ValueError(f"items must hold one item per code ({n}); got {len(source)}")
            return source
        if isinstance(items, torch.nn.Module):
            raise TypeError("items must be the inputs or a callable index -> item; got a model")
        source = cls.__new__(cls)
        source.data, source.transform, source._found = items, None, []
        source.kind, source._length = ("none" if items is None else "lazy"), n
        source._form, source._key = "plain", None
        return source

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
            _check_loader(data)
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

    def _check_images(self) -> None:
        # Sizes are read from the image headers, so the whole list is checked up front for the
        # price of an attribute look-up per image, instead of failing in torch.stack mid-encode.
        for index, image in enumerate(self.data):
            if not _is_pil(image):
                raise TypeError(
                    f"data: item 0 is a PIL image, so every item must be one; item {index} is a "
                    f"{type(image).__name__}"
                )
        error = _image_mismatch(self.data, 0)
        if error is not None:
            raise error

    @property
    def found_labels(self) -> np.ndarray | None:
        """Labels of the data: from ``(x, y)`` or mapping items once ``batches`` has run, else the
        data's own ``labels`` attribute; None where there are none."""
        if self._found:
            return np.concatenate(self._found)
        found = getattr(self._dataset(), "labels", None)
        return None if found is None or callable(found) else as_column(found)

    @property
    def label_names(self) -> Sequence[str] | None:
        """The data's ``label_names`` attribute (names of integer labels), or None."""
        names = getattr(self._dataset(), "label_names", None)
        return None if names is None or callable(names) else names

    @property
    def metadata(self) -> Mapping[str, Any] | None:
        """The data's ``metadata`` attribute when it is a mapping of columns, else None."""
        found = getattr(self._dataset(), "metadata", None)
        return found if isinstance(found, Mapping) else None

    def item(self, index: int) -> Any:
        """The input item ``index`` as the user gave it (the ``x`` of an ``(x, y)`` or ``(x,)`` item)."""
        index = check_index(index, len(self), "index")
        if self.kind == "none":
            return None
        if self.kind == "lazy":
            return self.data(index)
        if self.kind in ("dataset", "loader"):
            item = self._dataset()[index]
            return item[0] if self._form in ("x", "xy") else item
        return self.data[index]

    def batches(self, batch_size: int) -> Iterator[Any]:
        """Yield the batches the encoder receives, transform applied, in item order."""
        if self.kind in ("dataset", "loader"):
            yield from self._loader_batches(batch_size)
            return
        if self.kind == "none":
            raise ValueError(
                "there are no inputs behind these codes: pass items= (a sequence or a callable "
                "index -> item) to LatentExplorer.from_latents"
            )
        if self.kind == "lazy":
            for start in range(0, len(self), batch_size):
                stop = min(start + batch_size, len(self))
                yield self._prepare(_collate([self.data(i) for i in range(start, stop)]), start)
            return
        for start in range(0, len(self), batch_size):
            chunk = self.data[start : start + batch_size]
            if self.kind == "array":
                chunk = torch.as_tensor(chunk)
            yield self._prepare(chunk, start)

    def _loader_batches(self, batch_size: int) -> Iterator[Any]:
        loader = self.data
        if self.kind == "dataset":
            loader = DataLoader(
                self.data, batch_size=batch_size, shuffle=False, collate_fn=_collate
            )
        found: list[np.ndarray] = []
        start = 0
        for batch in loader:
            x, y = self._split_xy(batch)
            if y is not None:
                found.append(as_column(y))
            yield self._prepare(x, start)
            start += batch_len(x) or 0
        self._found = found

    def _split_xy(self, batch: Any) -> tuple[Any, Any]:
        if self._form == "xy" and isinstance(batch, tuple | list) and len(batch) == 2:
            return batch[0], batch[1]
        if self._form == "x" and isinstance(batch, tuple | list) and len(batch) == 1:
            return batch[0], None
        if self._form == "dict" and isinstance(batch, Mapping):
            return batch, batch.get(self._key)
        return batch, None

    def _prepare(self, batch: Any, start: int) -> Any:
        if self.transform is not None:
            return self.transform(batch)
        if isinstance(batch, list) and batch and _is_pil(batch[0]):
            return _stack_images(batch, start)
        return batch


def _check_loader(loader: DataLoader) -> None:
    # a DataLoader's batch_sampler is typed as any iterable of lists; its own BatchSampler has one
    batch_sampler = loader.batch_sampler
    sampler = getattr(batch_sampler, "sampler", None) if batch_sampler is not None else None
    sampler = sampler if sampler is not None else loader.sampler
    if isinstance(loader.dataset, IterableDataset) or not isinstance(sampler, SequentialSampler):
        raise ValueError(
            "data: a DataLoader must visit its dataset in order (shuffle=False, no custom "
            "sampler, not an IterableDataset) so that point i is item i; got a DataLoader with "
            f"{type(sampler).__name__}"
        )
    if loader.batch_size is None:
        raise ValueError(
            "data: a DataLoader with batch_size=None yields single items without a batch "
            "dimension; expected a batching DataLoader, e.g. DataLoader(dataset, batch_size=64)"
        )
    if loader.drop_last:
        raise ValueError(
            "data: a DataLoader with drop_last=True skips the last items, so points would not "
            "match items; pass drop_last=False"
        )
