"""Small autoencoders for images, sounds and words, their pretrained weights and a trainer.

The pretrained models are tiny (a few hundred kB each), ship inside the package and load without
any download; see :func:`load_pretrained`. Recreate their weights with
``python -m latentwidgets.models.train --all``.
"""

from __future__ import annotations

from latentwidgets.models._architectures import ConvAutoencoder, ConvVAE
from latentwidgets.models._audio import ToneVAE
from latentwidgets.models._pretrained import available_models, load_pretrained
from latentwidgets.models._text import WordVAE
from latentwidgets.models._training import train_autoencoder

__all__ = [
    "ConvAutoencoder",
    "ConvVAE",
    "ToneVAE",
    "WordVAE",
    "available_models",
    "load_pretrained",
    "train_autoencoder",
]
