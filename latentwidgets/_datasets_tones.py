"""Short synthetic musical tones whose generative factors are known: :func:`tones`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from numpy.typing import ArrayLike
from torch.utils.data import Dataset

from latentwidgets._datasets_common import (
    Splittable,
    as_labels,
    as_metadata,
    check_indices,
    check_int,
)

__all__ = ["TIMBRE_NAMES", "ToneDataset", "tones"]

TIMBRE_NAMES: tuple[str, ...] = ("pure", "warm", "bright")
"""Timbre families of :func:`tones`, in label order: thirds of the timbre range."""

SAMPLE_RATE = 8000
"""Samples per second of every clip of :func:`tones`."""
LENGTH = 4096
"""Samples per clip of :func:`tones` (0.512 s)."""

# Three octaves, A2 to A5, drawn log-uniformly so every octave holds as many tones.
_PITCH_RANGE = (110.0, 880.0)
_LOUDNESS_DB_RANGE = (-26.0, -6.0)
_ATTACK_RANGE = (0.005, 0.2)
_HARMONICS = 16
# Harmonics stop short of the Nyquist frequency (4 kHz) so none folds back as an alias.
_MAX_HARMONIC_HZ = 0.45 * SAMPLE_RATE
# A slow fixed decay and a short raised-cosine release: a tone that stops dead clicks.
_DECAY_SECONDS = 0.6
_RELEASE_SECONDS = 0.025
# Points per period of the wave table; linear interpolation between them errs by ~1e-5 of the
# amplitude at the 16th harmonic.
_TABLE_SIZE = 4096
_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


@dataclass(eq=False)
class ToneDataset(Splittable, Dataset[tuple[torch.Tensor, int]]):
    """Mono audio clips with integer labels and per-clip metadata, usable as a torch ``Dataset``.

    Indexing returns ``(clip, label)``, so a ``DataLoader`` yields ``(x, y)`` batches and
    :class:`latentwidgets.LatentExplorer` reads the labels and metadata by itself.

    Parameters
    ----------
    clips : torch.Tensor
        Clips of shape ``(N, 1, L)``, float32 with values in ``[-1, 1]``.
    labels : numpy.ndarray
        Integer class of each clip, shape ``(N,)``.
    label_names : list of str
        ``label_names[k]`` names label ``k``.
    sample_rate : int
        Samples per second; pass it on as ``LatentExplorer(..., sample_rate=data.sample_rate)``.
    metadata : dict of str to numpy.ndarray, optional
        Per-clip columns, each of length ``N``.
    name : str, optional
        Short name of the data set.
    """

    clips: torch.Tensor
    labels: np.ndarray
    label_names: list[str]
    sample_rate: int
    metadata: dict[str, np.ndarray] = field(default_factory=dict)
    name: str = "tones"

    def __post_init__(self) -> None:
        clips = torch.as_tensor(self.clips)
        if not clips.is_floating_point() or clips.ndim != 3 or clips.shape[1] != 1:
            raise ValueError(
                f"clips must be float mono audio of shape (N, 1, L); got {clips.dtype} of shape "
                f"{tuple(clips.shape)}"
            )
        if clips.numel() and float(clips.abs().max()) > 1.0:
            raise ValueError(
                f"clips must have values in [-1, 1]; got peak {float(clips.abs().max()):.3g}"
            )
        self.clips = clips.to(torch.float32)
        self.sample_rate = check_int("sample_rate", self.sample_rate, minimum=1)
        n = len(self)
        self.label_names = [str(label) for label in self.label_names]
        self.labels = as_labels(self.labels, n, self.label_names, "clips")
        self.metadata = as_metadata(self.metadata, n, "clips")

    def __len__(self) -> int:
        return int(self.clips.shape[0])

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.clips[index], int(self.labels[index])

    def __repr__(self) -> str:
        seconds = self.clips.shape[-1] / self.sample_rate
        return (
            f"ToneDataset(name={self.name!r}, n={len(self)}, sample_rate={self.sample_rate}, "
            f"seconds={seconds:.3g}, classes={len(self.label_names)}, "
            f"metadata=[{', '.join(self.metadata) or 'none'}])"
        )

    def subset(self, indices: ArrayLike) -> ToneDataset:
        """Return a new data set holding only the clips at ``indices``.

        Parameters
        ----------
        indices : array-like of int
            Positions of the clips to keep, in the order wanted.

        Returns
        -------
        ToneDataset
            The selected clips with their labels and metadata rows.
        """
        idx = check_indices(indices)
        return ToneDataset(
            clips=self.clips[torch.from_numpy(idx.astype(np.int64))],
            labels=self.labels[idx],
            label_names=list(self.label_names),
            sample_rate=self.sample_rate,
            metadata={key: value[idx] for key, value in self.metadata.items()},
            name=self.name,
        )


def tones(n: int = 2048, seed: int = 0) -> ToneDataset:
    """Synthesise short musical tones whose generative factors are known.

    Each clip is a harmonic tone: a fundamental and its overtones, weighted by the timbre, under
    an envelope that rises over the attack time and then slowly decays. It starts at phase zero
    and lasts 4096 samples at 8 kHz (0.512 s). Every factor is drawn independently, and the same
    ``seed`` always gives the same clips.

    Parameters
    ----------
    n : int, default 2048
        Number of clips, at least 1.
    seed : int, default 0
        Seed of the factor sampling.

    Returns
    -------
    ToneDataset
        Clips ``(n, 1, 4096)`` in ``[-1, 1]``, ``sample_rate`` 8000; labels index
        :data:`TIMBRE_NAMES`. Metadata:

        ``pitch`` (float32)
            Fundamental frequency in Hz, log-uniform in ``[110, 880]`` (A2 to A5).
        ``note`` (str)
            The nearest equal-tempered note, e.g. ``"A3"``.
        ``timbre`` (float32)
            Harmonic mix in ``[0, 1]``: harmonic ``k`` has weight ``timbre**(k-1) / k``, so 0 is
            a pure sine and 1 a bright, sawtooth-like tone.
        ``timbre_family`` (str)
            The label's name: ``"pure"``, ``"warm"`` or ``"bright"`` (thirds of the timbre).
        ``loudness`` (float32)
            Level in dB relative to full scale, in ``[-26, -6]``; the clip's RMS before the
            envelope is that of a sine of this peak level.
        ``attack`` (float32)
            Rise time of the envelope in seconds, in ``[0.005, 0.2]``.
    """
    n = check_int("n", n, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    low, high = np.log(_PITCH_RANGE)
    pitch = np.exp(rng.uniform(low, high, size=n)).astype(np.float32)
    timbre = rng.uniform(0.0, 1.0, size=n).astype(np.float32)
    loudness = rng.uniform(*_LOUDNESS_DB_RANGE, size=n).astype(np.float32)
    attack = rng.uniform(*_ATTACK_RANGE, size=n).astype(np.float32)

    clips = synthesize(pitch, timbre, loudness, attack)
    labels = np.minimum((timbre * len(TIMBRE_NAMES)).astype(np.int64), len(TIMBRE_NAMES) - 1)
    return ToneDataset(
        clips=torch.from_numpy(clips).unsqueeze(1),
        labels=labels,
        label_names=list(TIMBRE_NAMES),
        sample_rate=SAMPLE_RATE,
        metadata={
            "pitch": pitch,
            "note": np.asarray([note_name(p) for p in pitch]),
            "timbre": timbre,
            "timbre_family": np.asarray(TIMBRE_NAMES)[labels],
            "loudness": loudness,
            "attack": attack,
        },
        name="tones",
    )


def synthesize(
    pitch: np.ndarray, timbre: np.ndarray, loudness: np.ndarray, attack: np.ndarray
) -> np.ndarray:
    """Return the clips ``(N, LENGTH)`` of tones with the given factors (see :func:`tones`)."""
    t = torch.arange(LENGTH, dtype=torch.float64) / SAMPLE_RATE
    f0 = torch.as_tensor(pitch, dtype=torch.float64)[:, None]
    k = torch.arange(1, _HARMONICS + 1, dtype=torch.float64)
    weights = torch.as_tensor(timbre, dtype=torch.float64)[:, None] ** (k - 1) / k
    weights[k * f0 > _MAX_HARMONIC_HZ] = 0.0
    # Unit RMS of the harmonic sum (that of a sine of peak 1), so loudness alone sets the level.
    weights /= weights.square().sum(dim=1, keepdim=True).sqrt()
    # One period of each tone, tabulated finely and read at the cycles elapsed: a tone is
    # periodic, so this costs one sine table instead of a sine per harmonic and sample.
    table_phase = torch.arange(_TABLE_SIZE + 1, dtype=torch.float64) / _TABLE_SIZE
    basis = torch.sin(2 * torch.pi * k[:, None] * table_phase)
    table = (weights @ basis).float()
    position = torch.remainder(f0 * t, 1.0) * _TABLE_SIZE
    index = position.long().clamp(max=_TABLE_SIZE - 1)
    fraction = (position - index).float()
    left = torch.gather(table, 1, index)
    wave = left + fraction * (torch.gather(table, 1, index + 1) - left)
    seconds = t.float()
    rise = torch.clamp(seconds / torch.as_tensor(attack, dtype=torch.float32)[:, None], max=1.0)
    release = torch.clamp((seconds[-1] - seconds) / _RELEASE_SECONDS, 0.0, 1.0)
    fade = torch.exp(-seconds / _DECAY_SECONDS) * (0.5 - 0.5 * torch.cos(torch.pi * release))
    level = 10.0 ** (torch.as_tensor(loudness, dtype=torch.float32)[:, None] / 20.0)
    return torch.clamp(level * rise * fade * wave, -1.0, 1.0).numpy()


def note_name(frequency: float) -> str:
    """Return the nearest equal-tempered note of ``frequency`` (Hz), e.g. ``"A4"`` for 440."""
    midi = round(69 + 12 * np.log2(float(frequency) / 440.0))
    return f"{_NOTE_NAMES[midi % 12]}{midi // 12 - 1}"
