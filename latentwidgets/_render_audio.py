"""Audio previews: decoded signals as 16-bit PCM WAV bytes and as a waveform or spectrogram picture.

The WAV is written with the standard library's :mod:`wave`; the spectrogram is :func:`torch.stft`;
the pictures are numpy arrays coloured with :data:`latentwidgets.colors.RAMP` (viridis).
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch

from .colors import RAMP

#: Size of a waveform or spectrogram picture, in pixels.
AUDIO_WIDTH = 192
AUDIO_HEIGHT = 64
#: Most channels a WAV carries (a ``(C, L)`` output with more is not read as sound).
MAX_AUDIO_CHANNELS = 8
#: Most samples per channel a WAV carries: about 10 s at 48 kHz. Longer outputs are refused.
MAX_AUDIO_SAMPLES = 480_000
#: Range of sample rates accepted, in Hz.
SAMPLE_RATES = (1_000, 384_000)

AudioView = Literal["waveform", "spectrogram"]
_WAVE_COLOUR = np.array([31, 119, 180], np.uint8)  # the palette's first colour, as on the map
_RAMP = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in RAMP], np.uint8)


def check_sample_rate(sample_rate: Any, name: str = "sample_rate") -> int:
    """Return ``sample_rate`` as an int in :data:`SAMPLE_RATES`, or raise naming it."""
    if isinstance(sample_rate, np.integer):
        sample_rate = int(sample_rate)
    lo, hi = SAMPLE_RATES
    if (
        isinstance(sample_rate, bool)
        or not isinstance(sample_rate, int)
        or not lo <= sample_rate <= hi
    ):
        raise ValueError(
            f"{name} must be an int number of samples per second in [{lo}, {hi}], e.g. 16000; "
            f"got {sample_rate!r:.40}"
        )
    return sample_rate


def as_signal(x: Any, what: str = "the decoded output") -> np.ndarray:
    """Return one item as a ``(C, L)`` float32 array of sound, or raise saying what was expected.

    ``(L,)`` is one channel; ``(C, L)`` with ``C <=`` :data:`MAX_AUDIO_CHANNELS` is C channels.
    """
    if isinstance(x, torch.Tensor):
        array = x.detach().to("cpu", torch.float32).numpy()
    else:
        array = np.asarray(x, dtype=np.float32)
    if array.ndim == 1:
        array = array[None]
    if array.ndim != 2 or not 1 <= array.shape[0] <= MAX_AUDIO_CHANNELS or array.shape[1] < 2:
        raise ValueError(
            f"audio previews read {what} as a sound of shape (L,) or (C, L) with C <= "
            f"{MAX_AUDIO_CHANNELS}; got shape {tuple(array.shape)}. A decoder that returns images "
            'wants preview="image"; a batch of sounds is (B, L) or (B, C, L).'
        )
    if array.shape[1] > MAX_AUDIO_SAMPLES:
        raise ValueError(
            f"audio previews play at most {MAX_AUDIO_SAMPLES} samples per channel; {what} has "
            f"{array.shape[1]}: cut it in preview_fn"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{what} holds NaN or infinite samples: it cannot be played")
    return array


def to_wav(signal: Any, sample_rate: int, *, normalize: bool = False) -> bytes:
    """Encode a sound as 16-bit PCM WAV bytes.

    Parameters
    ----------
    signal : torch.Tensor or numpy.ndarray
        ``(L,)`` (mono) or ``(C, L)`` (C channels), values in [-1, 1]; louder samples are clipped.
    sample_rate : int
        Samples per second, e.g. 16000.
    normalize : bool, default False
        Scale the sound so that its loudest sample is 0.99 (a silent one stays silent).

    Returns
    -------
    bytes
        A RIFF/WAVE file: 44-byte header, then little-endian int16 samples, channels interleaved.
    """
    rate = check_sample_rate(sample_rate)
    samples = as_signal(signal, "the signal")
    if normalize:
        samples = _normalized(samples)
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(pcm.shape[0])
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(pcm.T.tobytes())
    return out.getvalue()


def _normalized(samples: np.ndarray) -> np.ndarray:
    peak = float(np.abs(samples).max())
    return samples * (0.99 / peak) if peak > 0 else samples


@dataclass(frozen=True)
class AudioPreview:
    """Show decoded outputs (and audio inputs) as sound: a picture to see and a WAV to hear.

    Pass it as ``LatentExplorer(..., preview=AudioPreview(16000))``, or write
    ``preview="audio", sample_rate=16000``.

    Parameters
    ----------
    sample_rate : int
        Samples per second of the decoder's output.
    view : {"waveform", "spectrogram"}, default "waveform"
        The picture drawn for each sound: its waveform (the range of the samples in each column of
        pixels) or its log-magnitude spectrogram (low frequencies at the bottom).
    normalize : bool, default False
        Play and draw every sound scaled to the same peak loudness. Off, sounds keep their loudness,
        and samples outside [-1, 1] are clipped.
    """

    sample_rate: int
    view: AudioView = "waveform"
    normalize: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "sample_rate", check_sample_rate(self.sample_rate))
        if self.view not in ("waveform", "spectrogram"):
            raise ValueError(f'view must be "waveform" or "spectrogram"; got {self.view!r:.40}')
        if not isinstance(self.normalize, bool):
            raise TypeError(f"normalize must be a bool; got {type(self.normalize).__name__}")

    def wav(self, item: Any) -> bytes:
        """Return the item as WAV bytes (see :func:`to_wav`)."""
        return to_wav(item, self.sample_rate, normalize=self.normalize)

    def picture(self, item: Any) -> np.ndarray:
        """Return the item's waveform or spectrogram: ``uint8`` ``(AUDIO_HEIGHT, AUDIO_WIDTH, 4)``."""
        samples = as_signal(item)
        if self.normalize:
            samples = _normalized(samples)
        if self.view == "spectrogram":
            return spectrogram_picture(samples)
        return waveform_picture(samples)

    def duration(self, item: Any) -> float:
        """Return the item's length in seconds."""
        return as_signal(item).shape[1] / self.sample_rate


