"""Watch a latent space learn: encode again with new weights, align, animate, keep snapshots.

``update`` re-encodes the data with the model's current weights (or new models), aligns the new
map to the one on show so that points move only as far as their codes did, and keeps the view:
selection, pin, colour, projection. Each update may keep a snapshot; the snapshots' maps travel to
the browser as one array, so the history slider replays them without the kernel.
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import traitlets

from .._engine.model import LatentModel, LatentWarning
from .._engine.store import LatentStore
from .._widget.core import ROWS_CHANGED, ExplorerCore, SnapshotPreviews
from .._widget.feature import Feature, synced
from .._widget.serialization import array_trait

#: Most snapshots kept, and the bound of their codes and maps in bytes; the oldest go first.
MAX_SNAPSHOTS = 100
MAX_SNAPSHOT_BYTES = 2 * 2**30
#: Bound of the snapshots' maps sent to the browser (S x N x 2 float32, N the rows drawn); older
#: ones are dropped.
MAX_HISTORY_BYTES = 256 * 2**20
#: Snapshots whose decoded previews are kept at once (one small store each, the least recently
#: previewed dropped first), and the bound of each one's decoded outputs.
MAX_SNAPSHOT_STORES = 4
SNAPSHOT_CACHE_BYTES = 32 * 2**20


@dataclass(frozen=True)
class Snapshot:
    """One state of a latent space: the codes, their map and a name such as ``"epoch 3"``.

    ``decoder`` is a copy (``copy.deepcopy``) of the decoder of that moment when it was kept
    (``keep_decoder=True``): previews of the snapshot decode its codes with it. Without one, they
    decode the snapshot's codes with the current decoder.
    """

    name: str
    latents: torch.Tensor
    coords: np.ndarray
    projection: str
    decoder: Callable[..., Any] | None = None


class HistoryFeature(Feature):
    """Traits and methods of ``update`` and the history slider."""

    _history = array_trait(
        help="(S, N, 2) float32 aligned maps of the kept snapshots (N: the drawn points' rows)",
        parts=("history",),
    )
    _history_names = synced(traitlets.List(traitlets.Unicode()), "history")
    _history_decoders = synced(traitlets.List(traitlets.Bool()), "history")

    def _attach(self, core: ExplorerCore) -> None:
        self._snapshots: list[Snapshot] = []
        self._shown: list[Snapshot] = []  # the snapshots of `_history`, as the slider numbers them
        self._snapshot_stores = SnapshotStores()
        core.snapshots = SnapshotPreviews(count=lambda: len(self._shown), decode=self._decode)
        core.events.on(ROWS_CHANGED, lambda rows: self._send_history())
        core.exports["history"] = lambda: [(s.name, s.coords) for s in self._snapshots]

    def _decode(self, snapshot: int, index: int) -> torch.Tensor:
        """Decode point ``index`` as snapshot ``snapshot`` of the slider saw it (see SnapshotStores)."""
        return self._snapshot_stores.get(self._shown[snapshot], self._core.store).decode_one(index)

    @property
    def history(self) -> list[Snapshot]:
        """The kept snapshots, oldest first (see :meth:`update`)."""
        return list(self._snapshots)

    def update(
        self,
        encoder: Callable[..., Any] | None = None,
        decoder: Callable[..., Any] | None = None,
        *,
        keep: bool = False,
        name: str | None = None,
        keep_decoder: bool = False,
        progress: bool = False,
    ) -> None:
        """Encode the data again, with the current weights or new models, and move the points.

        The new map is aligned (rotation, reflection, shift) to the one on show; the selection,
        the pinned point, the colour and the projection stay; the cache of decoded outputs is
        dropped, as the decoder changed. Called from a training loop in the same kernel, the map
        follows while the cell runs.

        Parameters
        ----------
        encoder, decoder : callable, optional
            New models; by default the ones the explorer has (whose weights may have changed).
        keep : bool, default False
            Keep a snapshot (codes, map, name) for :attr:`history` and the history slider. The
            call then waits for a background projection to finish, to keep its final map.
            Snapshots are kept within 100 and 2 GiB of codes and maps, the oldest dropped first.
        name : str, optional
            The snapshot's name, e.g. ``"epoch 3"``; default ``"update k"``.
        keep_decoder : bool, default False
            Keep this decoder with the snapshot. A model copy per snapshot can be large, so by
            default none is kept.
        progress : bool, default False
            Show a progress bar while encoding.
        """
        core = self._core
        core.check_open()
        if not isinstance(keep, bool) or not isinstance(keep_decoder, bool):
            raise TypeError(f"keep and keep_decoder must be bools; got {keep!r}, {keep_decoder!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None; got {type(name).__name__}")
        old = core.model
        model = old
        if encoder is not None or decoder is not None:
            model = LatentModel(
                encoder if encoder is not None else old.encoder,
                decoder if decoder is not None else old.decoder,
                device=old.device,
                encoder_output=old.encoder_output,
                decoder_output=old.decoder_output,
                logits=old.logits,
                batch_size=old.batch_size,
                transform=old.transform,
                progress=progress,
            )
        latents = model.encode(core.source, progress=progress)
        if latents.shape != core.latents.shape:
            raise ValueError(
                f"encoder: the new codes have shape {tuple(latents.shape)}; the explorer's are "
                f"{tuple(core.latents.shape)} (the same items, and a map to align, need the same)"
            )
        core.replace_model(model, latents)
        if keep:
            core.scheduler.wait()
            self._keep(name, model if keep_decoder else None)

    def _keep(self, name: str | None, model: LatentModel | None) -> None:
        core = self._core
        snapshot = Snapshot(
            name=name or f"update {len(self._snapshots) + 1}",
            latents=core.latents,
            coords=core.coords().copy(),
            projection=core.drawn or "",
            decoder=_copy_decoder(model),
        )
        kept = [*self._snapshots, snapshot][-MAX_SNAPSHOTS:]
        counted = len(kept)
        while len(kept) > 1 and sum(_nbytes(s) for s in kept) > MAX_SNAPSHOT_BYTES:
            kept.pop(0)
        dropped = counted - len(kept)
        if dropped:
            warnings.warn(
                f"update(keep=True): dropped the oldest {dropped} snapshot(s) to keep the "
                f"history within {MAX_SNAPSHOT_BYTES / 2**30:.0f} GiB of codes and maps",
                LatentWarning,
                stacklevel=3,
            )
        self._snapshots = kept
        self._send_history()

    def _send_history(self) -> None:
        """Send the browser the kept maps, as many as fit: the rows it draws (see max_drawn)."""
        if not self._snapshots:
            return
        rows = self._core.rows  # the same points in every snapshot: the same items
        per_map = 8 * (len(self._snapshots[-1].coords) if rows is None else len(rows))
        shown = self._snapshots[-max(1, MAX_HISTORY_BYTES // max(per_map, 1)) :]
        self._shown = shown
        maps = [s.coords if rows is None else s.coords[rows] for s in shown]
        with self.hold_sync():
            # the flags first: the browser reads all three when the maps or the names change
            self._history_decoders = [s.decoder is not None for s in shown]
            self._history = np.stack(maps).astype(np.float32, copy=False)
            self._history_names = [s.name for s in shown]


def _nbytes(snapshot: Snapshot) -> int:
    latents = snapshot.latents
    return latents.element_size() * latents.nelement() + snapshot.coords.nbytes


def _copy_decoder(model: LatentModel | None) -> Callable[..., Any] | None:
    """A copy of the model's decoder, so that training it on does not change the snapshot's."""
    if model is None or model.decoder is None:
        return None
    try:
        return copy.deepcopy(model.decoder)
    except Exception as error:
        raise TypeError(
            f"keep_decoder=True: the decoder could not be copied ({type(error).__name__}: {error}); "
            "pass an nn.Module or a copyable callable, or keep no decoder"
        ) from error


class SnapshotStores:
    """Decode a snapshot's codes for previews: one small :class:`LatentStore` per snapshot.

    A store decodes the snapshot's codes with its kept decoder, or with the live store's model when
    none was kept; such a store is made again with each new live store (``update`` makes one, as
    the weights may have changed in place). Each store caches its
    decoded outputs by point index within ``cache_bytes`` and batches concurrent requests; the
    ``max_stores`` most recently used stores are kept, so the cache keyed by (snapshot, index)
    holds at most ``max_stores * cache_bytes``.
    """

    def __init__(
        self, max_stores: int | None = None, cache_bytes: int = SNAPSHOT_CACHE_BYTES
    ) -> None:
        self.max_stores = MAX_SNAPSHOT_STORES if max_stores is None else max_stores
        self.cache_bytes = cache_bytes
        self._stores: list[tuple[Snapshot, LatentStore | None, LatentStore]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._stores)

    def get(self, snapshot: Snapshot, live: LatentStore) -> LatentStore:
        """The store of ``snapshot`` (made now when it is not kept), as most recently used."""
        current = live.model
        owner = live if snapshot.decoder is None else None
        with self._lock:
            for i, (kept, made_for, store) in enumerate(self._stores):
                if kept is snapshot and made_for is owner:
                    self._stores.append(self._stores.pop(i))
                    return store
            decoding = current
            if snapshot.decoder is not None:
                decoding = LatentModel(
                    current.encoder,
                    snapshot.decoder,
                    device=current.device,
                    decoder_output=current.decoder_output,
                    logits=current.logits,
                    batch_size=current.batch_size,
                    progress=False,
                )
                decoding.latent_shape_ = current.latent_shape_
            store = LatentStore(decoding, snapshot.latents, self.cache_bytes)
            self._stores.append((snapshot, owner, store))
            del self._stores[: -self.max_stores]
            return store
