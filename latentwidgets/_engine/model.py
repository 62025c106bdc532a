"""``LatentModel``: any torch encoder (and optional decoder) behind one batched, device-aware API."""

from __future__ import annotations

import contextlib
import itertools
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from .data import LABEL_KEYS, DataSource, Transform, batch_len, first_tensor, head, split, to_device
from .outputs import OutputRule, check_rule, describe, pick

ProgressCallback = Callable[[int, int], None]


class ModelError(RuntimeError):
    """The user's encoder or decoder raised, or returned something unusable."""


class LatentWarning(UserWarning):
    """A likely mistake that still gives a result, e.g. codes that change from call to call."""


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


_EVAL_LOCK = threading.RLock()


@contextlib.contextmanager
def _eval_mode(modules: list[torch.nn.Module]) -> Iterator[None]:
    """Put modules in eval mode and restore every submodule's own flag afterwards.

    Only the submodules in training mode are switched (and switched back): a model already in
    eval mode, the usual case, costs a walk over its modules and no ``Module.__setattr__``, which
    measured a fifth of a small decoder's time per batch. The lock keeps two threads from
    restoring each other's flags mid-call (a decode running with dropout on).
    """
    with _EVAL_LOCK:
        training = [m for module in modules for m in module.modules() if m.training]
        try:
            for m in training:
                m.training = False
            yield
        finally:
            for m in training:
                m.training = True


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be a positive int; got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


def _check_callable(value: object, name: str, what: str) -> None:
    if isinstance(value, type):
        raise TypeError(
            f"{name} is the class {value.__name__}, not an instance of it; pass "
            f"{value.__name__}(...) (with its trained weights), not the class"
        )
    if not callable(value):
        raise TypeError(f"{name} must be {what}; got {type(value).__name__}")


def _available_devices() -> list[str]:
    found = ["cpu"]
    if torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        found.append("mps")
    return found


def _check_device(device: object) -> torch.device:
    """``device`` as a torch.device that this machine has, or an error saying which it has."""
    if isinstance(device, bool) or not isinstance(device, str | torch.device | int):
        raise TypeError(
            f"device must be a str such as 'cpu' or 'cuda:0', a torch.device or None; got "
            f"{type(device).__name__} {device!r}"
        )
    # device='mps' or device=torch.device('mps') are both shown as device='mps'.
    shown = repr(str(device)) if isinstance(device, torch.device) else repr(device)
    try:
        found = torch.device(device)
    except (RuntimeError, ValueError) as error:
        raise ValueError(
            f"device={shown} is not a torch device ({error}); expected e.g. 'cpu', 'cuda', "
            f"'cuda:0' or 'mps'; this machine has: {', '.join(_available_devices())}"
        ) from error
    if found.type == "mps":
        available, count = torch.backends.mps.is_available(), 1
    else:
        # torch.cuda, torch.xpu and the like answer is_available() and device_count(); "cpu" and
        # "meta" have nothing to check.
        backend = getattr(torch, found.type, None)
        is_available = getattr(backend, "is_available", None)
        available = bool(is_available()) if callable(is_available) else True
        device_count = getattr(backend, "device_count", None)
        count = int(device_count()) if available and callable(device_count) else 1
    if not available:
        raise ValueError(
            f"device={shown}: {found.type.upper()} is not available on this machine; available "
            f"devices: {', '.join(_available_devices())}. Pass one of these, or None for the "
            "device of the encoder's parameters"
        )
    if found.type != "cpu" and found.index is not None and found.index >= count:
        raise ValueError(
            f"device={shown}: this machine has {count} {found.type} device(s), so the index "
            f"must be below {count}; available devices: {', '.join(_available_devices())}"
        )
    return found


def _parameter_dtype(module: torch.nn.Module | None) -> torch.dtype | None:
    if module is None:
        return None
    return next((p.dtype for p in module.parameters() if p.is_floating_point()), None)


def _hints(fn: Any, role: str, batch: Any, error: Exception, transform: Any) -> list[str]:
    """Likely causes and fixes of an encoder or decoder that raised, from what was passed."""
    hints = []
    if hasattr(fn, "encoder") and hasattr(fn, "decoder"):
        hints.append(
            f"The {role} looks like a whole model (it has .encoder and .decoder): pass the two "
            "halves, LatentExplorer(model.encoder, model.decoder, ...) or "
            "LatentModel(model.encoder, model.decoder)."
        )
    if isinstance(batch, Mapping) and transform is None:
        keys = [k for k in batch if k not in LABEL_KEYS] or list(batch)
        hints.append(
            f"The batch is a dict with keys {list(batch)[:8]}: if the {role} wants one of its "
            f'values, pass transform=lambda b: b["{keys[0]}"].'
        )
    tensor = first_tensor(batch)
    wanted = _parameter_dtype(_module_of(fn))
    guessed = wanted is None and tensor is not None and tensor.dtype == torch.float64
    if guessed and "ouble" in str(error):
        # A plain function hides its parameters; torch's message names the dtypes instead.
        wanted = torch.float32
    if tensor is not None and wanted is not None and tensor.dtype != wanted:
        what = "data" if role == "encoder" else "codes"
        fix = (
            "x.float() (torch) or x.astype('float32') (numpy)"
            if wanted == torch.float32
            else f"x.to({wanted})"
        )
        hints.append(
            f"The dtypes differ: the {what} are {tensor.dtype} but the {role}'s parameters are "
            f"{'probably ' if guessed else ''}{wanted}. Convert the {what}, e.g. {fix}"
            + (f", or pass transform=lambda b: b.to({wanted})." if role == "encoder" else ".")
        )
    return hints


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
            The first time this model encodes, if the same items encode to different codes.
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
            tqdm(total=total, desc="Encoding", unit="item", disable=not show, leave=False) as bar,
        ):
            for batch in source.batches(size):
                batch = to_device(batch, self.device)
                zs = self._run(encode_batch, batch, "encoder")
                if not self._repeat_checked:
                    self._repeat_checked = True
                    self._check_repeatable(encode_batch, batch, zs)
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


def _check_codes(codes: object) -> torch.Tensor:
    if not isinstance(codes, torch.Tensor):
        fix = ": pass torch.as_tensor(codes)" if isinstance(codes, np.ndarray | list) else ""
        raise TypeError(f"codes must be a torch.Tensor; got {type(codes).__name__}{fix}")
    if not codes.is_floating_point():
        raise TypeError(
            f"codes must be floating point, as encode returns them; got dtype {codes.dtype}: "
            "pass codes.float()"
        )
    if codes.ndim == 0 or codes.numel() == 0:
        raise ValueError(
            f"codes must hold at least one code, shape (B, D); got shape {tuple(codes.shape)}"
        )
    check_finite(codes if codes.ndim > 1 else codes[None], "codes")
    return codes


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
