from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file

from latentwidgets._engine.model import _check_device
from latentwidgets.datasets import LatentDataset, digits, shapes
from latentwidgets.models._architectures import ConvAutoencoder, ConvVAE

WEIGHTS_DIR = Path(__file__).parent / "weights"

# Every pretrained model is trained on the same split, so the held-out part stays unseen.
HELD_OUT_FRACTION = 0.2
SPLIT_SEED = 0


@dataclass(frozen=True)
class PretrainedSpec:
    """Everything needed to rebuild, retrain and evaluate one shipped model."""

    name: str
    architecture: type[ConvAutoencoder] | type[ConvVAE]
    dataset: Callable[[], LatentDataset]
    image_size: int
    latent_dim: int
    epochs: int
    batch_size: int
    lr: float
    beta: float = 1.0
    base_channels: int = 16

    def build(self) -> ConvAutoencoder | ConvVAE:
        return self.architecture(self.image_size, self.latent_dim, self.base_channels)

    def splits(self) -> tuple[LatentDataset, LatentDataset]:
        return self.dataset().split(HELD_OUT_FRACTION, seed=SPLIT_SEED)

    @property
    def weights_path(self) -> Path:
        return WEIGHTS_DIR / f"{self.name}.safetensors"


# Epochs are as few as give recognisable reconstructions, so retraining all four takes minutes on
# two CPU cores. A VAE with beta = 1 collapses to blobs at this size; smaller betas keep shape.
PRETRAINED: dict[str, PretrainedSpec] = {
    spec.name: spec
    for spec in (
        PretrainedSpec(
            "digits-ae", ConvAutoencoder, digits, 8, 8, epochs=40, batch_size=32, lr=2e-3
        ),
        PretrainedSpec(
            "digits-vae", ConvVAE, digits, 8, 8, epochs=40, batch_size=32, lr=2e-3, beta=0.3
        ),
        PretrainedSpec(
            "shapes-ae", ConvAutoencoder, shapes, 32, 10, epochs=20, batch_size=32, lr=2e-3
        ),
        PretrainedSpec(
            "shapes-vae", ConvVAE, shapes, 32, 10, epochs=20, batch_size=32, lr=2e-3, beta=0.25
        ),
    )
}


def available_models() -> list[str]:
    """List the names accepted by :func:`load_pretrained`.

    Returns
    -------
    list of str
        ``"digits-ae"``, ``"digits-vae"``, ``"shapes-ae"`` and ``"shapes-vae"``.
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


def load_pretrained(
    name: str, device: str | torch.device | None = None
) -> ConvAutoencoder | ConvVAE:
    """Load one of the small models shipped with latentwidgets (no download).

    ``digits-*`` models take 8x8 images from :func:`latentwidgets.datasets.digits` and have
    8 latent dimensions; ``shapes-*`` models take 32x32 images from
    :func:`latentwidgets.datasets.shapes` and have 10. ``*-ae`` models are
    :class:`ConvAutoencoder` instances, ``*-vae`` ones :class:`ConvVAE` instances whose encoder
    returns ``(mu, logvar)``.

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
