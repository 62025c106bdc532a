"""Pixel conversion behind :mod:`latentwidgets.render`: layouts, value ranges, images, signals."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import torch
from PIL import Image, ImageDraw

Layout = Literal["auto", "chw", "hwc", "signal"]
ValueRange = Literal["auto"] | tuple[float, float]

#: Width in pixels of the line image drawn for a 1-D signal.
SIGNAL_WIDTH = 128
#: Height in pixels of the line image drawn for a 1-D signal.
SIGNAL_HEIGHT = 48

_LAYOUTS = ("auto", "chw", "hwc", "signal")
_CHANNELS = (1, 3, 4)
_ACCEPTED_SHAPES = (
    "(H, W), (C, H, W) or (H, W, C) with C in {1, 3, 4}, or a signal (L,) or (C, L)"
    " (plus a leading batch dimension for a batch)"
)
# Okabe-Ito colours (colour-blind safe), darkest first; its yellow is swapped for grey, as yellow
# is unreadable on the white background.
_SIGNAL_COLOURS = (
    (0, 0, 0),
    (230, 159, 0),
    (86, 180, 233),
    (0, 158, 115),
    (0, 114, 178),
    (213, 94, 0),
    (204, 121, 167),
    (128, 128, 128),
)
_SIGNAL_MAX_CHANNELS = len(_SIGNAL_COLOURS)
_SIGNAL_PAD = 2


def _check_value_range(value_range: Any) -> ValueRange:
    if isinstance(value_range, str) and value_range == "auto":
        return "auto"
    if (
        isinstance(value_range, tuple | list)
        and len(value_range) == 2
        and all(isinstance(v, numbers.Real) and np.isfinite(float(v)) for v in value_range)
        and value_range[0] < value_range[1]
    ):
        return (float(value_range[0]), float(value_range[1]))
    raise ValueError(
        f"value_range must be 'auto' or a (lo, hi) pair of finite numbers with lo < hi;"
        f" got {value_range!r}"
    )


def _check_layout(layout: Any) -> Layout:
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {_LAYOUTS}; got {layout!r}")
    return layout


def _as_tensor(x: Any, name: str) -> torch.Tensor:
    """Turn an array-like into a tensor without copying when possible (never onto another device)."""
    if isinstance(x, torch.Tensor):
        tensor = x.detach()
    else:
        array = np.asarray(x)
        if array.dtype.kind == "u" and array.dtype.itemsize > 1:
            # torch lacks full support for wide unsigned ints: float32 holds any display value.
            array = array.astype(np.float32)
        elif array.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} must hold numbers (bool, int or float); got an array of dtype {array.dtype}"
            )
        if not array.flags.writeable or not array.dtype.isnative:
            # torch.from_numpy warns on read-only arrays and rejects non-native byte order.
            array = array.astype(array.dtype.newbyteorder("="), copy=True)
        tensor = torch.from_numpy(array)
    if tensor.is_complex() or tensor.is_sparse:
        raise TypeError(f"{name} must be a dense real tensor; got {tensor.dtype} {tensor.layout}")
    if tensor.dtype == torch.bool:
        tensor = tensor.to(torch.float32)
    return tensor


def _item_tensor(x: Any, layout: Layout, name: str) -> tuple[torch.Tensor, Layout]:
    """Convert one item; PIL images come back as HWC (or grey) so they are never read as signals."""
    if isinstance(x, Image.Image):
        if x.mode not in ("L", "RGB", "RGBA", "I", "I;16", "F"):
            x = x.convert("RGBA")
        return _as_tensor(np.asarray(x), name), "hwc"
    if not isinstance(x, torch.Tensor | np.ndarray):
        raise TypeError(
            f"{name} must be a torch.Tensor, numpy.ndarray or PIL.Image.Image; got {type(x).__name__}"
        )
    return _as_tensor(x, name), layout


def _batch_tensor(x: Any, layout: Layout) -> tuple[torch.Tensor, Layout]:
    if isinstance(x, torch.Tensor | np.ndarray):
        return _as_tensor(x, "x"), layout
    if not isinstance(x, Sequence) or isinstance(x, str) or len(x) == 0:
        raise TypeError(
            "x must be a torch.Tensor, numpy.ndarray or a non-empty sequence of items;"
            f" got {type(x).__name__}"
        )
    converted = [_item_tensor(item, layout, f"x[{i}]") for i, item in enumerate(x)]
    shapes = {tuple(tensor.shape) for tensor, _ in converted}
    if len(shapes) != 1:
        raise ValueError(
            f"the items of x must share one shape to form a batch; got {sorted(shapes)}"
        )
    return torch.stack([tensor for tensor, _ in converted]), converted[0][1]


def _looks_like_signal(shape: tuple[int, ...]) -> bool:
    rows, cols = shape
    return rows <= _SIGNAL_MAX_CHANNELS and cols >= 32 and cols >= 16 * rows


def _to_rgba(
    batch: torch.Tensor, value_range: ValueRange, layout: Layout, *, batched: bool
) -> np.ndarray:
    """Render a (B, ...) batch; ``batched`` says whether the caller handed in a batch or one item."""
    name, shape = (
        ("each item of x", tuple(batch.shape)) if batched else ("x", tuple(batch.shape[1:]))
    )
    reading = _reading(tuple(batch.shape[1:]), layout, name)
    if batch.numel() == 0:
        raise ValueError(f"x has no elements; got shape {shape}")
    if reading == "signal":
        return _signals_to_rgba(batch, value_range)
    return _images_to_rgba(_channels_last(batch, reading), value_range)


def _reading(
    shape: tuple[int, ...], layout: Layout, name: str
) -> Literal["grey", "chw", "hwc", "signal"]:
    """Decide how an item of ``shape`` is read, or raise an error naming what is accepted."""
    if len(shape) == 1:
        return "signal"
    if len(shape) == 2:
        if layout == "signal" or (layout == "auto" and _looks_like_signal(shape)):
            if shape[0] > _SIGNAL_MAX_CHANNELS:
                raise ValueError(
                    f"a (C, L) signal may have at most {_SIGNAL_MAX_CHANNELS} channels;"
                    f" got item shape {shape}"
                )
            return "signal"
        return "grey"
    if len(shape) == 3 and layout != "signal":
        if layout in ("auto", "chw") and shape[0] in _CHANNELS:
            return "chw"
        if layout in ("auto", "hwc") and shape[-1] in _CHANNELS:
            return "hwc"
    raise ValueError(
        f"cannot render {name} with shape {shape} and layout={layout!r};"
        f" accepted shapes: {_ACCEPTED_SHAPES}"
    )


def _channels_last(batch: torch.Tensor, reading: str) -> torch.Tensor:
    """View a (B, ...) image batch as (B, H, W, C); no copy."""
    if reading == "grey":
        return batch.unsqueeze(-1)
    if reading == "chw":
        return batch.permute(0, 2, 3, 1)
    return batch


def _data_range(batch: torch.Tensor) -> tuple[float, float]:
    """Min and max of the batch in one device sync; raises on NaN or infinite values."""
    lo, hi = torch.stack(torch.aminmax(batch)).tolist()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(
            f"x contains NaN or infinite values (min={lo}, max={hi});"
            " replace them first, e.g. with torch.nan_to_num"
        )
    return float(lo), float(hi)


def _auto_range(batch: torch.Tensor) -> tuple[float, float]:
    if batch.dtype == torch.uint8:
        return 0.0, 255.0
    lo, hi = _data_range(batch)
    if lo >= 0 and hi <= 1:
        return 0.0, 1.0
    if -1 <= lo < 0 and hi <= 1:
        return -1.0, 1.0
    if lo >= 0 and hi <= 255:
        return 0.0, 255.0
    return lo, hi


def _explicit_range(batch: torch.Tensor, value_range: tuple[float, float]) -> tuple[float, float]:
    if batch.is_floating_point():
        _data_range(batch)  # only to reject NaN and infinite values
    return value_range


def _images_to_rgba(batch: torch.Tensor, value_range: ValueRange) -> np.ndarray:
    """(B, H, W, C) tensor -> (B, H, W, 4) uint8 array, computed on the tensor's device."""
    lo, hi = _auto_range(batch) if value_range == "auto" else _explicit_range(batch, value_range)
    if batch.dtype == torch.uint8 and (lo, hi) == (0.0, 255.0):
        scaled = batch
    else:
        scale = 255.0 / (hi - lo) if hi > lo else 0.0
        # +0.5 then truncation rounds half up; torch's round/floor kernels were measured to stall
        # for ~10 ms on a busy 2-core CPU (they go multi-threaded even for tiny tensors).
        shifted = batch.to(torch.float32) - lo
        scaled = shifted.mul_(scale).clamp_(0, 255).add_(0.5).to(torch.uint8)
    size, height, width, channels = scaled.shape
    out = torch.empty((size, height, width, 4), dtype=torch.uint8, device=scaled.device)
    out[..., :3] = scaled[..., :3]
    out[..., 3] = scaled[..., 3] if channels == 4 else 255
    return out.cpu().numpy()


