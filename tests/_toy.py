"""Tiny deterministic models used across the tests."""

from __future__ import annotations

import torch
from torch import nn


class ToyAE(nn.Module):
    """Linear autoencoder on (B, 1, 4, 4) images with a 3-d code."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.enc = nn.Linear(16, 3)
        self.dec = nn.Linear(3, 16)
        self.dropout = nn.Dropout(0.5)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.enc(x.reshape(len(x), -1)))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.dec(z)).reshape(len(z), 1, 4, 4)


#: The toy data of the widget tests: 60 random 4x4 images in three classes.
N = 60
X = torch.rand(N, 1, 4, 4, generator=torch.Generator().manual_seed(3))
Y = torch.arange(N) % 3
