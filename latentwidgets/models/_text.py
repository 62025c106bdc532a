"""A small character-level VAE for short words: 1-D convolutions both ways, no autoregression."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _check(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}")
    return value


def _convolutions(channels: int, layers: int) -> list[nn.Module]:
    modules: list[nn.Module] = []
    for _ in range(layers):
        modules += [nn.Conv1d(channels, channels, kernel_size=3, padding=1), nn.SiLU()]
    return modules


class WordEncoder(nn.Module):
    """Token ids ``(B, T)``: embedding, 1-D convolutions along the word, then ``(mu, logvar)``."""

    def __init__(self, vocab_size: int, latent_dim: int, hidden: int, length: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden)
        self.body = nn.Sequential(*_convolutions(hidden, 2), nn.Flatten())
        self.mu = nn.Linear(hidden * length, latent_dim)
        self.logvar = nn.Linear(hidden * length, latent_dim)

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if ids.is_floating_point() or ids.ndim != 2:
            raise TypeError(
                f"the word encoder takes int64 token ids (B, T); got {ids.dtype} of shape "
                f"{tuple(ids.shape)}"
            )
        h = self.body(self.embed(ids).transpose(1, 2))
        return self.mu(h), self.logvar(h)


class WordDecoder(nn.Module):
    """Codes ``(B, D)`` to logits ``(B, T, V)``, every position at once.

    A linear map spreads the code over the positions, and 1-D convolutions along the word let
    neighbouring letters agree. The decoder never reads its own guesses, so one code always
    gives one word, and any point of the latent space decodes in one pass.
    """

    def __init__(self, vocab_size: int, latent_dim: int, hidden: int, length: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(latent_dim, hidden * length),
            nn.SiLU(),
            nn.Unflatten(1, (hidden, length)),
            *_convolutions(hidden, 2),
            nn.Conv1d(hidden, vocab_size, kernel_size=1),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(z).transpose(1, 2)


class WordVAE(nn.Module):
    """Small character-level variational autoencoder for padded token ids ``(B, T)``.

    Made for :func:`latentwidgets.datasets.words`: the encoder takes int64 ids and returns the
    posterior ``(mu, logvar)``; the decoder returns logits ``(B, T, V)``, which
    ``tokenizer.decode(logits.argmax(-1)[i])`` reads as a word.

    Parameters
    ----------
    length : int
        Tokens per sequence ``T``.
    latent_dim : int
        Size of the latent code.
    base_channels : int, default 128
        Channels of the convolutions (and of the embedding).
    vocab_size : int, default 28
        Tokens the ids come from (the built-in ``CharTokenizer`` has 28).

    Attributes
    ----------
    encoder : nn.Module
        Maps ids ``(B, T)`` to a tuple ``(mu, logvar)``, each ``(B, latent_dim)``.
    decoder : nn.Module
        Maps codes ``(B, latent_dim)`` to logits ``(B, T, vocab_size)``.
    """

    def __init__(
        self, length: int, latent_dim: int, base_channels: int = 128, vocab_size: int = 28
    ) -> None:
        super().__init__()
        self.length = _check("length", length, 1)
        self.latent_dim = _check("latent_dim", latent_dim, 1)
        self.base_channels = _check("base_channels", base_channels, 2)
        self.vocab_size = _check("vocab_size", vocab_size, 2)
        self.encoder = WordEncoder(vocab_size, latent_dim, base_channels, length)
        self.decoder = WordDecoder(vocab_size, latent_dim, base_channels, length)

    def encode(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode token ids ``(B, T)`` to the posterior ``(mu, logvar)``."""
        return self.encoder(ids)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Decode codes ``(B, latent_dim)`` to logits ``(B, T, vocab_size)``."""
        return self.decoder(z)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, T, vocab_size)`` of the ids' reconstruction from the posterior mean."""
        mu, _ = self.encode(ids)
        return self.decode(mu)

    def reconstruction_loss(self, decoded: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of every position (padding included), summed over the batch."""
        return F.cross_entropy(decoded.transpose(1, 2), ids, reduction="sum")
