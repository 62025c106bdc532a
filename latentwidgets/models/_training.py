from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset
from tqdm.auto import tqdm


def train_autoencoder(
    model: nn.Module,
    data: torch.Tensor | Dataset[Any],
    *,
    epochs: int,
    batch_size: int = 128,
    lr: float = 1e-3,
    beta: float = 1.0,
    device: str | torch.device | None = None,
    seed: int = 0,
    progress: bool = True,
    explorer: Any = None,
    every: int = 1,
) -> list[float]:
    """Train an autoencoder or VAE in place and return the per-epoch losses.

    The model must have ``encode(x)`` and ``decode(z)`` methods. If ``encode`` returns a tuple
    ``(mu, logvar)`` the model is trained as a VAE (reparameterised sample, loss =
    reconstruction + ``beta`` * KL divergence to a unit Gaussian); otherwise as a plain
    autoencoder (loss = reconstruction). The reconstruction loss is the model's own
    ``reconstruction_loss(decoded, x)`` (summed over the batch) where it has one, as
    :class:`ToneVAE` and :class:`WordVAE` do, else binary cross-entropy on images in ``[0, 1]``.
    Losses are summed over pixels and averaged over samples. The optimiser is Adam with a learning rate that decays from ``lr`` to zero along a
    cosine over all steps. The model is left in eval mode.

    Parameters
    ----------
    model : nn.Module
        Model to train, e.g. :class:`ConvAutoencoder` or :class:`ConvVAE`.
    data : torch.Tensor or Dataset
        Images ``(N, C, H, W)`` with values in ``[0, 1]``, or a map-style ``Dataset`` (with
        ``__len__``) whose items are inputs or ``(input, label)`` pairs (e.g. a
        :class:`latentwidgets.datasets.LatentDataset`, ``ToneDataset`` or ``WordDataset``).
        Floating-point inputs are cast to float32; integer ones (token ids) are kept.
    epochs : int
        Number of passes over the data, at least 1.
    batch_size : int, default 128
        Samples per optimisation step.
    lr : float, default 1e-3
        Initial Adam learning rate.
    beta : float, default 1.0
        Weight of the KL term for VAEs; ignored for plain autoencoders.
    device : str or torch.device, optional
        Where to train; defaults to the device the model's parameters are on.
    seed : int, default 0
        Seeds the shuffling and the VAE's sampling noise, so runs are repeatable.
    progress : bool, default True
        Show a tqdm progress bar over epochs.
    explorer : LatentExplorer, optional
        An explorer of this model's encoder and decoder: every ``every`` epochs it encodes its
        data again with the weights so far and moves its points (``explorer.update``), keeping a
        snapshot named ``"epoch k"`` for its history slider. The map in the notebook follows the
        training while the cell runs.
    every : int, default 1
        Epochs between two updates of ``explorer``.

    Returns
    -------
    list of float
        Mean loss per sample for each epoch.
    """
    _check_arguments(model, epochs, batch_size, lr, beta)
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be an int >= 1 (epochs between updates); got {every!r}")
    if explorer is not None and not callable(getattr(explorer, "update", None)):
        raise TypeError(f"explorer must be a LatentExplorer; got {type(explorer).__name__}")
    dataset = _as_dataset(data)
    target = torch.device(device) if device is not None else next(model.parameters()).device
    model.to(target)

    shuffle_generator = torch.Generator().manual_seed(seed)
    noise_generator = torch.Generator(device=target).manual_seed(seed)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=shuffle_generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    # Annealing to zero settles the weights without a separate fine-tuning phase.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(loader))

    losses: list[float] = []
    model.train()
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
    for epoch in bar:
        total, count = 0.0, 0
        for batch in loader:
            x = _inputs_of(batch).to(target)
            x = x.float() if x.is_floating_point() else x
            loss = _loss(model, x, beta, noise_generator)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss.detach()) * len(x)
            count += len(x)
        losses.append(total / count)
        bar.set_postfix(loss=f"{losses[-1]:.4g}")
        if explorer is not None and (epoch + 1) % every == 0:
            explorer.update(keep=True, name=f"epoch {epoch + 1}")
    model.eval()
    return losses


def _loss(model: nn.Module, x: torch.Tensor, beta: float, noise: torch.Generator) -> torch.Tensor:
    encoded = model.encode(x)  # type: ignore[operator]
    if isinstance(encoded, tuple):
        mu, logvar = encoded
        eps = torch.randn(mu.shape, generator=noise, device=mu.device, dtype=mu.dtype)
        z = mu + eps * torch.exp(0.5 * logvar)
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        regulariser = beta * kl
    else:
        z = encoded
        regulariser = torch.zeros((), device=x.device)
    decoded = model.decode(z)  # type: ignore[operator]
    own_loss = getattr(model, "reconstruction_loss", None)
    if callable(own_loss):
        reconstruction = own_loss(decoded, x)
    else:
        _check_unit_range(x)
        reconstruction = F.binary_cross_entropy(decoded, x, reduction="sum")
    return (reconstruction + regulariser) / len(x)


def _inputs_of(batch: Any) -> torch.Tensor:
    inputs = batch[0] if isinstance(batch, (tuple, list)) else batch
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(
            f"data items must be tensors or (tensor, label) pairs; got {type(inputs).__name__}"
        )
    return inputs


def _check_unit_range(images: torch.Tensor) -> None:
    if images.min() < 0 or images.max() > 1:
        raise ValueError(
            f"images must have values in [0, 1] (binary cross-entropy loss); got range "
            f"[{float(images.min()):.3g}, {float(images.max()):.3g}]. A model for other data "
            "defines reconstruction_loss(decoded, x), as ToneVAE and WordVAE do"
        )


def _as_dataset(data: Any) -> Dataset[Any]:
    if isinstance(data, torch.Tensor):
        if data.ndim != 4:
            raise ValueError(f"data must be images of shape (N, C, H, W); got {tuple(data.shape)}")
        data = TensorDataset(data)
    if isinstance(data, Dataset):
        if len(data) == 0:  # type: ignore[arg-type]  # map-style datasets define __len__
            raise ValueError("data must hold at least one image; got an empty data set")
        return data
    raise TypeError(
        f"data must be a torch.Tensor of shape (N, C, H, W) or a torch Dataset; "
        f"got {type(data).__name__}"
    )


def _check_arguments(model: Any, epochs: Any, batch_size: Any, lr: Any, beta: Any) -> None:
    if not isinstance(model, nn.Module) or not all(
        callable(getattr(model, name, None)) for name in ("encode", "decode")
    ):
        raise TypeError(
            f"model must be an nn.Module with encode(x) and decode(z) methods; "
            f"got {type(model).__name__}"
        )
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1; got {value!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a float > 0; got {lr!r}")
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise ValueError(f"beta must be a float >= 0; got {beta!r}")
