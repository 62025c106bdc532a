"""``LatentModel``: any torch encoder (and optional decoder) behind one batched, device-aware API."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from .data import DataSource, Transform, batch_len, split, to_device
from .outputs import OutputRule, describe, pick

ProgressCallback = Callable[[int, int], None]


class ModelError(RuntimeError):
    """The user's encoder or decoder raised, or returned something unusable."""


def _module_of(fn: Any) -> torch.nn.Module | None:
    if isinstance(fn, torch.nn.Module):
        return fn
    owner = getattr(fn, "__self__", None)
    return owner if isinstance(owner, torch.nn.Module) else None


def _device_of(*fns: Any) -> torch.device:
    for fn in fns:
        module = _module_of(fn)
        if module is not None:
            tensor = next(itertools.chain(module.parameters(), module.buffers()), None)
            if tensor is not None:
                return tensor.device
    return torch.device("cpu")


@contextlib.contextmanager
def _eval_mode(modules: list[torch.nn.Module]) -> Iterator[None]:
    """Put modules in eval mode and restore every submodule's own flag afterwards."""
    saved = {m: m.training for module in modules for m in module.modules()}
    try:
        for module in modules:
            module.eval()
        yield
    finally:
        for m, training in saved.items():
            m.training = training


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return value


class LatentModel:
    """Wrap a torch encoder and an optional decoder for batched encoding and decoding.

    Parameters
    ----------
    encoder : callable
        An ``nn.Module``, a bound method such as ``vae.encode``, or any callable taking a batch of
        data and returning latent codes in any common wrapping (see ``encoder_output``).
    decoder : callable, optional
        Maps a batch of codes, in the shape the encoder produced them, back to data space.
    device : str or torch.device, optional
        Where batches are sent. Default: the device of the encoder's (or decoder's) parameters,
        else the CPU.
    encoder_output : int, str or callable, optional
        How to find the code in the encoder's output. None (default) applies these rules: a Tensor
        is taken as is; a tuple or list gives its first element (``mu`` of ``(mu, logvar)``, ``z``
        of ``(z, mu, logvar)``: pass ``encoder_output=1`` for the ``mu`` of the latter); a dict,
        dataclass or namedtuple gives the first of the fields ``mu, mean, loc, z, latent, latents,
        code, embedding``; a ``torch.distributions.Distribution`` gives its mean; an object with
        ``latent_dist`` (diffusers' autoencoders) gives that distribution's mean; an object with a
        tensor ``mean`` or ``loc`` gives it. An int indexes a tuple, a str names a key or attribute,
        a callable ``output -> Tensor`` overrides everything.
    decoder_output : int, str or callable, optional
        The same for the decoder, with the fields ``sample, x, x_hat, x_recon, recon,
        reconstruction, mean, loc, images, image, output, logits``.
    logits : bool, default False
        Apply a sigmoid to the decoder's output (for decoders that return logits).
    batch_size : int, default 256
        Items per encoder or decoder call. Halved and retried on CUDA out-of-memory errors.
    transform : callable, optional
        Called on each batch of data right before the encoder (a list of PIL images arrives as a
        list); its result is what the encoder receives.
    progress : bool, default True
        Show a tqdm progress bar while encoding.

    Attributes
    ----------
    latent_shape_ : tuple of int
        Shape of one item's code as the encoder returned it, e.g. ``(4, 8, 8)`` for spatial codes.
        Set by :meth:`encode`; codes are flattened to ``(N, prod(latent_shape_))`` for projection.
    """

    def __init__(
        self,
        encoder: Callable[..., Any],
        decoder: Callable[..., Any] | None = None,
        *,
        device: str | torch.device | None = None,
        encoder_output: OutputRule = None,
        decoder_output: OutputRule = None,
        logits: bool = False,
        batch_size: int = 256,
        transform: Transform | None = None,
        progress: bool = True,
    ) -> None:
        if not callable(encoder):
            raise TypeError(
                f"encoder must be callable (an nn.Module or a function); got {type(encoder).__name__}"
            )
        if decoder is not None and not callable(decoder):
            raise TypeError(f"decoder must be callable or None; got {type(decoder).__name__}")
        if transform is not None and not callable(transform):
            raise TypeError(f"transform must be callable or None; got {type(transform).__name__}")
        self.encoder = encoder
        self.decoder = decoder
        self.device = torch.device(device) if device is not None else _device_of(encoder, decoder)
        self.encoder_output = encoder_output
        self.decoder_output = decoder_output
        self.logits = bool(logits)
        self.batch_size = _check_positive_int(batch_size, "batch_size")
        self.transform = transform
        self.progress = progress
        self.latent_shape_: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        name = type(_module_of(self.encoder) or self.encoder).__name__
        return f"LatentModel(encoder={name}, decoder={'yes' if self.decoder else 'None'}, device={self.device})"

    @property
    def has_decoder(self) -> bool:
        """Whether a decoder was given."""
        return self.decoder is not None

    def _modules(self) -> list[torch.nn.Module]:
        found = (_module_of(self.encoder), _module_of(self.decoder))
        return [m for m in dict.fromkeys(found) if m is not None]

    def _run(self, fn: Callable[[Any], torch.Tensor], batch: Any, role: str) -> list[torch.Tensor]:
        """Call fn on batch; on CUDA out-of-memory split the batch in halves and remember the size."""
        limit = self._limits.get(role)
        n = batch_len(batch)
        if limit is not None and n is not None and n > limit:
            halves = split(batch)
            if halves is not None:
                return self._run(fn, halves[0], role) + self._run(fn, halves[1], role)
        try:
            return [fn(batch)]
        except torch.cuda.OutOfMemoryError:
            halves = split(batch)
            if halves is None:
                raise
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            self._limits[role] = max(1, (n or 2) // 2)
            return self._run(fn, halves[0], role) + self._run(fn, halves[1], role)

    _limits: dict[str, int]

    def _call(
        self, fn: Callable[..., Any], batch: Any, role: str, rule: OutputRule, argument: str
    ) -> torch.Tensor:
        try:
            output = fn(batch)
        except torch.cuda.OutOfMemoryError:
            raise
        except Exception as error:
            shape = describe(batch)
            raise ModelError(
                f"the {role} raised {type(error).__name__} on a batch ({shape}): {error}"
            ) from error
        try:
            tensor = pick(output, rule, role=role, argument=argument)
        except (TypeError, KeyError, IndexError) as error:
            raise ModelError(str(error.args[0]) if error.args else str(error)) from error
        n = batch_len(batch)
        if tensor.ndim == 0 or (n is not None and tensor.shape[0] != n):
            raise ModelError(
                f"the {role} returned {describe(tensor)} for a batch of {n} items; expected one row per item"
            )
        return tensor

    def encode(
        self,
        data: Any,
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
        callback: ProgressCallback | None = None,
    ) -> torch.Tensor:
        """Encode all of ``data`` in batches on the model's device.

        Parameters
        ----------
        data : tensor, array, Dataset, DataLoader, list of PIL images or list
            The items, in the order that gives each its index.
        batch_size : int, optional
            Overrides the model's ``batch_size`` for this call.
        progress : bool, optional
            Overrides the model's ``progress`` for this call.
        callback : callable, optional
            Called as ``callback(items_done, items_total)`` after each batch.

        Returns
        -------
        torch.Tensor
            ``(N, D)`` codes on the model's device, spatial codes flattened.

        Raises
        ------
        ModelError
            If the encoder raises or returns something without a recognisable tensor.
        ValueError
            If the data is empty or a code is NaN or infinite.
        """
        source = (
            data if isinstance(data, DataSource) else DataSource(data, transform=self.transform)
        )
        size = (
            _check_positive_int(batch_size, "batch_size")
            if batch_size is not None
            else self.batch_size
        )
        show = self.progress if progress is None else progress
        self._limits = {}
        chunks: list[torch.Tensor] = []
        total, done = len(source), 0

        def encode_batch(batch: Any) -> torch.Tensor:
            return self._call(self.encoder, batch, "encoder", self.encoder_output, "encoder_output")

        with (
            _eval_mode(self._modules()),
            torch.inference_mode(),
            tqdm(total=total, desc="Encoding", unit="item", disable=not show, leave=False) as bar,
        ):
            for batch in source.batches(size):
                for z in self._run(encode_batch, to_device(batch, self.device), "encoder"):
                    if self.latent_shape_ is None or not chunks:
                        self.latent_shape_ = tuple(z.shape[1:])
                    elif tuple(z.shape[1:]) != self.latent_shape_:
                        raise ModelError(
                            f"the encoder returned codes of shape {tuple(z.shape[1:])} after "
                            f"{self.latent_shape_}; every item needs a code of the same shape"
                        )
                    chunks.append(z.reshape(len(z), -1))
                    done += len(z)
                    bar.update(len(z))
                    if callback is not None:
                        callback(done, total)
        codes = torch.cat(chunks)
        if not codes.is_floating_point():
            codes = codes.float()
        check_finite(codes, "the encoder's codes")
        return codes

    def decode(self, codes: torch.Tensor, *, batch_size: int | None = None) -> torch.Tensor:
        """Decode codes in batches on the model's device.

        Parameters
        ----------
        codes : torch.Tensor
            ``(B, D)`` flattened codes (as :meth:`encode` returns them) or ``(B, *latent_shape_)``.
        batch_size : int, optional
            Overrides the model's ``batch_size`` for this call.

        Returns
        -------
        torch.Tensor
            The decoder's outputs, ``(B, ...)``, on the model's device.
        """
        if self.decoder is None:
            raise ValueError("this LatentModel has no decoder: pass decoder= to decode codes")
        if not isinstance(codes, torch.Tensor):
            raise TypeError(f"codes must be a torch.Tensor; got {type(codes).__name__}")
        codes = self._unflatten(codes)
        size = (
            _check_positive_int(batch_size, "batch_size")
            if batch_size is not None
            else self.batch_size
        )
        self._limits = {}

        def decode_batch(batch: torch.Tensor) -> torch.Tensor:
            out = self._call(self.decoder, batch, "decoder", self.decoder_output, "decoder_output")
            return torch.sigmoid(out) if self.logits else out

        outputs: list[torch.Tensor] = []
        with _eval_mode(self._modules()), torch.inference_mode():
            for start in range(0, len(codes), size):
                outputs += self._run(
                    decode_batch, codes[start : start + size].to(self.device), "decoder"
                )
        return torch.cat(outputs)

    def _unflatten(self, codes: torch.Tensor) -> torch.Tensor:
        shape = self.latent_shape_
        if shape is None:
            return codes if codes.ndim > 1 else codes[None]
        if tuple(codes.shape[1:]) == shape:
            return codes
        flat = int(np.prod(shape))
        if codes.ndim == 1 and codes.numel() == flat:
            return codes.reshape(1, *shape)
        if codes.ndim == 2 and codes.shape[1] == flat:
            return codes.reshape(len(codes), *shape)
        raise ValueError(
            f"codes must have shape (B, {flat}) or (B, {', '.join(map(str, shape))}); got {tuple(codes.shape)}"
        )


def check_finite(codes: torch.Tensor, what: str) -> None:
    # NaN and inf survive a sum, so a finite sum clears every value at a fraction of the cost of
    # an elementwise mask; only a sum that is not (NaN, inf, or finite values overflowing) looks closer.
    if bool(torch.isfinite(codes.sum())):
        return
    bad = ~torch.isfinite(codes).reshape(len(codes), -1).all(dim=1)
    if bool(bad.any()):
        rows = torch.nonzero(bad).flatten()
        raise ValueError(
            f"{what} contain NaN or inf in {len(rows)} of {len(codes)} rows (first: row {int(rows[0])})"
        )
