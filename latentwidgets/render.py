"""Turn decoded outputs (or raw input items) into pixels a browser can show.

The hot path is :func:`to_rgba_batch`: one vectorised conversion of a whole batch of decoded frames,
done in torch on the tensor's own device; only the final ``uint8`` RGBA array is moved to the CPU.

Layouts
-------
An item is a 2-D grey image ``(H, W)``, a 3-D image ``(C, H, W)`` (CHW) or ``(H, W, C)`` (HWC) with
``C`` in {1, 3, 4}, or a 1-D signal ``(L,)`` / ``(C, L)``. A batch adds a leading dimension.
``layout="auto"`` picks CHW when the first axis has 1, 3 or 4 entries, else HWC when the last one has;
when both could hold channels (e.g. ``(3, 32, 4)``) CHW wins, as torch models produce CHW.
``"chw"`` / ``"hwc"`` force the 3-D reading and make 2-D items grey images; ``"signal"`` makes 2-D items
``(C, L)`` signals. Under ``"auto"`` a 2-D item with at most 8 rows and at least 16 times as many
columns as rows (and at least 32 columns) is read as a ``(C, L)`` signal, any other as a grey image.
1-D items are always signals. PIL images are always read as images.

Value ranges
------------
``value_range="auto"`` looks at the data (of the whole batch at once, so frames stay comparable):

==============================================  ==================
data                                            mapped to 0..255
==============================================  ==================
``uint8`` dtype                                 ``[0, 255]``
min >= 0 and max <= 1 (also ``bool``)           ``[0, 1]``
-1 <= min < 0 and max <= 1                      ``[-1, 1]``
min >= 0 and 1 < max <= 255                     ``[0, 255]``
anything else                                   ``[min, max]``
==============================================  ==================

A constant batch that falls in the last row renders black. An explicit ``(lo, hi)`` maps ``lo`` to 0
and ``hi`` to 255, clamping outside values. Values are rounded half up. Alpha channels are scaled
like the colour channels.
NaN or infinite values raise a ``ValueError`` rather than being guessed at.

1 channel becomes grey, 3 channels RGB with alpha 255, 4 channels RGBA. Signals are drawn as a
line image of :data:`SIGNAL_WIDTH` x :data:`SIGNAL_HEIGHT` pixels on white, one colour per channel,
scaled to the min..max of the batch under ``"auto"``.
"""

from __future__ import annotations

import io
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from PIL import Image

from ._pixels import (
    _ACCEPTED_SHAPES,
    SIGNAL_HEIGHT,
    SIGNAL_WIDTH,
    Layout,
    ValueRange,
    _batch_tensor,
    _check_layout,
    _check_value_range,
    _describe,
    _item_tensor,
    _to_rgba,
)

__all__ = [
    "MAX_TEXT_CHARS",
    "SIGNAL_HEIGHT",
    "SIGNAL_WIDTH",
    "Layout",
    "Preview",
    "PreviewFunctionError",
    "PreviewRenderer",
    "ValueRange",
    "image_grid",
    "rgba_to_png",
    "to_png",
    "to_png_batch",
    "to_rgba",
    "to_rgba_batch",
]

#: Longest text a :class:`Preview` carries; longer text is cut and ends with an ellipsis.
MAX_TEXT_CHARS = 500


class PreviewFunctionError(RuntimeError):
    """Raised when a user's ``preview_fn`` fails; the original exception is its ``__cause__``."""


@dataclass(frozen=True)
class Preview:
    """One rendered item: an RGBA image or a piece of text.

    Attributes
    ----------
    kind : {"image", "text"}
        What the item rendered as.
    width, height : int
        Image size in pixels (0 for text).
    rgba : bytes or None
        ``height * width * 4`` bytes, row-major RGBA, for images.
    text : str or None
        At most :data:`MAX_TEXT_CHARS` characters, for text.
    """

    kind: Literal["image", "text"]
    width: int = 0
    height: int = 0
    rgba: bytes | None = field(default=None, repr=False)
    text: str | None = None

    @classmethod
    def from_rgba(cls, rgba: np.ndarray) -> Preview:
        """Wrap a ``uint8`` ``(H, W, 4)`` array as an image preview."""
        height, width, _ = rgba.shape
        return cls("image", width=width, height=height, rgba=rgba.tobytes())

    @classmethod
    def from_text(cls, text: str) -> Preview:
        """Wrap text as a text preview, cut to :data:`MAX_TEXT_CHARS` characters."""
        if len(text) > MAX_TEXT_CHARS:
            text = text[: MAX_TEXT_CHARS - 1] + "…"
        return cls("text", text=text)

    def to_array(self) -> np.ndarray:
        """Return the image as a ``uint8`` ``(H, W, 4)`` array (a read-only view of ``rgba``)."""
        if self.rgba is None:
            raise ValueError(f"a {self.kind!r} preview has no pixels")
        return np.frombuffer(self.rgba, dtype=np.uint8).reshape(self.height, self.width, 4)

    def to_png(self) -> bytes:
        """Encode the image as PNG bytes (see :func:`rgba_to_png`)."""
        return rgba_to_png(self.to_array())


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


