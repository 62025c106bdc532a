"""How well a pretrained model reconstructs held-out data, one measure per kind of data."""

from __future__ import annotations

import torch
from torch import nn

from latentwidgets.datasets import LatentDataset, ToneDataset, WordDataset

# Spectra are compared in dB down to this far below full scale: quieter detail is inaudible
# under the tones' harmonics, and an unbounded log would weigh the numerical floor most.
_FLOOR_DB = -60.0
_FFT = 1024


def image_mse(model: nn.Module, data: LatentDataset) -> float:
    """Mean squared reconstruction error per pixel of ``data``'s images."""
    with torch.no_grad():
        reconstruction = model(data.images)
    return float(torch.mean((reconstruction - data.images) ** 2))


def spectral_distance(model: nn.Module, data: ToneDataset) -> float:
    """Mean log-spectral distance in dB between ``data``'s clips and their reconstructions.

    Both are read as magnitude spectrograms (1024-point frames) in dB relative to full scale,
    floored at -60 dB; the distance is the RMS difference over frequencies, averaged over frames
    and clips. Phase is ignored, as a listener ignores it.
    """
    with torch.no_grad():
        reconstruction = model(data.clips)
    return float(log_spectral_distance(reconstruction, data.clips).mean())


def log_spectral_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-clip log-spectral distance in dB of clips ``(N, 1, L)`` (see :func:`spectral_distance`)."""
    difference = _decibels(a) - _decibels(b)
    return difference.square().mean(dim=1).sqrt().mean(dim=1)


def _decibels(clips: torch.Tensor) -> torch.Tensor:
    window = torch.hann_window(_FFT, dtype=clips.dtype)
    spectrum = torch.stft(
        clips.reshape(len(clips), -1), _FFT, _FFT // 4, window=window, return_complex=True
    )
    # A full-scale sine peaks at window.sum() / 2 in its bin: that is 0 dB.
    magnitude = spectrum.abs() / (window.sum() / 2)
    return (20 * torch.log10(magnitude.clamp(min=1e-12))).clamp(min=_FLOOR_DB)


def word_error_rate(model: nn.Module, data: WordDataset) -> float:
    """Fraction of ``data``'s words that do not decode back to themselves exactly."""
    with torch.no_grad():
        logits = model(data.ids)
    decoded = data.tokenizer.batch_decode(logits.argmax(dim=-1))
    wrong = sum(text != word for text, word in zip(decoded, data.texts, strict=True))
    return wrong / len(data)
