"""Text previews: decoded token ids or logits read with a tokenizer, as strings (and as pictures).

Any object with ``decode(ids) -> str`` is a tokenizer: a Hugging Face tokenizer, or
:class:`latentwidgets.datasets.CharTokenizer`. Pictures of text are drawn with Pillow's default font,
for the views that show only pixels (pictures as points, the located gallery, the manifold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

#: Size of a picture of text, in pixels.
TEXT_WIDTH = 192
TEXT_HEIGHT = 24
#: Longest token sequence read (longer outputs are refused rather than decoded slowly).
MAX_TOKENS = 4096


def check_tokenizer(tokenizer: Any, name: str = "tokenizer") -> Any:
    """Return ``tokenizer`` when it has a callable ``decode``, or raise naming it."""
    if not callable(getattr(tokenizer, "decode", None)):
        raise TypeError(
            f"{name} must be an object with decode(ids) -> str (a Hugging Face tokenizer, or "
            f"lw.datasets.CharTokenizer); got {type(tokenizer).__name__}"
        )
    return tokenizer


def token_ids(item: Any, what: str = "the decoded output") -> list[int]:
    """Read one item's token ids: ``(T,)`` integers, or ``(T, V)`` logits read with argmax."""
    x = item if isinstance(item, torch.Tensor) else torch.as_tensor(np.asarray(item))
    if x.ndim == 2 and x.is_floating_point():
        x = x.argmax(dim=-1)
    if x.ndim != 1 or x.is_floating_point() or x.dtype == torch.bool:
        raise ValueError(
            f"text previews read {what} as token ids (T,) of integers or logits (T, V); got "
            f"{x.dtype} of shape {tuple(x.shape)}. A decoder that returns images or sound wants "
            'preview="image" or preview="audio"; a batch is (B, T) ids or (B, T, V) logits.'
        )
    if x.shape[0] > MAX_TOKENS:
        raise ValueError(f"text previews read at most {MAX_TOKENS} tokens; {what} has {x.shape[0]}")
    return [int(i) for i in x.tolist()]


@dataclass(frozen=True)
class TextPreview:
    """Show decoded outputs (and token-id inputs) as text, read with a tokenizer.

    Pass it as ``LatentExplorer(..., preview=TextPreview(tok))``, or write
    ``preview="text", tokenizer=tok``.

    Parameters
    ----------
    tokenizer : object
        Anything with ``decode(ids) -> str``, e.g. a Hugging Face tokenizer (called with
        ``skip_special_tokens=True`` where it takes that option, so padding does not show). Token
        ids ``(T,)`` are decoded as they are; logits ``(T, V)`` are read with argmax first.
        Strings pass through.
    """

    tokenizer: Any

    def __post_init__(self) -> None:
        check_tokenizer(self.tokenizer)

    def text(self, item: Any, what: str = "the decoded output") -> str:
        """Return the item as a string."""
        if isinstance(item, str):
            return item
        ids = token_ids(item, what)
        try:
            text = _decode(self.tokenizer, ids)
        except Exception as error:
            raise ValueError(
                f"tokenizer.decode failed on {what} ({len(ids)} ids): {type(error).__name__}: {error}"
            ) from error
        if not isinstance(text, str):
            raise TypeError(f"tokenizer.decode must return a str; got {type(text).__name__}")
        return text


def _decode(tokenizer: Any, ids: list[int]) -> Any:
    """``tokenizer.decode(ids)``, leaving out padding and end tokens where it can (Hugging Face)."""
    try:
        return tokenizer.decode(ids, skip_special_tokens=True)
    except TypeError:  # a decode(ids) that takes no options
        return tokenizer.decode(ids)


def text_picture(text: str) -> np.ndarray:
    """Draw one line of text, dark on white, as a ``uint8`` ``(TEXT_HEIGHT, TEXT_WIDTH, 4)`` array."""
    image = Image.new("RGBA", (TEXT_WIDTH, TEXT_HEIGHT), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = _font()
    shown = text.replace("\n", " ")
    while shown and draw.textlength(shown, font=font) > TEXT_WIDTH - 8:
        shown = shown[:-2] + "…" if len(shown) > 1 else ""
    draw.text((4, TEXT_HEIGHT // 2), shown, fill=(34, 34, 34, 255), font=font, anchor="lm")
    return np.asarray(image)


_FONTS: list[ImageFont.ImageFont | ImageFont.FreeTypeFont] = []


def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    if not _FONTS:
        _FONTS.append(ImageFont.load_default(size=14))
    return _FONTS[0]
