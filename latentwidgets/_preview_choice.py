"""Which modality previews follow: the ``preview``, ``sample_rate`` and ``tokenizer`` arguments.

Arguments are checked before any encoding (:func:`check_preview`); the choice is made, and checked
against what the decoder really returns, once the first point is decoded (:func:`choose_preview`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ._render_audio import MAX_AUDIO_CHANNELS, AudioPreview, check_sample_rate
from ._render_text import TextPreview, check_tokenizer

_NAMES = ("auto", "image", "audio", "text")


@dataclass(frozen=True)
class PreviewRequest:
    """The checked ``preview``/``sample_rate``/``tokenizer`` arguments, before the first output is seen."""

    name: str
    sound: AudioPreview | TextPreview | None
    sample_rate: int | None
    tokenizer: Any


def check_preview(preview: Any, sample_rate: Any, tokenizer: Any) -> PreviewRequest:
    """Check the preview arguments, naming the one at fault.

    Parameters
    ----------
    preview : {"auto", "image", "audio", "text"}, AudioPreview or TextPreview
        What previews show.
    sample_rate : int or None
        Samples per second, for ``"audio"`` (and for ``"auto"`` to consider sound).
    tokenizer : object or None
        ``decode(ids) -> str``, for ``"text"`` (and for ``"auto"`` to consider text).
    """
    rate = None if sample_rate is None else check_sample_rate(sample_rate)
    tok = None if tokenizer is None else check_tokenizer(tokenizer)
    if isinstance(preview, AudioPreview | TextPreview):
        if rate is not None or tok is not None:
            raise ValueError(
                f"preview={type(preview).__name__}(...) carries its own settings: leave "
                "sample_rate and tokenizer out"
            )
        return PreviewRequest(type(preview).__name__, preview, None, None)
    if not isinstance(preview, str) or preview.lower() not in _NAMES:
        raise ValueError(
            f"preview must be one of {', '.join(map(repr, _NAMES))}, an lw.AudioPreview or an "
            f"lw.TextPreview; got {preview!r:.60}"
        )
    name = preview.lower()
    if name == "audio" and rate is None:
        raise ValueError(
            'preview="audio" needs sample_rate, the samples per second of the decoded sound, '
            'e.g. preview="audio", sample_rate=16000'
        )
    if name == "text" and tok is None:
        raise ValueError(
            'preview="text" needs tokenizer, an object with decode(ids) -> str, e.g. '
            'preview="text", tokenizer=data.tokenizer'
        )
    if name == "image" and (rate is not None or tok is not None):
        raise ValueError(
            'preview="image" draws pictures: sample_rate and tokenizer are for preview="audio" '
            'and preview="text"'
        )
    sound: AudioPreview | TextPreview | None = None
    if name == "audio" and rate is not None:
        sound = AudioPreview(rate)
    elif name == "text":
        sound = TextPreview(tok)
    return PreviewRequest(name, sound, rate, tok)


def choose_preview(
    request: PreviewRequest, first_output: Callable[[], Any]
) -> AudioPreview | TextPreview | None:
    """Choose what previews show, from the first point's decoded output as ``preview_fn`` leaves it.

    ``first_output`` gives that output (the input item, without a decoder); it is called only
    when there is a choice to make.

    ``"auto"`` picks text only with a tokenizer and an output that reads as token ids or logits,
    sound only with a sample rate and an output of shape ``(L,)`` or ``(C, L)``, and pictures
    otherwise. An explicit choice that the output cannot follow is an error.
    """
    if request.name == "image" or (
        request.name == "auto" and request.sample_rate is None and request.tokenizer is None
    ):
        return None
    shape, dtype = _shape(first_output())
    if request.name == "auto":
        if request.tokenizer is not None and _reads_as_text(shape, dtype):
            return TextPreview(request.tokenizer)
        if request.sample_rate is not None and _reads_as_sound(shape, dtype):
            return AudioPreview(request.sample_rate)
        return None
    sound = request.sound
    if isinstance(sound, AudioPreview) and not _reads_as_sound(shape, dtype):
        raise ValueError(
            f"preview={request.name!r} plays the decoded output as sound of shape (L,) or (C, L) "
            f"with C <= {MAX_AUDIO_CHANNELS}, but the decoder returns {_what(shape, dtype)} per "
            'point. For pictures use preview="image"; for a decoder whose sound needs reshaping, '
            "pass preview_fn."
        )
    if isinstance(sound, TextPreview) and not _reads_as_text(shape, dtype):
        raise ValueError(
            f"preview={request.name!r} reads the decoded output as token ids (T,) or logits "
            f"(T, V), but the decoder returns {_what(shape, dtype)} per point. For pictures use "
            'preview="image"; for sound preview="audio".'
        )
    return sound


def _shape(output: Any) -> tuple[tuple[int, ...] | None, str]:
    if isinstance(output, torch.Tensor):
        return tuple(output.shape), "float" if output.is_floating_point() else str(output.dtype)
    if isinstance(output, np.ndarray):
        return output.shape, "float" if output.dtype.kind == "f" else str(output.dtype)
    return None, type(output).__name__


def _reads_as_sound(shape: tuple[int, ...] | None, dtype: str) -> bool:
    if shape is None or dtype != "float":
        return False
    return len(shape) == 1 or (len(shape) == 2 and shape[0] <= MAX_AUDIO_CHANNELS < shape[1])


def _reads_as_text(shape: tuple[int, ...] | None, dtype: str) -> bool:
    if shape is None:
        return dtype == "str"
    if dtype == "float":
        return len(shape) == 2
    return len(shape) == 1 and "bool" not in dtype


def _what(shape: tuple[int, ...] | None, dtype: str) -> str:
    return dtype if shape is None else f"{dtype} of shape {shape}"
