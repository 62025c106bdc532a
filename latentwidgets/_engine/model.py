"""``LatentModel``: any torch encoder (and optional decoder) behind one batched, device-aware API."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

from .data import DataSource, Transform, batch_len, head, split, to_device
from .model_checks import (
    _check_bool,
    _check_callable,
    _check_codes,
    _check_device,
    _check_positive_int,
    check_finite,
)
from .model_hints import _hints
from .modules import _device_of, _eval_mode, _module_of
from .outputs import OutputRule, check_rule, describe, pick
from .progress import encoding_progress
from .shape_hints import check_not_reconstruction, shape_hint

ProgressCallback = Callable[[int, int], None]


class ModelError(RuntimeError):
    """The user's encoder or decoder raised, or returned something unusable."""


class LatentWarning(UserWarning):
    """A likely mistake that still gives a result, e.g. codes that change from call to call."""


class LatentModel:
    """Wrap a torch encoder and an optional decoder for batched encoding and decoding.

    Parameters
    ----------
    encoder : callable
        An ``nn.Module``, a bound method such as ``vae.encode``, or any callable taking a batch of
        data and returning latent codes in any common wrapping (see ``encoder_output``). The code
        it returns for a batch of ``B`` items must have a row per item, shape ``(B, D)`` or
        ``(B, *latent_shape)``: a ``(B,)`` tensor (one number per item) is refused, since it is
        more often a reduced or squeezed output than a code; pass
        ``encoder_output=lambda z: z[:, None]`` where one number per item is meant. A whole
        autoencoder is not an encoder: pass ``model.encoder, model.decoder``.
    decoder : callable, optional
        Maps a batch of codes, in the shape the encoder produced them, back to data space.
    device : str or torch.device, optional
        Where batches are sent, e.g. ``"cpu"``, ``"cuda:0"`` or ``"mps"``; it must exist on this
        machine. Default: the device of the encoder's (or decoder's) parameters, else the CPU.
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

    Raises
    ------
    TypeError
        If an argument has the wrong type (each message names the argument), or ``encoder`` or
        ``decoder`` is a class rather than an instance.
    ValueError
        If ``batch_size`` is below 1, or ``device`` is not a device this machine has.

    Warns
    -----
    LatentWarning
        Once per model, at the first :meth:`encode`, if encoding the same items twice gives
        different codes (an encoder that samples ``z`` instead of returning its mean, or dropout
        left on): the map would move with every encoding.
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
        _check_callable(encoder, "encoder", "callable (an nn.Module or a function)")
        if decoder is not None:
            _check_callable(decoder, "decoder", "callable (an nn.Module or a function) or None")
        if transform is not None:
            _check_callable(transform, "transform", "a callable batch -> batch, or None")
        self.encoder = encoder
        self.decoder = decoder
        self.device = _check_device(device) if device is not None else _device_of(encoder, decoder)
        self.encoder_output = check_rule(encoder_output, "encoder_output")
        self.decoder_output = check_rule(decoder_output, "decoder_output")
        self.logits = _check_bool(logits, "logits")
        self.batch_size = _check_positive_int(batch_size, "batch_size")
        self.transform = transform
        self.progress = _check_bool(progress, "progress")
        self.latent_shape_: tuple[int, ...] | None = None
        self._repeat_checked = False

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
            hints = _hints(fn, role, batch, error, self.transform if role == "encoder" else None)
            shape = None if hints else shape_hint(fn, role, batch)
            if shape is not None:
                # the shape says it all: torch's chained traceback from deep in the layer does not
                raise ModelError(
                    f"the {role} raised {type(error).__name__} on a batch ({describe(batch)}): "
                    f"{str(error).rstrip('.')}. {shape}"
                ) from None
            raise ModelError(
                " ".join(
                    [
                        f"the {role} raised {type(error).__name__} on a batch ({describe(batch)}): "
                        f"{str(error).rstrip('.')}.",
                        *hints,
                    ]
                )
            ) from error
        try:
            tensor = pick(output, rule, role=role, argument=argument)
        except (TypeError, KeyError, IndexError) as error:
            raise ModelError(str(error.args[0]) if error.args else str(error)) from error
        n = batch_len(batch)
        if role == "encoder" and tensor.ndim == 1 and n is not None and len(tensor) == n:
            raise ModelError(
                f"the encoder returned {describe(tensor)} for a batch of {n} items: one number per "
                "item, but codes need one row of at least one value per item, shape (B, D) or "
                "(B, *latent_shape). Return (B, D) codes (a squeeze() or a sum over the last "
                "dimension loses it), or, if each item's code really is one number, pass "
                "encoder_output=lambda z: z[:, None]"
            )
        if tensor.ndim == 0 or (n is not None and tensor.shape[0] != n):
            raise ModelError(
                f"the {role} returned {describe(tensor)} for a batch of {n} items; expected one "
                "row per item (a squeeze() drops the batch dimension of a batch of one)"
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
            If the encoder raises (with the likely cause where one is recognised: a dtype
            mismatch, a dict batch, a whole model passed as the encoder), returns something
            without a recognisable tensor, or returns codes without a row per item.
        TypeError
            If ``data`` is of no supported kind, or an argument has the wrong type.
        ValueError
            If the data is empty, ``batch_size`` is below 1, or a code is NaN or infinite.

        Warns
        -----
        LatentWarning
            The first time this model encodes, if the same items encode to different codes;
            and if the codes have the items' own shape (the whole autoencoder as the encoder).
        """
        size = (
            _check_positive_int(batch_size, "batch_size")
            if batch_size is not None
            else self.batch_size
        )
        show = self.progress if progress is None else _check_bool(progress, "progress")
        if callback is not None:
            _check_callable(callback, "callback", "a callable (items_done, items_total) or None")
        source = (
            data if isinstance(data, DataSource) else DataSource(data, transform=self.transform)
        )
        self._limits = {}
        chunks: list[torch.Tensor] = []
        total, done = len(source), 0

        def encode_batch(batch: Any) -> torch.Tensor:
            return self._call(self.encoder, batch, "encoder", self.encoder_output, "encoder_output")

        with (
            _eval_mode(self._modules()),
            torch.inference_mode(),
            encoding_progress(total, show=show) as bar,
        ):
            for batch in source.batches(size):
                batch = to_device(batch, self.device)
                zs = self._run(encode_batch, batch, "encoder")
                if not self._repeat_checked:
                    self._repeat_checked = True
                    self._check_repeatable(encode_batch, batch, zs)
                if not chunks:
                    check_not_reconstruction(self.encoder, batch, zs[0], LatentWarning)
                for z in zs:
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

    def _check_repeatable(
        self, encode_batch: Callable[[Any], torch.Tensor], batch: Any, zs: list[torch.Tensor]
    ) -> None:
        """Warn if the first few items of a batch encode to other codes a second time."""
        if batch_len(batch) is None:
            return
        k = min(4, len(zs[0]))
        first = zs[0][:k].reshape(k, -1).double()
        if not bool(torch.isfinite(first).all()):
            return  # encode reports non-finite codes itself, with their rows
        try:
            again = torch.cat(self._run(encode_batch, head(batch, k), "encoder"))
        except ModelError:
            # An encoder that only takes some batch sizes, or a batch that slices by another
            # axis than its items (a tuple of columns), cannot be asked again: leave it be.
            return
        if again.shape[0] != k or again[0].numel() != first.shape[1]:
            return
        again = again.reshape(k, -1).double()
        # Another batch size may take other kernels, whose rounding differs in the last digits of
        # the dtype; a sampled code differs by the spread of its distribution, orders larger.
        eps = torch.finfo(zs[0].dtype).eps if zs[0].is_floating_point() else 0.0
        tolerance = max(1e-3, 10 * eps)
        scale = float(first.abs().max())
        if torch.allclose(first, again, rtol=tolerance, atol=tolerance * scale):
            return
        warnings.warn(
            LatentWarning(
                f"the encoder gave different codes for the same {k} items on two calls (largest "
                f"difference {float((first - again).abs().max()):.3g}): it is not deterministic, "
                "so the map would move with every encoding. If it samples z (as a VAE's forward "
                "does), return the mean instead: encoder_output='mu' (or the index of mu in the "
                "returned tuple), or an encoder that returns mu. If dropout is on, pass the "
                "nn.Module or its bound method so that it runs in eval mode."
            ),
            stacklevel=3,
        )

    def decode(self, codes: torch.Tensor, *, batch_size: int | None = None) -> torch.Tensor:
        """Decode codes in batches on the model's device.

        Parameters
        ----------
        codes : torch.Tensor
            ``(B, D)`` flattened codes (as :meth:`encode` returns them) or ``(B, *latent_shape_)``,
            floating point, on any device (they are moved to the model's).
        batch_size : int, optional
            Overrides the model's ``batch_size`` for this call.

        Returns
        -------
        torch.Tensor
            The decoder's outputs, ``(B, ...)``, on the model's device.

        Raises
        ------
        TypeError
            If ``codes`` is not a floating-point tensor or ``batch_size`` not an int.
        ValueError
            If the model has no decoder, or ``codes`` is empty, of the wrong shape or not finite.
        ModelError
            If the decoder raises or returns something without a recognisable tensor.
        """
        codes = self.check_codes(codes)
        size = (
            _check_positive_int(batch_size, "batch_size")
            if batch_size is not None
            else self.batch_size
        )
        with self.decoding() as decode_batch:
            outputs = [decode_batch(codes[i : i + size]) for i in range(0, len(codes), size)]
        return torch.cat(outputs)

    def check_codes(self, codes: torch.Tensor) -> torch.Tensor:
        """``codes`` checked (floating point, finite, not empty) and in the decoder's shape.

        Raises
        ------
        TypeError, ValueError
            As :meth:`decode` does, for codes it would refuse.
        """
        if self.decoder is None:
            raise ValueError("this LatentModel has no decoder: pass decoder= to decode codes")
        return self._unflatten(_check_codes(codes))

    @contextlib.contextmanager
    def decoding(self) -> Iterator[Callable[[torch.Tensor], torch.Tensor]]:
        """One pass of decoder calls: eval mode and inference mode are entered once, not per batch.

        Yields
        ------
        callable
            ``decode_batch(codes) -> outputs`` for one batch of codes from :meth:`check_codes`
            (not checked again: a pass over 70k items pays the checks once, not per batch).
            While the pass runs, other threads' passes wait (see ``_eval_mode``).
        """
        decoder = self.decoder
        if decoder is None:
            raise ValueError("this LatentModel has no decoder: pass decoder= to decode codes")
        self._limits = {}

        def call(batch: torch.Tensor) -> torch.Tensor:
            out = self._call(decoder, batch, "decoder", self.decoder_output, "decoder_output")
            return torch.sigmoid(out) if self.logits else out

        def decode_batch(codes: torch.Tensor) -> torch.Tensor:
            outputs = self._run(call, codes.to(self.device), "decoder")
            return outputs[0] if len(outputs) == 1 else torch.cat(outputs)

        with _eval_mode(self._modules()), torch.inference_mode():
            yield decode_batch

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
