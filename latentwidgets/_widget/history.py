"""Watch a latent space learn: encode again with new weights, align, animate, keep snapshots.

``update`` re-encodes the data with the model's current weights (or new models), aligns the new
map to the one on show so that points move only as far as their codes did, and keeps the view:
selection, pin, colour, projection. Each update may keep a snapshot; the snapshots' maps travel to
the browser as one array, so the history slider replays them without the kernel.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import traitlets

from .._engine.model import LatentModel
from .._engine.store import LatentStore
from .host import ExplorerHost
from .serialization import array_trait

#: Most snapshots kept; the oldest go first.
MAX_SNAPSHOTS = 100
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


class HistoryView(ExplorerHost):
    """Traits and methods of ``update`` and the history slider."""

    _history = array_trait(
        help="(S, N, 2) float32 aligned maps of the kept snapshots (N: the drawn points' rows)"
    )
    _history_names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    _history_decoders = traitlets.List(traitlets.Bool()).tag(sync=True)
    # Counts the models update() has put in place: the browser's cached previews of older ones
    # are stale, since the same point now decodes to something else.
    _model_version = traitlets.Int(0).tag(sync=True)

    def _init_history(self) -> None:
        self._snapshots: list[Snapshot] = []
        self._shown: list[Snapshot] = []  # the snapshots of `_history`, as the slider numbers them
        self._snapshot_stores = SnapshotStores()

    def _decode_snapshot(self, snapshot: int, index: int) -> torch.Tensor:
        """Decode point ``index`` as snapshot ``snapshot`` of the slider saw it (see SnapshotStores)."""
        return self._snapshot_stores.get(self._shown[snapshot], self._store).decode_one(index)

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
        name : str, optional
            The snapshot's name, e.g. ``"epoch 3"``; default ``"update k"``.
        keep_decoder : bool, default False
            Keep this decoder with the snapshot. A model copy per snapshot can be large, so by
            default none is kept.
        progress : bool, default False
            Show a progress bar while encoding.
        """
        if not isinstance(keep, bool) or not isinstance(keep_decoder, bool):
            raise TypeError(f"keep and keep_decoder must be bools; got {keep!r}, {keep_decoder!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None; got {type(name).__name__}")
        old = self._model
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
        latents = model.encode(self._source, progress=progress)
        if latents.shape != self.latents.shape:
            raise ValueError(
                f"encoder: the new codes have shape {tuple(latents.shape)}; the explorer's are "
                f"{tuple(self.latents.shape)} (the same items, and a map to align, need the same)"
            )
        previous = self.coords if self._drawn is not None else None
        self._model = model
        self._store = LatentStore(model, latents, self._store.cache.max_bytes)
        self._model_version += 1
        self._scheduler.reset(latents, align_to=previous)
        self._has_decoder = model.has_decoder
        self._refresh_views()
        self._scheduler.show(self.projection)
        if keep:
            self.wait()
            self._keep(name, model if keep_decoder else None)

    def _keep(self, name: str | None, model: LatentModel | None) -> None:
        snapshot = Snapshot(
            name=name or f"update {len(self._snapshots) + 1}",
            latents=self.latents,
            coords=self.coords.copy(),
            projection=self.projection,
            decoder=_copy_decoder(model),
        )
        self._snapshots = [*self._snapshots, snapshot][-MAX_SNAPSHOTS:]
        self._send_history()

    def _send_history(self) -> None:
        """Send the browser the kept maps, as many as fit: the rows it draws (see max_drawn)."""
        if not self._snapshots:
            return
        rows = self._sample_rows()  # the same points in every snapshot: the same items
        per_map = 8 * (len(self._snapshots[-1].coords) if rows is None else len(rows))
        shown = self._snapshots[-max(1, MAX_HISTORY_BYTES // max(per_map, 1)) :]
        self._shown = shown
        maps = [s.coords if rows is None else s.coords[rows] for s in shown]
        with self.hold_sync():
            # the flags first: the browser reads all three when the maps or the names change
            self._history_decoders = [s.decoder is not None for s in shown]
            self._history = np.stack(maps).astype(np.float32, copy=False)
            self._history_names = [s.name for s in shown]


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
