from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file
from torch import nn

from latentwidgets._engine.model import _check_device
from latentwidgets.datasets import digits, shapes, tones, words
from latentwidgets.models._architectures import ConvAutoencoder, ConvVAE
from latentwidgets.models._audio import ToneVAE
from latentwidgets.models._metrics import image_mse, spectral_distance, word_error_rate
from latentwidgets.models._text import WordVAE

WEIGHTS_DIR = Path(__file__).parent / "weights"

# Every pretrained model is trained on the same split, so the held-out part stays unseen.
HELD_OUT_FRACTION = 0.2
SPLIT_SEED = 0

PretrainedModel = ConvAutoencoder | ConvVAE | ToneVAE | WordVAE


@dataclass(frozen=True)
class PretrainedSpec:
    """Everything needed to rebuild, retrain and evaluate one shipped model.

    ``architecture(**config)`` builds the model; ``config`` is also written into the weights
    file. ``metric(model, held_out)`` measures it (lower is better); ``metric_key`` names the
    measure in the file's metadata (``held_out_<key>``) and ``metric_name`` in print.
    """

    name: str
    architecture: Callable[..., PretrainedModel]
    dataset: Callable[[], Any]
    config: Mapping[str, int]
    epochs: int
    batch_size: int
    lr: float
    beta: float = 1.0
    metric: Callable[[nn.Module, Any], float] = image_mse
    metric_key: str = "mse"
    metric_name: str = "reconstruction MSE"

    def build(self) -> PretrainedModel:
        return self.architecture(**self.config)

    def splits(self) -> tuple[Any, Any]:
        return self.dataset().split(HELD_OUT_FRACTION, seed=SPLIT_SEED)

    @property
    def latent_dim(self) -> int:
        return self.config["latent_dim"]

    @property
    def weights_path(self) -> Path:
        return WEIGHTS_DIR / f"{self.name}.safetensors"


def _image(
    name: str, architecture: Callable[..., PretrainedModel], size: int, latent: int, **training: Any
) -> PretrainedSpec:
    dataset = digits if name.startswith("digits") else shapes
    config = {"image_size": size, "latent_dim": latent, "base_channels": 16}
    return PretrainedSpec(name, architecture, dataset, config, **training)


TONES_EPOCHS = 16
TONES_BETA = 0.1
WORDS_EPOCHS = 30
WORDS_BETA = 0.1

# Epochs are as few as give recognisable reconstructions, so retraining all four image models
# takes minutes on two CPU cores. A VAE with beta = 1 collapses to blobs at this size; smaller
# betas keep shape.
PRETRAINED: dict[str, PretrainedSpec] = {
    spec.name: spec
    for spec in (
        _image("digits-ae", ConvAutoencoder, 8, 8, epochs=40, batch_size=32, lr=2e-3),
        _image("digits-vae", ConvVAE, 8, 8, epochs=40, batch_size=32, lr=2e-3, beta=0.3),
        _image("shapes-ae", ConvAutoencoder, 32, 10, epochs=20, batch_size=32, lr=2e-3),
        _image("shapes-vae", ConvVAE, 32, 10, epochs=20, batch_size=32, lr=2e-3, beta=0.25),
        PretrainedSpec(
            "tones-vae",
            ToneVAE,
            tones,
            {"length": 4096, "latent_dim": 8, "base_channels": 16, "sample_rate": 8000},
            epochs=TONES_EPOCHS,
            batch_size=16,
            lr=2e-3,
            beta=TONES_BETA,
            metric=spectral_distance,
            metric_key="spectral_distance_db",
            metric_name="log-spectral distance (dB)",
        ),
        PretrainedSpec(
            "words-vae",
            WordVAE,
            words,
            {"length": 16, "latent_dim": 16, "base_channels": 64, "vocab_size": 28},
            epochs=WORDS_EPOCHS,
            batch_size=64,
            lr=3e-3,
            beta=WORDS_BETA,
            metric=word_error_rate,
            metric_key="word_error_rate",
            metric_name="word error rate",
        ),
    )
}


def available_models() -> list[str]:
    """List the names accepted by :func:`load_pretrained`.

    Returns
    -------
    list of str
        ``"digits-ae"``, ``"digits-vae"``, ``"shapes-ae"``, ``"shapes-vae"``, ``"tones-vae"``
        and ``"words-vae"``.
    """
    return list(PRETRAINED)


def _device(device: object) -> torch.device:
    if device is None:
        return torch.device("cpu")
    try:
        return _check_device(device)
    except ValueError as error:
        # The constructor's wording ends with its own default (the encoder's device); here None
        # means the CPU.
        shown = str(error).split(". Pass one of these", 1)[0]
        raise ValueError(f"{shown}. Pass one of these, or None for the CPU") from None


def load_pretrained(name: str, device: str | torch.device | None = None) -> PretrainedModel:
    """Load one of the small models shipped with latentwidgets (no download).

    ``digits-*`` models take 8x8 images from :func:`latentwidgets.datasets.digits` and have
    8 latent dimensions; ``shapes-*`` models take 32x32 images from
    :func:`latentwidgets.datasets.shapes` and have 10. ``*-ae`` models are
    :class:`ConvAutoencoder` instances, ``*-vae`` ones :class:`ConvVAE` instances whose encoder
    returns ``(mu, logvar)``.

    ``"tones-vae"`` (a :class:`ToneVAE`, 8 latent dimensions) takes clips ``(B, 1, 4096)`` at
    8 kHz from :func:`latentwidgets.datasets.tones` and decodes to clips in ``[-1, 1]``.
    ``"words-vae"`` (a :class:`WordVAE`, 16 latent dimensions) takes token ids ``(B, 16)`` from
    :func:`latentwidgets.datasets.words` and decodes to logits ``(B, 16, 28)``. Both encoders
    return ``(mu, logvar)``.

    Parameters
    ----------
    name : str
        One of :func:`available_models`.
    device : str or torch.device, optional
        Where to put the model; CPU by default.

    Returns
    -------
    nn.Module
        The model in eval mode.

    Raises
    ------
    ValueError
        If ``name`` is unknown, or ``device`` is not on this machine (e.g. ``"cuda"`` without
        CUDA): the message lists the devices there are.
    TypeError
        If ``device`` is neither a str nor a torch.device.
    FileNotFoundError
        If the shipped weights are missing.
    """
    spec = PRETRAINED.get(name) if isinstance(name, str) else None
    if spec is None:
        raise ValueError(f"name must be one of {', '.join(map(repr, PRETRAINED))}; got {name!r}")
    if not spec.weights_path.is_file():
        raise FileNotFoundError(
            f"weights for {name!r} are missing at {spec.weights_path}; recreate them with "
            f"`python -m latentwidgets.models.train {name}`"
        )
    # Checked before loading: safetensors would otherwise fail deep inside (pin_memory) with no
    # word of the device.
    target = _device(device)
    model = spec.build()
    model.load_state_dict(load_file(spec.weights_path, device=str(target)))
    return model.to(target).eval()
