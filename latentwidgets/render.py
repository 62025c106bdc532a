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

Sound and text
--------------
:class:`AudioPreview` reads items of shape ``(L,)`` or ``(C, L)`` as sound: a waveform or
spectrogram picture, and a 16-bit PCM WAV (:func:`to_wav`). :class:`TextPreview` reads token ids
``(T,)`` or logits ``(T, V)`` (argmax) with a tokenizer's ``decode``. Given to
:class:`PreviewRenderer` as ``sound``, they take over from pixels.
"""

from __future__ import annotations

from ._pixels import (
    SIGNAL_HEIGHT,
    SIGNAL_WIDTH,
    Layout,
    ValueRange,
)
from ._render_audio import AudioPreview, to_wav
from ._render_images import image_grid, rgba_to_png, to_png, to_png_batch, to_rgba, to_rgba_batch
from ._render_previews import MAX_TEXT_CHARS, Preview, PreviewFunctionError, PreviewRenderer
from ._render_text import TextPreview

__all__ = [
    "MAX_TEXT_CHARS",
    "SIGNAL_HEIGHT",
    "SIGNAL_WIDTH",
    "AudioPreview",
    "Layout",
    "Preview",
    "PreviewFunctionError",
    "PreviewRenderer",
    "TextPreview",
    "ValueRange",
    "image_grid",
    "rgba_to_png",
    "to_png",
    "to_png_batch",
    "to_rgba",
    "to_rgba_batch",
    "to_wav",
]
