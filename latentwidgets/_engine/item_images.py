"""New images made into items like the data's, for the encoder: a dropped file, a sketch, a PIL image.

The data's items set the form: channels, size, value range and which way round ink and background
are. A photo of a dark digit on white paper becomes an 8 x 8 white-on-black item when the data's
digits are white on black, so that the encoder sees what it was trained on.
"""

from __future__ import annotations

import io
import pathlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .data import DataSource, _is_pil

#: Largest image file taken (a dropped file, a path).
MAX_IMAGE_BYTES = 10 * 2**20
#: Most pixels an image file may decode to (a small file can claim a huge image).
MAX_IMAGE_PIXELS = 50_000_000
#: Items read to learn the data's value range and background.
_REFERENCE_ITEMS = 32


def open_image(source: str | pathlib.Path | bytes, name: str = "item") -> Any:
    """A PIL image from a file path or the file's bytes, within 10 MB and 50M pixels.

    Raises
    ------
    FileNotFoundError
        If a path names no file.
    ValueError
        If the file is too large or is not an image PIL can read.
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(source, bytes | bytearray | memoryview):
        data, label = bytes(source), "the file"
    else:
        path = pathlib.Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"{name}: no image file at {str(source)!r}")
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise ValueError(
                f"{name}: {str(source)!r} is {path.stat().st_size / 2**20:.1f} MB; images up to "
                f"{MAX_IMAGE_BYTES // 2**20} MB are taken"
            )
        data, label = path.read_bytes(), repr(str(source))
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(
            f"{name}: {label} is {len(data) / 2**20:.1f} MB; images up to "
            f"{MAX_IMAGE_BYTES // 2**20} MB are taken"
        )
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise ValueError(
                f"{name}: {label} is {image.width} x {image.height} pixels; at most "
                f"{MAX_IMAGE_PIXELS:,} are taken"
            )
        image.load()
    except UnidentifiedImageError:
        raise ValueError(
            f"{name}: {label} is not an image that can be read (PNG, JPEG, GIF, BMP, WebP...)"
        ) from None
    except (OSError, Image.DecompressionBombError) as error:
        raise ValueError(f"{name}: {label} could not be read as an image: {error}") from None
    return image


@dataclass(frozen=True)
class ItemForm:
    """The shape, value range and background of the data's image items."""

    shape: tuple[int, ...]
    channels: int
    height: int
    width: int
    lo: float
    hi: float
    dark_background: bool
    dtype: torch.dtype
    pil: bool = False

    @classmethod
    def of(cls, source: DataSource) -> ItemForm | None:
        """The form of ``source``'s items, or None where they are not images (or there are none)."""
        if source.kind == "none" or len(source) == 0:
            return None
        first = source.item(0)
        if _is_pil(first):
            channels = len(first.getbands())
            return cls((channels, first.height, first.width), channels, first.height,
                       first.width, 0.0, 1.0, _dark(np.asarray(first.convert("L")) / 255.0),
                       torch.float32, pil=True)  # fmt: skip
        if not isinstance(first, torch.Tensor | np.ndarray):
            return None
        shape = tuple(first.shape)
        picked = np.linspace(0, len(source) - 1, min(len(source), _REFERENCE_ITEMS)).astype(int)
        items = torch.stack([torch.as_tensor(source.item(int(i))) for i in picked]).float()
        grid = _as_chw(items[0])
        if grid is None:
            return None
        channels, height, width = grid
        lo, hi = float(items.min()), float(items.max())
        span = hi - lo or 1.0
        grey = ((items - lo) / span).reshape(len(items), channels, height, width).mean(dim=1)
        return cls(shape, channels, height, width, lo, hi, _dark(grey.numpy()),
                   torch.as_tensor(first).dtype)  # fmt: skip

    @property
    def sketchable(self) -> bool:
        """Whether a sketch pad can draw items: one channel, at most 64 x 64."""
        return self.channels == 1 and self.height <= 64 and self.width <= 64 and not self.pil

    def from_image(self, image: Any) -> Any:
        """A PIL image as one item of this form (a PIL image where the data's items are)."""
        mode = "L" if self.channels == 1 else "RGB"
        resized = image.convert(mode).resize((self.width, self.height), _lanczos())
        pixels = np.asarray(resized, dtype=np.float32) / 255.0
        grey = pixels if pixels.ndim == 2 else pixels.mean(axis=2)
        if _dark(grey) != self.dark_background:
            pixels = 1.0 - pixels
        if self.pil:
            from PIL import Image

            return Image.fromarray(np.round(pixels * 255).astype(np.uint8), mode)
        chw = pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)
        return self._item(chw)

    def from_pixels(self, ink: np.ndarray) -> torch.Tensor:
        """A sketch, ``(H, W)`` ink amounts in [0, 1] (1: ink), as one item of this form."""
        pixels = np.clip(np.asarray(ink, np.float32).reshape(self.height, self.width), 0, 1)
        if not self.dark_background:  # ink is dark where the data's background is light
            pixels = 1.0 - pixels
        return self._item(pixels[None])

    def _item(self, chw: np.ndarray) -> torch.Tensor:
        values = torch.from_numpy(np.ascontiguousarray(chw)) * (self.hi - self.lo) + self.lo
        return values.reshape(self.shape).to(self.dtype)


def _as_chw(item: torch.Tensor) -> tuple[int, int, int] | None:
    """(C, H, W) of an image item: (C, H, W), (H, W), or a flat square grey image."""
    shape = tuple(item.shape)
    if len(shape) == 3 and shape[0] in (1, 3, 4):
        return shape[0], shape[1], shape[2]
    if len(shape) == 2 and min(shape) > 1:
        return 1, shape[0], shape[1]
    if len(shape) == 1:
        side = round(shape[0] ** 0.5)
        if side * side == shape[0] and side >= 4:
            return 1, side, side
    return None


def _dark(grey: np.ndarray) -> bool:
    """Whether images (..., H, W) in [0, 1] have a dark background, read from their borders."""
    border = np.concatenate(
        [grey[..., 0, :].ravel(), grey[..., -1, :].ravel(), grey[..., :, 0].ravel(),
         grey[..., :, -1].ravel()]
    )  # fmt: skip
    return float(border.mean()) < 0.5


def _lanczos() -> Any:
    from PIL import Image

    return Image.Resampling.LANCZOS
