from __future__ import annotations

import math
from itertools import pairwise

import torch
from torch import nn

# Encoders halve the image until it is this many pixels across, then flatten.
_BOTTLENECK_SIZE = 4
_MAX_CHANNELS = 64


def _check_config(image_size: int, latent_dim: int, base_channels: int) -> None:
    for name, value, minimum in (
        ("image_size", image_size, 8),
        ("latent_dim", latent_dim, 1),
        ("base_channels", base_channels, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}")
    if image_size & (image_size - 1):
        raise ValueError(f"image_size must be a power of two (8, 16, 32, ...); got {image_size}")


def _stage_channels(image_size: int, base_channels: int) -> list[int]:
    stages = int(math.log2(image_size // _BOTTLENECK_SIZE))
    return [min(base_channels * 2**i, _MAX_CHANNELS) for i in range(stages)]


def _down(c_in: int, c_out: int) -> list[nn.Module]:
    # Batch norm shortens the long plateau where the shapes models only learn blob positions.
    return [
        nn.Conv2d(c_in, c_out, kernel_size=4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.SiLU(),
    ]


def _up(c_in: int, c_out: int) -> list[nn.Module]:
    return [
        nn.ConvTranspose2d(c_in, c_out, kernel_size=4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.SiLU(),
    ]


def _same(channels: int) -> list[nn.Module]:
    return [
        nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(channels),
        nn.SiLU(),
    ]


class ConvEncoder(nn.Module):
    """Strided convolutions down to 4x4, then a linear map to ``n_heads`` latent vectors."""

    def __init__(
        self, image_size: int, latent_dim: int, base_channels: int = 16, n_heads: int = 1
    ) -> None:
        super().__init__()
        channels = _stage_channels(image_size, base_channels)
        layers: list[nn.Module] = []
        for c_in, c_out in pairwise([1, *channels]):
            layers += _down(c_in, c_out)
        # One convolution at the bottleneck adds capacity where pixels are few and cheap.
        self.features = nn.Sequential(*layers, *_same(channels[-1]), nn.Flatten())
        self.heads = nn.ModuleList(
            nn.Linear(channels[-1] * _BOTTLENECK_SIZE**2, latent_dim) for _ in range(n_heads)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, ...]:
        h = self.features(x)
        outputs = tuple(head(h) for head in self.heads)
        return outputs[0] if len(outputs) == 1 else outputs


class ConvDecoder(nn.Module):
    """Mirror of :class:`ConvEncoder`: linear map to 4x4, transposed convolutions up, sigmoid."""

    def __init__(self, image_size: int, latent_dim: int, base_channels: int = 16) -> None:
        super().__init__()
        channels = _stage_channels(image_size, base_channels)[::-1]
        layers: list[nn.Module] = [
            nn.Linear(latent_dim, channels[0] * _BOTTLENECK_SIZE**2),
            nn.SiLU(),
            nn.Unflatten(1, (channels[0], _BOTTLENECK_SIZE, _BOTTLENECK_SIZE)),
            *_same(channels[0]),
        ]
        for c_in, c_out in pairwise(channels):
            layers += _up(c_in, c_out)
        self.layers = nn.Sequential(
            *layers,
            nn.ConvTranspose2d(channels[-1], 1, kernel_size=4, stride=2, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.layers(z)


class ConvAutoencoder(nn.Module):
    """Small convolutional autoencoder for single-channel square images.

    Parameters
    ----------
    image_size : int
        Side of the input images in pixels; a power of two, at least 8.
    latent_dim : int
        Size of the latent code.
    base_channels : int, default 16
        Channels of the first convolution; each downsampling stage doubles them (up to 64).

    Attributes
    ----------
    encoder : nn.Module
        Maps images ``(B, 1, H, W)`` to codes ``(B, latent_dim)``.
    decoder : nn.Module
        Maps codes ``(B, latent_dim)`` to images ``(B, 1, H, W)`` in ``[0, 1]``.
    """

    def __init__(self, image_size: int, latent_dim: int, base_channels: int = 16) -> None:
        super().__init__()
        _check_config(image_size, latent_dim, base_channels)
        self.image_size = image_size
        self.latent_dim = latent_dim
        self.base_channels = base_channels
        self.encoder = ConvEncoder(image_size, latent_dim, base_channels)
        self.decoder = ConvDecoder(image_size, latent_dim, base_channels)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Encode images ``(B, 1, H, W)`` to latent codes ``(B, latent_dim)``."""
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Decode latent codes ``(B, latent_dim)`` to images ``(B, 1, H, W)`` in ``[0, 1]``."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruct images ``(B, 1, H, W)``."""
        return self.decode(self.encode(x))


class ConvVAE(nn.Module):
    """Small convolutional variational autoencoder for single-channel square images.

    The encoder returns the Gaussian posterior's ``(mu, logvar)``; :meth:`forward` decodes the
    mean, so reconstructions are deterministic. Sampling happens in training
    (see :func:`latentwidgets.models.train_autoencoder`).

    Parameters
    ----------
    image_size : int
        Side of the input images in pixels; a power of two, at least 8.
    latent_dim : int
        Size of the latent code.
    base_channels : int, default 16
        Channels of the first convolution; each downsampling stage doubles them (up to 64).

    Attributes
    ----------
    encoder : nn.Module
        Maps images ``(B, 1, H, W)`` to a tuple ``(mu, logvar)``, each ``(B, latent_dim)``.
    decoder : nn.Module
        Maps codes ``(B, latent_dim)`` to images ``(B, 1, H, W)`` in ``[0, 1]``.
    """

    def __init__(self, image_size: int, latent_dim: int, base_channels: int = 16) -> None:
        super().__init__()
        _check_config(image_size, latent_dim, base_channels)
        self.image_size = image_size
        self.latent_dim = latent_dim
        self.base_channels = base_channels
        self.encoder = ConvEncoder(image_size, latent_dim, base_channels, n_heads=2)
        self.decoder = ConvDecoder(image_size, latent_dim, base_channels)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode images ``(B, 1, H, W)`` to the posterior ``(mu, logvar)``."""
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Decode latent codes ``(B, latent_dim)`` to images ``(B, 1, H, W)`` in ``[0, 1]``."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruct images ``(B, 1, H, W)`` from the posterior mean."""
        mu, _ = self.encode(x)
        return self.decode(mu)
