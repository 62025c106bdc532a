"""Small built-in data sets that need no download: images, sounds and words.

* :func:`digits` wraps scikit-learn's bundled 8x8 handwritten digits.
* :func:`shapes` draws dSprites-like 2-D shapes whose generative factors (shape, scale,
  rotation, position, brightness) are known exactly and returned as metadata, so a latent
  map can be coloured by the factor that really produced each image.
* :func:`tones` synthesises short musical tones (pitch, timbre, loudness, attack), a
  :class:`ToneDataset` with its ``sample_rate``.
* :func:`words` spells made-up words from a syllable grammar (length, first letter, vowel
  ratio), a :class:`WordDataset` of token ids with its ``texts`` and :class:`CharTokenizer`.

The image sources return a :class:`LatentDataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from numpy.typing import ArrayLike
from sklearn.datasets import load_digits
from torch.utils.data import Dataset

from latentwidgets._datasets_common import (
    Splittable,
    as_labels,
    as_metadata,
    check_indices,
    check_int,
)
from latentwidgets._datasets_text import SYLLABLE_NAMES, CharTokenizer, WordDataset, words
from latentwidgets._datasets_tones import TIMBRE_NAMES, ToneDataset, tones

__all__ = [
    "SHAPE_NAMES",
    "SYLLABLE_NAMES",
    "TIMBRE_NAMES",
    "CharTokenizer",
    "LatentDataset",
    "ToneDataset",
    "WordDataset",
    "digits",
    "shapes",
    "tones",
    "words",
]

SHAPE_NAMES: tuple[str, ...] = ("square", "circle", "triangle", "cross")
"""Shape names drawn by :func:`shapes`, in label order."""

# Factor ranges of `shapes`. Positions and scales are fractions of the image side; together they
# keep every shape (and at 32 pixels its anti-aliased edge) inside the frame, so position and
# scale vary independently.
_SCALE_RANGE = (0.15, 0.3)
_POSITION_RANGE = (0.35, 0.65)
# A quarter turn is one full symmetry period of the square and the cross and less than the
# triangle's third of a turn, so the angle is identifiable from the image (circles ignore it).
_ROTATION_RANGE = (0.0, np.pi / 2)
_BRIGHTNESS_RANGE = (0.6, 1.0)
# Cross arms are a third as thick as they are long.
_CROSS_ARM_RATIO = 1.0 / 3.0


@dataclass(eq=False)
class LatentDataset(Splittable, Dataset[tuple[torch.Tensor, int]]):
    """Images with integer labels and per-sample metadata, usable as a torch ``Dataset``.

    Indexing returns ``(image, label)`` so that a ``DataLoader`` over the data set yields
    ``(x, y)`` batches.

    Parameters
    ----------
    images : torch.Tensor
        Images of shape ``(N, C, H, W)``, float32 with values in ``[0, 1]``. Array-likes are
        converted to a float32 tensor.
    labels : numpy.ndarray
        Integer class of each image, shape ``(N,)``, stored as int64.
    label_names : list of str
        Human-readable name of each class; ``label_names[k]`` names label ``k``.
    metadata : dict of str to numpy.ndarray, optional
        Per-sample columns, each of length ``N``: continuous factors as float32, categorical
        ones as int64 or str.
    name : str, optional
        Short name of the data set, used in reprs and plot titles.
    """

    images: torch.Tensor
    labels: np.ndarray
    label_names: list[str]
    metadata: dict[str, np.ndarray] = field(default_factory=dict)
    name: str = "dataset"

    def __post_init__(self) -> None:
        self.images = _as_image_tensor(self.images)
        n = self.images.shape[0]
        self.label_names = [str(label) for label in self.label_names]
        self.labels = as_labels(self.labels, n, self.label_names)
        self.metadata = as_metadata(self.metadata, n)

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.images[index], int(self.labels[index])

    def __repr__(self) -> str:
        shape = "x".join(str(s) for s in self.images.shape[1:])
        columns = ", ".join(self.metadata) or "none"
        return (
            f"LatentDataset(name={self.name!r}, n={len(self)}, image_shape={shape}, "
            f"classes={len(self.label_names)}, metadata=[{columns}])"
        )

    def subset(self, indices: ArrayLike) -> LatentDataset:
        """Return a new data set holding only the samples at ``indices``.

        Parameters
        ----------
        indices : array-like of int
            Positions of the samples to keep, in the order wanted.

        Returns
        -------
        LatentDataset
            The selected samples with their labels and metadata rows.
        """
        idx = check_indices(indices)
        return LatentDataset(
            images=self.images[torch.from_numpy(idx.astype(np.int64))],
            labels=self.labels[idx],
            label_names=list(self.label_names),
            metadata={key: value[idx] for key, value in self.metadata.items()},
            name=self.name,
        )


def digits() -> LatentDataset:
    """Load scikit-learn's 8x8 handwritten digits (bundled, no download).

    Returns
    -------
    LatentDataset
        1797 images of shape ``(1, 8, 8)`` scaled to ``[0, 1]``, labels 0-9 named ``"0"`` to
        ``"9"``, and metadata ``label`` (int64) and ``ink`` (float32 mean intensity).
    """
    bunch = load_digits()
    images = torch.from_numpy(bunch.images.astype(np.float32) / 16.0).unsqueeze(1)
    labels = bunch.target.astype(np.int64)
    return LatentDataset(
        images=images,
        labels=labels,
        label_names=[str(d) for d in range(10)],
        metadata={"label": labels.copy(), "ink": images.mean(dim=(1, 2, 3)).numpy()},
        name="digits",
    )


def shapes(n: int = 4096, seed: int = 0, size: int = 32) -> LatentDataset:
    """Draw dSprites-like shapes whose generative factors are known.

    Each image shows one white-ish shape on black, with light anti-aliasing. Every factor is
    sampled independently and uniformly, and the same ``seed`` always draws the same images.

    Parameters
    ----------
    n : int, default 4096
        Number of images, at least 1.
    seed : int, default 0
        Seed of the factor sampling.
    size : int, default 32
        Side of the square images in pixels, at least 8.

    Returns
    -------
    LatentDataset
        Images of shape ``(1, size, size)``; labels index :data:`SHAPE_NAMES`. Metadata:

        ``shape`` (str)
            Shape name, one of :data:`SHAPE_NAMES`.
        ``scale`` (float32)
            Circumradius as a fraction of the image side, in ``[0.15, 0.3]``.
        ``rotation`` (float32)
            Counter-clockwise rotation in radians, in ``[0, pi/2)``; no effect on circles.
        ``x``, ``y`` (float32)
            Centre as a fraction of the image side, in ``[0.35, 0.65]``; ``x`` grows to the
            right and ``y`` downwards (image row order).
        ``brightness`` (float32)
            Intensity of the shape's interior, in ``[0.6, 1.0]``.
    """
    n = check_int("n", n, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    size = check_int("size", size, minimum=8)

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(SHAPE_NAMES), size=n).astype(np.int64)
    scale = rng.uniform(*_SCALE_RANGE, size=n).astype(np.float32)
    rotation = rng.uniform(*_ROTATION_RANGE, size=n).astype(np.float32)
    x = rng.uniform(*_POSITION_RANGE, size=n).astype(np.float32)
    y = rng.uniform(*_POSITION_RANGE, size=n).astype(np.float32)
    brightness = rng.uniform(*_BRIGHTNESS_RANGE, size=n).astype(np.float32)

    images = _render(labels, scale, rotation, x, y, size) * brightness[:, None, None]
    return LatentDataset(
        images=torch.from_numpy(images).unsqueeze(1),
        labels=labels,
        label_names=list(SHAPE_NAMES),
        metadata={
            "shape": np.asarray(SHAPE_NAMES)[labels],
            "scale": scale,
            "rotation": rotation,
            "x": x,
            "y": y,
            "brightness": brightness,
        },
        name="shapes",
    )


def _render(
    labels: np.ndarray,
    scale: np.ndarray,
    rotation: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    size: int,
) -> np.ndarray:
    # Pixel centres in units of the image side.
    grid = (np.arange(size, dtype=np.float32) + 0.5) / size
    dx = grid[None, None, :] - x[:, None, None]
    # Image rows grow downwards; measuring y upwards makes a positive angle turn the shape
    # counter-clockwise on screen.
    dy = y[:, None, None] - grid[None, :, None]
    # Sampling the shape on a grid rotated by -rotation draws the shape rotated by +rotation.
    cos, sin = np.cos(rotation)[:, None, None], np.sin(rotation)[:, None, None]
    radius = scale[:, None, None]
    u = (cos * dx + sin * dy) / radius
    v = (cos * dy - sin * dx) / radius

    distance = np.empty((labels.size, size, size), dtype=np.float32)
    for label, signed_distance in enumerate(_SIGNED_DISTANCES):
        chosen = labels == label
        if chosen.any():
            distance[chosen] = signed_distance(u[chosen], v[chosen])
    # Distances are in circumradii; a one-pixel linear ramp across the edge anti-aliases it.
    distance_px = distance * radius * size
    return np.clip(0.5 - distance_px, 0.0, 1.0).astype(np.float32)


def _square(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    half_side = np.float32(1.0 / np.sqrt(2.0))
    return np.maximum(np.abs(u), np.abs(v)) - half_side


def _circle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.hypot(u, v) - 1.0


def _triangle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    # Intersection of three half-planes; the outward normals point down and 120 degrees either
    # side of down, which puts the apex at the top.
    inradius = 0.5
    angles = -np.pi / 2 + 2 * np.pi / 3 * np.arange(3)
    edges = [np.float32(np.cos(a)) * u + np.float32(np.sin(a)) * v for a in angles]
    return np.maximum.reduce(edges) - inradius


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    # Arm corners lie on the unit circle, so the cross shares the others' circumradius.
    length = np.float32(1.0 / np.sqrt(1.0 + _CROSS_ARM_RATIO**2))
    width = np.float32(length * _CROSS_ARM_RATIO)
    au, av = np.abs(u), np.abs(v)
    horizontal = np.maximum(au - length, av - width)
    vertical = np.maximum(au - width, av - length)
    return np.minimum(horizontal, vertical)


_SIGNED_DISTANCES = (_square, _circle, _triangle, _cross)


def _as_image_tensor(images: Any) -> torch.Tensor:
    tensor = torch.as_tensor(images)
    if not tensor.is_floating_point():
        raise TypeError(f"images must be floating point with values in [0, 1]; got {tensor.dtype}")
    tensor = tensor.to(torch.float32)
    if tensor.ndim != 4:
        raise ValueError(f"images must have shape (N, C, H, W); got shape {tuple(tensor.shape)}")
    if tensor.numel() and (tensor.min() < 0.0 or tensor.max() > 1.0):
        raise ValueError(
            f"images must have values in [0, 1]; got range "
            f"[{float(tensor.min()):.3g}, {float(tensor.max()):.3g}]"
        )
    return tensor