def _signals_to_rgba(batch: torch.Tensor, value_range: ValueRange) -> np.ndarray:
    """(B, L) or (B, C, L) signals -> (B, SIGNAL_HEIGHT, SIGNAL_WIDTH, 4) line images."""
    lo, hi = _data_range(batch) if value_range == "auto" else _explicit_range(batch, value_range)
    signals = batch.to(torch.float32).reshape(batch.shape[0], -1, batch.shape[-1]).cpu().numpy()
    length = signals.shape[-1]
    xs = np.linspace(0, SIGNAL_WIDTH - 1, length) if length > 1 else np.array([0.0])
    span = SIGNAL_HEIGHT - 1 - 2 * _SIGNAL_PAD
    # Higher values go up; a constant batch draws a flat line through the middle.
    ys = (
        _SIGNAL_PAD + (hi - np.clip(signals, lo, hi)) * (span / (hi - lo))
        if hi > lo
        else np.full_like(signals, SIGNAL_HEIGHT / 2)
    )
    out = np.empty((len(signals), SIGNAL_HEIGHT, SIGNAL_WIDTH, 4), dtype=np.uint8)
    for index, channels in enumerate(ys):
        image = Image.new("RGBA", (SIGNAL_WIDTH, SIGNAL_HEIGHT), (255, 255, 255, 255))
        draw = ImageDraw.Draw(image)
        for channel, colour in zip(channels, _SIGNAL_COLOURS, strict=False):
            points = np.stack([xs, channel], axis=1).ravel().tolist()
            if length == 1:
                draw.point(points, fill=colour)
            else:
                draw.line(points, fill=colour, width=1)
        out[index] = np.asarray(image)
    return out


def _describe(item: Any) -> str:
    if isinstance(item, torch.Tensor | np.ndarray):
        return f"{type(item).__name__} of shape {tuple(item.shape)}, dtype {item.dtype}"
    if isinstance(item, Image.Image):
        return f"PIL image {item.mode} {item.size[0]}x{item.size[1]}"
    return f"{type(item).__name__} {repr(item)[:80]}"
