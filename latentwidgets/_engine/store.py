"""Latent codes on the model's device, and their decoded outputs in a bounded cache.

Single-point requests that arrive while a decode is running are coalesced: they wait and are decoded
together in the next batch, so a burst of hover requests costs one decoder call, not one each.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from concurrent.futures import Future

import torch

from ..operations.interpolation import Method, check_method, check_steps, interpolate
from .cache import ByteLRUCache
from .model import LatentModel

DEFAULT_CACHE_BYTES = 256 * 2**20


class LatentStore:
    def __init__(
        self, model: LatentModel, latents: torch.Tensor, cache_bytes: int = DEFAULT_CACHE_BYTES
    ) -> None:
        self.model = model
        self.latents = latents
        self.cache = ByteLRUCache(cache_bytes)
        self._lock = threading.Lock()
        self._pending: dict[int, Future[torch.Tensor]] = {}
        self._leader = False
        self.decoder_calls = 0

    def __len__(self) -> int:
        return len(self.latents)

    def check_index(self, index: object, name: str = "index") -> int:
        n = len(self.latents)
        if isinstance(index, bool) or not isinstance(index, int) or not -n <= index < n:
            raise IndexError(f"{name} must be an int in [0, {n}); got {index!r}")
        return index % n

    def _decode(self, codes: torch.Tensor) -> torch.Tensor:
        self.decoder_calls += 1
        return self.model.decode(codes)

    def decode_indices(self, indices: Sequence[int]) -> torch.Tensor:
        """Decoded outputs of points, stacked in order; only the uncached ones reach the decoder."""
        keys = [self.check_index(i, "indices") for i in indices]
        if not keys:
            raise ValueError("indices must name at least one point; got an empty list")
        found = {i: self.cache.get(("point", i)) for i in dict.fromkeys(keys)}
        missing = [i for i, value in found.items() if value is None]
        if missing:
            decoded = self._decode(self.latents[missing])
            for i, value in zip(missing, decoded, strict=True):
                found[i] = value
                self.cache.put(("point", i), value)
        return torch.stack([found[i] for i in keys])

    def decode_one(self, index: int) -> torch.Tensor:
        """Decode one point; concurrent callers share decoder batches."""
        index = self.check_index(index)
        cached = self.cache.get(("point", index))
        if cached is not None:
            return cached
        with self._lock:
            future = self._pending.get(index)
            if future is None:
                future = self._pending[index] = Future()
            lead = not self._leader
            self._leader = True
        if lead:
            self._drain()
        return future.result()

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, {}
                if not batch:
                    self._leader = False
                    return
            indices = list(batch)
            try:
                decoded = self._decode(self.latents[indices])
            except BaseException as error:
                for future in batch.values():
                    future.set_exception(error)
                continue
            for i, value in zip(indices, decoded, strict=True):
                self.cache.put(("point", i), value)
                batch[i].set_result(value)

    def interpolation_codes(
        self, a: int, b: int, steps: int = 16, method: Method = "slerp"
    ) -> torch.Tensor:
        """Codes of the frames between points ``a`` and ``b``."""
        a, b = self.check_index(a, "a"), self.check_index(b, "b")
        return interpolate(self.latents[a], self.latents[b], check_steps(steps), method)

    def interpolate(
        self, a: int, b: int, steps: int = 16, method: Method = "slerp"
    ) -> torch.Tensor:
        """Decoded frames between points ``a`` and ``b``, decoded in one batch and cached."""
        check_method(method)
        key: Hashable = (
            "interp",
            self.check_index(a, "a"),
            self.check_index(b, "b"),
            steps,
            method,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        frames = self._decode(self.interpolation_codes(a, b, steps, method))
        self.cache.put(key, frames)
        return frames