class PreviewRenderer:
    """Render items (decoded outputs or raw inputs) as :class:`Preview` objects.

    Tensors, arrays and PIL images become images (1-D ones a line image, 0-d ones text of their
    value), ``str`` becomes text and anything else its ``repr``.

    Parameters
    ----------
    preview_fn : callable, optional
        ``preview_fn(item)`` returning a PIL image, array, tensor or ``str``; when given, its result
        is rendered instead of the item. A failure raises :class:`PreviewFunctionError`.
    value_range : "auto" or (float, float)
        Passed to :func:`to_rgba_batch`.
    layout : {"auto", "chw", "hwc", "signal"}
        Passed to :func:`to_rgba_batch`.
    max_size : int, optional
        Downscale images whose longer side exceeds this many pixels (keeping the aspect ratio).
        Small images are never upscaled: the browser does that with ``image-rendering: pixelated``.
    """

    def __init__(
        self,
        preview_fn: Callable[[Any], Any] | None = None,
        value_range: ValueRange = "auto",
        layout: Layout = "auto",
        max_size: int | None = None,
    ) -> None:
        if preview_fn is not None and not callable(preview_fn):
            raise TypeError(
                f"preview_fn must be a callable or None; got {type(preview_fn).__name__}"
            )
        if max_size is not None and (
            isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1
        ):
            raise ValueError(f"max_size must be a positive int or None; got {max_size!r}")
        self.preview_fn = preview_fn
        self.value_range = _check_value_range(value_range)
        self.layout = _check_layout(layout)
        self.max_size = max_size

    def render(self, item: Any) -> Preview:
        """Render one item.

        Parameters
        ----------
        item : Any
            A tensor, array, PIL image, str or any object.

        Returns
        -------
        Preview
            The rendered preview.
        """
        if self.preview_fn is not None:
            item = self._call_preview_fn(item, "the item")
        return self._render_item(item)

    def render_batch(self, batch: Any) -> list[Preview]:
        """Render every item of a batch.

        A tensor or array batch without ``preview_fn`` goes through :func:`to_rgba_batch` in one
        vectorised call with one value range for the whole batch; anything else is rendered item
        by item.

        Parameters
        ----------
        batch : torch.Tensor, numpy.ndarray or iterable
            The items.

        Returns
        -------
        list of Preview
            One preview per item.
        """
        if (
            self.preview_fn is None
            and isinstance(batch, torch.Tensor | np.ndarray)
            and batch.ndim >= 2
        ):
            frames = to_rgba_batch(batch, value_range=self.value_range, layout=self.layout)
            return [self._image(frame) for frame in frames]
        previews = []
        for index, item in enumerate(batch):
            shown = item
            if self.preview_fn is not None:
                shown = self._call_preview_fn(item, f"item {index}")
            previews.append(self._render_item(shown))
        return previews

    def render_frames(self, frames: Any) -> np.ndarray:
        """Render a batch of frames as one ``(F, H, W, 4)`` ``uint8`` array of equal-size images.

        Parameters
        ----------
        frames : torch.Tensor, numpy.ndarray or sequence
            Decoded frames, e.g. an interpolation path.

        Returns
        -------
        numpy.ndarray
            The frames' RGBA pixels, through ``preview_fn`` when there is one.

        Raises
        ------
        ValueError
            If ``preview_fn`` turns the frames into text or into images of different sizes.
        """
        if self.preview_fn is None:
            return to_rgba_batch(frames, value_range=self.value_range, layout=self.layout)
        previews = self.render_batch(frames)
        sizes = {(p.kind, p.width, p.height) for p in previews}
        if len(sizes) != 1 or previews[0].kind != "image":
            raise ValueError(
                "preview_fn must turn every frame into an image of one size; got "
                f"{sorted(sizes, key=str)}"
            )
        return np.stack([p.to_array() for p in previews])

    def _call_preview_fn(self, item: Any, which: str) -> Any:
        assert self.preview_fn is not None
        try:
            return self.preview_fn(item)
        except Exception as error:
            raise PreviewFunctionError(
                f"preview_fn failed on {which} ({_describe(item)}): {type(error).__name__}: {error}"
            ) from error

    def _render_item(self, item: Any) -> Preview:
        if isinstance(item, str):
            return Preview.from_text(item)
        if isinstance(item, torch.Tensor | np.ndarray) and item.ndim == 0:
            return Preview.from_text(str(item.item()))
        if isinstance(item, torch.Tensor | np.ndarray | Image.Image):
            return self._image(to_rgba(item, value_range=self.value_range, layout=self.layout))
        return Preview.from_text(repr(item))

    def _image(self, rgba: np.ndarray) -> Preview:
        height, width, _ = rgba.shape
        if self.max_size is not None and max(height, width) > self.max_size:
            image = Image.fromarray(rgba, mode="RGBA")
            image.thumbnail((self.max_size, self.max_size), Image.Resampling.LANCZOS)
            rgba = np.asarray(image)
        return Preview.from_rgba(rgba)
