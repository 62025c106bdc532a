"""Arrays to pixels: RGBA images of items and batches, grids of them, and PNG bytes."""

from __future__ import annotations

import io
import numbers
from typing import Any

import numpy as np
from PIL import Image

from ._pixels import (
    _ACCEPTED_SHAPES,
    Layout,
    ValueRange,
    _batch_tensor,
    _check_layout,
    _check_value_range,
    _item_tensor,
    _to_rgba,
)


def to_rgba(x: Any, *, value_range: ValueRange = "auto", layout: Layout = "auto") -> np.ndarray:
    """Convert one item to a ``uint8`` ``(H, W, 4)`` RGBA array.

    Parameters
    ----------
    x : torch.Tensor, numpy.ndarray or PIL.Image.Image
        One image or signal in any layout listed in the module docstring, any device and dtype.
    value_range : "auto" or (float, float)
        How values map to 0..255; see the module docstring.
    layout : {"auto", "chw", "hwc", "signal"}
        How the axes are read; see the module docstring.

    Returns
    -------
    numpy.ndarray
        ``uint8`` array of shape ``(H, W, 4)``.

    Raises
    ------
    ValueError
        For an unsupported shape, NaN or infinite values, or a bad ``value_range`` / ``layout``.
    """
    value_range = _check_value_range(value_range)
    tensor, layout = _item_tensor(x, _check_layout(layout), "x")
    return _to_rgba(tensor.unsqueeze(0), value_range, layout, batched=False)[0]


def to_rgba_batch(
    x: Any, *, value_range: ValueRange = "auto", layout: Layout = "auto"
) -> np.ndarray:
    """Convert a batch of items to a ``uint8`` ``(B, H, W, 4)`` RGBA array in one go.

    The value range is detected once over the whole batch, so frames stay comparable. Scaling,
    clamping and the ``uint8`` conversion run in torch on the tensor's device; only the result
    is copied to the CPU.

    Parameters
    ----------
    x : torch.Tensor, numpy.ndarray or sequence of items
        A batch ``(B, ...)`` of items, or a sequence of equally shaped items (tensors, arrays,
        PIL images) that is stacked first.
    value_range : "auto" or (float, float)
        How values map to 0..255; see the module docstring.
    layout : {"auto", "chw", "hwc", "signal"}
        How the axes of each item are read; see the module docstring.

    Returns
    -------
    numpy.ndarray
        ``uint8`` array of shape ``(B, H, W, 4)``.

    Raises
    ------
    ValueError
        For an unsupported shape, NaN or infinite values, or a bad ``value_range`` / ``layout``.
    """
    value_range = _check_value_range(value_range)
    layout = _check_layout(layout)
    batch, layout = _batch_tensor(x, layout)
    if batch.ndim < 2:
        raise ValueError(
            f"x must be a batch of items, one of {_ACCEPTED_SHAPES}; got shape {tuple(batch.shape)}"
        )
    return _to_rgba(batch, value_range, layout, batched=True)


def image_grid(
    *rows: Any,
    scale: int = 6,
    value_range: ValueRange = "auto",
    layout: Layout = "auto",
) -> Image.Image:
    """Tile batches of images into one picture, one batch per row.

    For inputs over their reconstructions, interpolation frames, a model's worst cases. Each row is converted like :func:`to_rgba_batch`, with its own value range. Tiles are
    framed by a 1-pixel white border and enlarged ``scale`` times without smoothing, so small
    images stay crisp in a notebook.

    Parameters
    ----------
    *rows : torch.Tensor, numpy.ndarray or sequence of items
        Batches of equally many items of one shape, e.g. ``images[:8], decoder(codes[:8])``.
    scale : int, default 6
        Whole-number enlargement.
    value_range : "auto" or (float, float)
        How values map to 0..255; see the module docstring.
    layout : {"auto", "chw", "hwc", "signal"}
        How the axes of each item are read; see the module docstring.

    Returns
    -------
    PIL.Image.Image
        An RGBA image, shown as a picture by Jupyter.

    Raises
    ------
    ValueError
        With no rows, rows of different lengths or item sizes, or a ``scale`` below 1.
    """
    if not rows:
        raise ValueError("image_grid needs at least one row of images; got none")
    if isinstance(scale, bool) or not isinstance(scale, numbers.Integral) or scale < 1:
        raise ValueError(f"scale must be a whole number >= 1; got {scale!r}")
    tiles = [to_rgba_batch(row, value_range=value_range, layout=layout) for row in rows]
    shapes = [tile.shape for tile in tiles]
    if len(set(shapes)) > 1:
        listed = ", ".join(f"{n} x {h}x{w}" for n, h, w, _ in shapes)
        raise ValueError(f"rows must hold equally many images of one size; got {listed}")
    grid = np.pad(np.stack(tiles), ((0, 0), (0, 0), (1, 1), (1, 1), (0, 0)), constant_values=255)
    n_rows, n_columns, height, width, _ = grid.shape
    grid = grid.transpose(0, 2, 1, 3, 4).reshape(n_rows * height, n_columns * width, 4)
    image = Image.fromarray(grid)
    if scale == 1:
        return image
    return image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)


def rgba_to_png(rgba: np.ndarray) -> bytes:
    """Encode a ``uint8`` ``(H, W, 4)`` array as PNG bytes.

    Opaque grey images are stored as 8-bit grey and opaque colour images as RGB, which keeps
    thumbnails small; decoding and converting to RGBA gives back exactly ``rgba``. Uses
    ``compress_level=1``, which costs about half the time of the default level.

    Parameters
    ----------
    rgba : numpy.ndarray
        ``uint8`` array of shape ``(H, W, 4)``, e.g. from :func:`to_rgba`.

    Returns
    -------
    bytes
        The PNG file.
    """
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(
            f"rgba must be a uint8 array of shape (H, W, 4); got {rgba.dtype} {rgba.shape}"
        )
    if (rgba[..., 3] == 255).all():
        rgb = rgba[..., :3]
        if (rgb == rgb[..., :1]).all():
            image = Image.fromarray(np.ascontiguousarray(rgba[..., 0]), mode="L")
        else:
            image = Image.fromarray(np.ascontiguousarray(rgb), mode="RGB")
    else:
        image = Image.fromarray(rgba, mode="RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def to_png(x: Any, *, value_range: ValueRange = "auto", layout: Layout = "auto") -> bytes:
    """Render one item as PNG bytes; arguments as for :func:`to_rgba`.

    Returns
    -------
    bytes
        The PNG file.
    """
    return rgba_to_png(to_rgba(x, value_range=value_range, layout=layout))


def to_png_batch(
    x: Any, *, value_range: ValueRange = "auto", layout: Layout = "auto"
) -> list[bytes]:
    """Render a batch as one PNG per item; arguments as for :func:`to_rgba_batch`.

    Returns
    -------
    list of bytes
        One PNG file per item.
    """
    return [
        rgba_to_png(frame) for frame in to_rgba_batch(x, value_range=value_range, layout=layout)
    ]
