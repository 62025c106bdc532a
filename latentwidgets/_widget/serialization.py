"""Array traits, and arrays <-> the binary ``{view, dtype, shape}`` form anywidget sends as a buffer.

Mirrors ``js/src/codecs.ts``. WebGL has no float64 and JavaScript no int64, so both are narrowed here,
once, on the Python side.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import traitlets

_NARROW = {
    np.dtype(np.float64): np.dtype(np.float32),
    np.dtype(np.float16): np.dtype(np.float32),
    np.dtype(np.int64): np.dtype(np.int32),
    np.dtype(np.uint64): np.dtype(np.uint32),
    np.dtype(np.bool_): np.dtype(np.uint8),
}
_SUPPORTED = {"float32", "int32", "uint32", "uint8", "int8", "uint16", "int16"}


def narrow(array: Any) -> np.ndarray:
    """The array as it travels: a C-contiguous numpy array of a dtype the browser reads."""
    if isinstance(array, torch.Tensor):
        array = array.detach().cpu().numpy()
    array = np.asarray(array)
    array = array.astype(_NARROW.get(array.dtype, array.dtype), copy=False)
    if str(array.dtype) not in _SUPPORTED:
        raise TypeError(f"cannot send an array of dtype {array.dtype} to the browser")
    return np.ascontiguousarray(array)


def array_to_binary(array: Any, _widget: object = None) -> dict[str, Any] | None:
    if array is None:
        return None
    array = narrow(array)
    return {
        "view": memoryview(array).cast("B"),
        "dtype": str(array.dtype),
        "shape": list(array.shape),
    }


#: Most elements an array from the browser may hold (a selection of every point of a large map).
MAX_FROM_BROWSER = 2**31


def binary_to_array(value: Any, _widget: object = None) -> np.ndarray | None:
    """The array the browser sent as ``{view, dtype, shape}``, checked before it is read."""
    if value is None:
        return None
    if not isinstance(value, dict) or not {"view", "dtype", "shape"} <= value.keys():
        raise ValueError(
            f"an array from the browser must be {{view, dtype, shape}} or null; got {value!r:.80}"
        )
    if value["dtype"] not in _SUPPORTED:
        raise ValueError(f"dtype must be one of {sorted(_SUPPORTED)}; got {value['dtype']!r:.40}")
    shape = value["shape"]
    if not isinstance(shape, list) or not all(
        isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape
    ):
        raise ValueError(f"shape must be a list of sizes; got {shape!r:.60}")
    dtype = np.dtype(value["dtype"])
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    view = value["view"]
    if not isinstance(view, bytes | bytearray | memoryview):
        raise ValueError(f"the array's data must be a binary buffer; got {type(view).__name__}")
    if count > MAX_FROM_BROWSER or memoryview(view).nbytes != count * dtype.itemsize:
        raise ValueError(
            f"a buffer of {memoryview(view).nbytes} bytes cannot hold {value['dtype']} {shape}"
        )
    return np.frombuffer(bytes(view), dtype=dtype).reshape(shape)


array_serialization = {"to_json": array_to_binary, "from_json": binary_to_array}


class _ArrayTrait(traitlets.Any):
    """``traitlets.Any`` for arrays: assigning an array is always a change.

    traitlets decides whether to notify with ``old == new``, which for an array is an elementwise
    pass it cannot use (the result is ambiguous, so it notifies anyway); against ``None`` that pass
    takes 64 ms for a million points.
    """

    def set(self, obj: traitlets.HasTraits, value: Any) -> None:
        new_value = self._validate(obj, value)
        assert self.name is not None
        old_value = obj._trait_values.get(self.name, self.default_value)
        obj._trait_values[self.name] = new_value
        if old_value is None and new_value is None:
            return
        obj._notify_trait(self.name, old_value, new_value)


def array_trait(
    *, parts: tuple[str, ...] = (), browser: bool = False, **kwargs: Any
) -> traitlets.Any:
    """A synced trait holding an array (or ``None``), sent as one binary buffer.

    ``parts``: the parts of the page that redraw when it changes; ``browser``: whether the browser
    may write it (see ``synced`` in ``_widget/feature.py``).
    """
    return _ArrayTrait(None, allow_none=True, **kwargs).tag(
        sync=True, parts=parts, browser=browser, **array_serialization
    )