def waveform_picture(samples: np.ndarray) -> np.ndarray:
    """Draw ``(C, L)`` samples in [-1, 1] as a waveform: each pixel column spans its samples' range.

    Channels are averaged: the picture is for recognising a sound, the WAV keeps them apart.
    """
    mono = np.clip(samples.mean(axis=0), -1.0, 1.0)
    count = min(AUDIO_WIDTH, len(mono))
    # the first len % count columns take one sample more, as np.array_split would cut them
    sizes = np.full(count, len(mono) // count)
    sizes[: len(mono) % count] += 1
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    low, high = np.minimum.reduceat(mono, starts), np.maximum.reduceat(mono, starts)
    if count < AUDIO_WIDTH:
        at = np.linspace(0, count - 1, AUDIO_WIDTH).round().astype(int)
        low, high = low[at], high[at]
    # Row 0 is +1, the last row -1; every column draws at least its own pixel.
    rows = AUDIO_HEIGHT - 1
    top = np.floor((1 - high) / 2 * rows).astype(int)
    bottom = np.ceil((1 - low) / 2 * rows).astype(int)
    y = np.arange(AUDIO_HEIGHT)[:, None]
    ink = (y >= top[None]) & (y <= bottom[None])
    ink[rows // 2] = True  # the zero line, so that silence still shows
    out = np.full((AUDIO_HEIGHT, AUDIO_WIDTH, 4), 255, np.uint8)
    out[ink, :3] = _WAVE_COLOUR
    return out


def spectrogram_picture(samples: np.ndarray) -> np.ndarray:
    """Draw ``(C, L)`` samples as a log-magnitude spectrogram (80 dB range), viridis-coloured."""
    mono = torch.from_numpy(np.ascontiguousarray(samples.mean(axis=0)))
    length = mono.shape[0]
    n_fft = int(min(512, 2 ** np.floor(np.log2(max(length, 4)))))
    hop = max(1, (length - n_fft) // (AUDIO_WIDTH - 1)) if length > n_fft else 1
    window = torch.hann_window(n_fft)
    spectrum = torch.stft(
        mono, n_fft, hop_length=hop, window=window, center=True, return_complex=True
    ).abs()
    db = 20 * torch.log10(spectrum + 1e-8)
    level = ((db - (db.max() - 80)) / 80).clamp(0, 1).numpy()  # (F, T), 0 = quiet
    rows = np.linspace(level.shape[0] - 1, 0, AUDIO_HEIGHT).round().astype(int)
    cols = np.linspace(0, level.shape[1] - 1, AUDIO_WIDTH).round().astype(int)
    shade = np.round(level[np.ix_(rows, cols)] * (len(_RAMP) - 1)).astype(int)
    out = np.full((AUDIO_HEIGHT, AUDIO_WIDTH, 4), 255, np.uint8)
    out[..., :3] = _RAMP[shade]
    return out
