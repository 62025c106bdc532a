"""Retrain the pretrained models shipped with latentwidgets.

Usage::

    python -m latentwidgets.models.train --all
    python -m latentwidgets.models.train digits-ae shapes-vae --out /tmp/weights

Training is deterministic: fixed seeds, fixed epochs, CPU, one thread. Each model trains on
the training part of its data set and the script prints its reconstruction error on the
held-out part (:func:`held_out_error`).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from safetensors.torch import save_file

from latentwidgets.models._metrics import image_mse
from latentwidgets.models._pretrained import PRETRAINED, WEIGHTS_DIR, PretrainedSpec
from latentwidgets.models._training import train_autoencoder

__all__ = ["held_out_error", "held_out_mse", "main", "save_pretrained", "train_pretrained"]

_SEED = 0


def train_pretrained(spec_name: str, out_dir: Path, *, progress: bool = True) -> float:
    """Train one named model, save ``<out_dir>/<name>.safetensors`` and return its held-out error.

    Parameters
    ----------
    spec_name : str
        A name from :func:`latentwidgets.models.available_models`.
    out_dir : Path
        Folder to write the weights to; created if missing.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    float
        The spec's error measure on the held-out split (:func:`held_out_error`).
    """
    spec = PRETRAINED[spec_name]
    train, _ = spec.splits()
    with _reproducible():
        torch.manual_seed(_SEED)
        model = spec.build()
        train_autoencoder(
            model,
            train,
            epochs=spec.epochs,
            batch_size=spec.batch_size,
            lr=spec.lr,
            beta=spec.beta,
            device="cpu",
            seed=_SEED,
            progress=progress,
        )
    return save_pretrained(model, spec, out_dir)


@contextmanager
def _reproducible() -> Iterator[None]:
    # One thread fixes the order of floating-point reductions, so reruns give identical
    # weights, and it avoids OpenMP threads fighting over a small CPU.
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def save_pretrained(model: torch.nn.Module, spec: PretrainedSpec, out_dir: Path) -> float:
    """Save a trained model's weights in float16 and return its held-out error after rounding.

    Half precision halves the files at no visible cost; the error is measured on the rounded
    weights, exactly as :func:`latentwidgets.models.load_pretrained` will load them.

    Parameters
    ----------
    model : torch.nn.Module
        The trained model built by ``spec``.
    spec : PretrainedSpec
        Its pretrained-model description.
    out_dir : Path
        Folder to write ``<name>.safetensors`` to; created if missing.

    Returns
    -------
    float
        The spec's error measure on the held-out split (:func:`held_out_error`).
    """
    state = {
        key: value.half() if value.is_floating_point() else value
        for key, value in model.state_dict().items()
    }
    model.load_state_dict(state)
    error = held_out_error(model.eval(), spec)
    metadata = {
        "architecture": getattr(spec.architecture, "__name__", str(spec.architecture)),
        **{key: str(value) for key, value in spec.config.items()},
        "dataset": getattr(spec.dataset, "__name__", str(spec.dataset)),
        f"held_out_{spec.metric_key}": f"{error:.6f}",
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(state, out_dir / f"{spec.name}.safetensors", metadata=metadata)
    return error


def held_out_error(model: torch.nn.Module, spec: PretrainedSpec) -> float:
    """Return the spec's error measure (lower is better) on its held-out split.

    Image models: mean squared error per pixel. ``tones-vae``: log-spectral distance in dB.
    ``words-vae``: the fraction of words not decoded back exactly.

    Parameters
    ----------
    model : torch.nn.Module
        A model whose forward pass reconstructs its input.
    spec : PretrainedSpec
        The pretrained-model description naming the data set, split and measure.

    Returns
    -------
    float
        The error on the held-out split.
    """
    _, test = spec.splits()
    return spec.metric(model, test)


def held_out_mse(model: torch.nn.Module, spec: PretrainedSpec) -> float:
    """Return the mean squared reconstruction error per pixel on the spec's held-out split.

    Parameters
    ----------
    model : torch.nn.Module
        A model whose forward pass reconstructs its input.
    spec : PretrainedSpec
        The pretrained-model description naming the data set and split.

    Returns
    -------
    float
        Mean squared error over all held-out pixels.
    """
    _, test = spec.splits()
    return image_mse(model, test)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and retrain the requested models.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.
    """
    parser = argparse.ArgumentParser(
        prog="python -m latentwidgets.models.train",
        description="Retrain latentwidgets' pretrained models deterministically on the CPU.",
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"models to train: {', '.join(PRETRAINED)}"
    )
    parser.add_argument("--all", action="store_true", help="train every model")
    parser.add_argument(
        "--out",
        type=Path,
        default=WEIGHTS_DIR,
        help=f"folder for the .safetensors files (default: {WEIGHTS_DIR})",
    )
    parser.add_argument("--quiet", action="store_true", help="hide progress bars")
    args = parser.parse_args(argv)
    if args.all == bool(args.names):
        parser.error("give either --all or one or more model names")
    unknown = [name for name in args.names if name not in PRETRAINED]
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)}; choose from {', '.join(PRETRAINED)}")

    for name in PRETRAINED if args.all else args.names:
        start = time.perf_counter()
        error = train_pretrained(name, args.out, progress=not args.quiet)
        elapsed = time.perf_counter() - start
        measure = PRETRAINED[name].metric_name
        print(f"{name}: held-out {measure} {error:.5f} ({elapsed:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
