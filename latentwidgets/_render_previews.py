"""Previews of single items: what ``preview_fn`` returns, rendered as an image or as text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from PIL import Image

from ._pixels import (
    Layout,
    ValueRange,
    _check_layout,
    _check_value_range,
    _describe,
)
from ._render_audio import AudioPreview
from ._render_images import rgba_to_png, to_rgba, to_rgba_batch
from ._render_text import TextPreview, text_picture

#: What previews show: pictures, sound (a picture and a WAV) or text.
Modality = Literal["image", "audio", "text"]

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
    audio : bytes or None
        A 16-bit PCM WAV of the item, for sound (the image is then its waveform or spectrogram).
    sample_rate : int
        The WAV's samples per second (0 without one).
    duration : float
        The WAV's length in seconds (0 without one).
    """

    kind: Literal["image", "text"]
    width: int = 0
    height: int = 0
    rgba: bytes | None = field(default=None, repr=False)
    text: str | None = None
    audio: bytes | None = field(default=None, repr=False)
    sample_rate: int = 0
    duration: float = 0.0

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
    sound : AudioPreview or TextPreview, optional
        Read tensors and arrays (after ``preview_fn``) as sound or as text instead of pixels.
    """

    def __init__(
        self,
        preview_fn: Callable[[Any], Any] | None = None,
        value_range: ValueRange = "auto",
        layout: Layout = "auto",
        max_size: int | None = None,
        sound: AudioPreview | TextPreview | None = None,
    ) -> None:
        if preview_fn is not None and not callable(preview_fn):
            raise TypeError(
                f"preview_fn must be a callable or None; got {type(preview_fn).__name__}"
            )
        if max_size is not None and (
            isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1
        ):
            raise ValueError(f"max_size must be a positive int or None; got {max_size!r}")
        if sound is not None and not isinstance(sound, AudioPreview | TextPreview):
            raise TypeError(
                f"sound must be an AudioPreview, a TextPreview or None; got {type(sound).__name__}"
            )
        self.preview_fn = preview_fn
        self.value_range = _check_value_range(value_range)
        self.layout = _check_layout(layout)
        self.max_size = max_size
        self.sound = sound

    @property
    def modality(self) -> Modality:
        """What previews show: ``"image"``, ``"audio"`` or ``"text"``."""
        if isinstance(self.sound, AudioPreview):
            return "audio"
        if isinstance(self.sound, TextPreview):
            return "text"
        return "image"

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

    def render_input(self, item: Any) -> Preview:
        """Render one input item: as sound or text where it reads as such, else as a picture.

        An image model's inputs to a sound decoder still show.
        """
        if self.sound is None:
            return self.render(item)
        try:
            return self.render(item)
        except ValueError:
            return PreviewRenderer(
                self.preview_fn, self.value_range, self.layout, self.max_size
            ).render(item)

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
            and self.sound is None
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
        if self.preview_fn is None and self.sound is None:
            return to_rgba_batch(frames, value_range=self.value_range, layout=self.layout)
        texts = self.frame_texts(frames)
        if texts is not None:
            return np.stack([text_picture(text) for text in texts])
        if isinstance(self.sound, AudioPreview) and self.preview_fn is None:
            # pictures only: the WAVs are made when a frame is played
            return np.stack([self._image(self.sound.picture(f)).to_array() for f in frames])
        previews = self.render_batch(frames)
        sizes = {(p.kind, p.width, p.height) for p in previews}
        if len(sizes) != 1 or previews[0].kind != "image":
            raise ValueError(
                "preview_fn must turn every frame into an image of one size; got "
                f"{sorted(sizes, key=str)}"
            )
        return np.stack([p.to_array() for p in previews])

    def prepared(self, item: Any) -> Any:
        """Return the item as ``preview_fn`` leaves it (the item itself without one)."""
        return item if self.preview_fn is None else self._call_preview_fn(item, "the item")

    def frame_texts(self, frames: Any) -> list[str] | None:
        """Return the frames as strings in text mode (through ``preview_fn``), else None."""
        if not isinstance(self.sound, TextPreview):
            return None
        return [self._shown(frame, f"frame {k}") for k, frame in enumerate(frames)]

    def frame_audio(self, frame: Any) -> Preview:
        """One frame as sound: its picture and WAV (``ValueError`` when previews are not audio)."""
        if not isinstance(self.sound, AudioPreview):
            raise ValueError(f"previews show {self.modality}, not audio: there is nothing to play")
        return self.render(frame)

    def _shown(self, item: Any, which: str) -> str:
        assert isinstance(self.sound, TextPreview)
        shown = self._call_preview_fn(item, which) if self.preview_fn is not None else item
        return self.sound.text(shown, which)

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
        if self.sound is not None and isinstance(item, torch.Tensor | np.ndarray):
            return self._sound(item)
        if isinstance(item, torch.Tensor | np.ndarray) and item.ndim == 0:
            return Preview.from_text(str(item.item()))
        if isinstance(item, torch.Tensor | np.ndarray | Image.Image):
            return self._image(to_rgba(item, value_range=self.value_range, layout=self.layout))
        return Preview.from_text(repr(item))

    def _sound(self, item: torch.Tensor | np.ndarray) -> Preview:
        if isinstance(self.sound, TextPreview):
            return Preview.from_text(self.sound.text(item))
        assert isinstance(self.sound, AudioPreview)
        picture = self._image(self.sound.picture(item))
        return Preview(
            "image",
            width=picture.width,
            height=picture.height,
            rgba=picture.rgba,
            audio=self.sound.wav(item),
            sample_rate=self.sound.sample_rate,
            duration=self.sound.duration(item),
        )

    def _image(self, rgba: np.ndarray) -> Preview:
        height, width, _ = rgba.shape
        if self.max_size is not None and max(height, width) > self.max_size:
            image = Image.fromarray(rgba, mode="RGBA")
            image.thumbnail((self.max_size, self.max_size), Image.Resampling.LANCZOS)
            rgba = np.asarray(image)
        return Preview.from_rgba(rgba)
