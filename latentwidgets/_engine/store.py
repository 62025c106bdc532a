"""Latent codes on the model's device, and their decoded outputs in a bounded cache.

Single-point requests that arrive while a decode is running are coalesced: they wait and are decoded
together in the next batch, so a burst of hover requests costs one decoder call, not one each.

How :meth:`LatentStore.decode_one` coalesces
--------------------------------------------
A request is pending until a batch takes it, running while that batch decodes, and settled (a
result or an error) after. At most one thread leads at a time: it takes every pending request as one
batch, decodes it, settles it and returns; it never decodes a batch that came after its own. While
it runs, other requests wait; when it hands over, the first waiter whose request is still pending
leads the next batch. One condition variable guards the tables and every change to them notifies it,
so a waiter re-checks "settled, or nobody leads" under the lock and cannot miss its turn.

When a batch raises, it is split in halves and each half retried, down to single points: one code
that breaks the decoder fails only its own requests, the rest get their previews.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from concurrent.futures import Future

import torch

from .cache import ByteLRUCache, check_byte_bound
from .indices import check_index, check_indices
from .interpolation import Method, check_method, check_steps, interpolate
from .model import LatentModel

DEFAULT_CACHE_BYTES = 256 * 2**20


def _own_storage(row: torch.Tensor) -> torch.Tensor:
    # A row of a decoded batch is a view that keeps the whole batch alive; cached as is, the cache
    # would hold far more memory than the bytes it counts.
    return row.clone() if row.untyped_storage().nbytes() > row.nbytes else row


class LatentStore:
    """The codes of every point, and their decoded outputs through a byte-bounded LRU cache.

    Parameters
    ----------
    model : LatentModel
        Decodes the codes.
    latents : torch.Tensor
        ``(N, D)`` codes on the model's device, row ``i`` being point ``i``.
    cache_bytes : int, default 256 MiB
        Bound on the bytes of decoded outputs kept; 0 keeps none.
    """

    def __init__(
        self, model: LatentModel, latents: torch.Tensor, cache_bytes: int = DEFAULT_CACHE_BYTES
    ) -> None:
        if not isinstance(latents, torch.Tensor):
            raise TypeError(f"latents must be a torch.Tensor; got {type(latents).__name__}")
        if latents.ndim != 2:
            raise ValueError(f"latents must be (N, D) codes; got shape {tuple(latents.shape)}")
        self.model = model
        self.latents = latents
        self.cache = ByteLRUCache(check_byte_bound(cache_bytes, "cache_bytes"))
        self._changed = threading.Condition()
        self._pending: dict[int, Future[torch.Tensor]] = {}
        self._running: dict[int, Future[torch.Tensor]] = {}
        self._leading = False
        # LatentModel.decode switches the modules to eval mode and back around each call; two
        # overlapping calls would restore each other's saved flags, so decoder calls go one at a time.
        self._decoder_lock = threading.Lock()
        self.decoder_calls = 0

    def __len__(self) -> int:
        return len(self.latents)

    def _decode(self, codes: torch.Tensor) -> torch.Tensor:
        with self._decoder_lock:
            self.decoder_calls += 1
            return self.model.decode(codes)

    def decode_indices(self, indices: Sequence[int]) -> torch.Tensor:
        """Decoded outputs of points, stacked in order; only the uncached ones reach the decoder.

        Raises
        ------
        TypeError
            If ``indices`` is not a collection of integers.
        IndexError
            If an index is outside ``[0, N)``.
        ValueError
            If ``indices`` is empty.
        """
        keys: list[int] = check_indices(indices, len(self), "indices").tolist()
        if not keys:
            raise ValueError("indices must name at least one point; got an empty collection")
        found: dict[int, torch.Tensor] = {}
        missing: list[int] = []
        for i in dict.fromkeys(keys):
            value = self.cache.get(("point", i))
            if value is None:
                missing.append(i)
            else:
                found[i] = value
        if missing:
            decoded = self._decode(self.latents[missing])
            for i, row in zip(missing, decoded, strict=True):
                found[i] = row
                self.cache.put(("point", i), _own_storage(row))
        return torch.stack([found[i] for i in keys])

    def decode_one(self, index: int) -> torch.Tensor:
        """Decode one point; concurrent callers share decoder batches.

        Raises
        ------
        ModelError
            If the decoder raises on this point's code (other points of its batch are unaffected).
        """
        index = check_index(index, len(self), "index")
        with self._changed:
            # Looked up under the lock: a batch caches its rows and retires its requests in one
            # step, so a point is found either cached or in flight, never decoded twice.
            cached = self.cache.get(("point", index))
            if cached is not None:
                return cached
            future = self._running.get(index)
            if future is None:
                future = self._pending.setdefault(index, Future())
            while self._leading and not future.done():
                self._changed.wait()
            if future.done():
                return future.result()
            # Nobody leads and this request is pending (running requests exist only under a
            # leader), so this thread leads the batch of everything pending.
            self._leading = True
            self._running, self._pending = self._pending, {}
            batch = list(self._running)
        try:
            self._settle(batch)
        finally:
            with self._changed:
                # Normally every request is settled and retired by now; after an interrupt (a
                # BaseException from the decoder) the rest go back to the queue for a waiter to lead.
                self._pending.update(self._running)
                self._running = {}
                self._leading = False
                self._changed.notify_all()
        return future.result()

    def _settle(self, indices: list[int]) -> None:
        """Decode a batch and settle its requests; bisect a batch that raises."""
        try:
            decoded = self._decode(self.latents[indices])
        except Exception as error:
            if len(indices) == 1:
                self._publish(indices, error=error)
                return
        else:
            self._publish(indices, decoded=decoded)
            return
        # Outside the except block, so retried errors do not chain onto this one.
        half = len(indices) // 2
        self._settle(indices[:half])
        self._settle(indices[half:])

    def _publish(
        self,
        indices: list[int],
        decoded: torch.Tensor | None = None,
        error: BaseException | None = None,
    ) -> None:
        with self._changed:
            for n, i in enumerate(indices):
                future = self._running[i]
                if decoded is None:
                    future.set_exception(error)
                else:
                    row = _own_storage(decoded[n])
                    self.cache.put(("point", i), row)
                    future.set_result(row)
                # Retired only once settled: a request that is neither goes back to the queue.
                del self._running[i]
            self._changed.notify_all()

    def _check_path(self, a: object, b: object, steps: object, method: object) -> tuple[int, int]:
        """Validate an interpolation's arguments; return its end points as ints."""
        a, b = check_index(a, len(self), "a"), check_index(b, len(self), "b")
        check_steps(steps)
        check_method(method)
        return a, b

    def interpolation_codes(
        self, a: int, b: int, steps: int = 16, method: Method = "slerp"
    ) -> torch.Tensor:
        """Codes of the frames between points ``a`` and ``b``."""
        a, b = self._check_path(a, b, steps, method)
        return interpolate(self.latents[a], self.latents[b], steps, method)

    def interpolate(
        self, a: int, b: int, steps: int = 16, method: Method = "slerp"
    ) -> torch.Tensor:
        """Decoded frames between points ``a`` and ``b``, decoded in one batch and cached."""
        a, b = self._check_path(a, b, steps, method)
        key: Hashable = ("interp", a, b, steps, method)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        frames = self._decode(interpolate(self.latents[a], self.latents[b], steps, method))
        self.cache.put(key, frames)
        return frames

    def decode_codes(self, codes: torch.Tensor, key: Hashable | None = None) -> torch.Tensor:
        """Decode new codes (samples, traversals, probes) in one batch, cached under ``key``.

        ``key`` names codes that are the same every time it is given (a traversal's point,
        direction, span and steps); without one nothing is cached.
        """
        if key is not None:
            cached = self.cache.get(("codes", key))
            if cached is not None:
                return cached
        decoded = self._decode(codes)
        if key is not None:
            self.cache.put(("codes", key), decoded)
        return decoded
