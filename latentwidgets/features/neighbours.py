"""The neighbours view: the pinned point's nearest codes, highlighted on the map and listed.

It also counts how many of them are among the point's nearest on the 2-D map: how far the
projection keeps a neighbourhood together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import traitlets

from .._engine.indices import check_index
from .._widget.core import CODES_CHANGED, LAYOUT_CHANGED, ExplorerCore
from .._widget.feature import Feature, synced
from .._widget.serialization import array_trait
from .._widget.traits import BoundedInt
from ..operations.neighbours import map_overlap, nearest_neighbours


class NeighboursFeature(Feature):
    """Traits and methods of the neighbours of the pinned point."""

    neighbours_k = synced(
        BoundedInt(
            10,
            low=1,
            high=100,
            meaning="neighbours shown for the pinned point",
            help="Neighbours shown.",
        ),
        "neighbours",
        browser=True,
    )
    _neighbours = array_trait(
        help="(k,) uint32 latent neighbours of the pinned point", parts=("neighbours",)
    )
    _neighbour_overlap = synced(traitlets.Int(-1), "neighbours")

    def _attach(self, core: ExplorerCore) -> None:
        self._norms_for: tuple[torch.Tensor, torch.Tensor] | None = None
        self.observe(self._on_neighbours, ["pinned", "neighbours_k"])
        core.events.on(LAYOUT_CHANGED, lambda **_: self._on_neighbours())
        core.events.on(CODES_CHANGED, lambda **_: self._on_neighbours())

    def neighbours(
        self, index: int, k: int = 10, metric: str = "euclidean"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The ``k`` nearest points of point ``index`` in latent space (itself left out).

        Computed on the model's device, in chunks, so that a million codes fit.

        Parameters
        ----------
        index : int
            The point.
        k : int, default 10
            How many neighbours, in ``[1, N)``.
        metric : {"euclidean", "cosine"}, default "euclidean"
            Distance between codes (cosine: one minus the cosine similarity).

        Returns
        -------
        indices : torch.Tensor
            ``(k,)`` int64 point indices, nearest first.
        distances : torch.Tensor
            ``(k,)`` their distances.
        """
        self._core.check_open()
        latents = self._core.latents
        i = check_index(index, len(latents), "index")
        found, distances = nearest_neighbours(
            latents,
            latents[i : i + 1],
            k,
            metric=metric,
            exclude=torch.tensor([i], device=latents.device),
            squared_norms=self._squared_norms(latents),
        )
        return found[0], distances[0]

    def _squared_norms(self, latents: torch.Tensor) -> torch.Tensor:
        # Computed once per set of codes: every later search is one matrix product.
        cached = self._norms_for
        if cached is None or cached[0] is not latents:
            with torch.inference_mode():
                cached = self._norms_for = (latents, latents.square().sum(dim=1))
        return cached[1]

    def _on_neighbours(self, change: Mapping[str, Any] | None = None) -> None:
        core = self._core
        pinned, n = self.pinned, len(core)
        if pinned < 0 or n < 2:
            with self.hold_sync():
                self._neighbours, self._neighbour_overlap = None, -1
            return
        try:
            found, _ = self.neighbours(pinned, min(self.neighbours_k, n - 1))
        except Exception as error:
            core.report(error, f"neighbours of point {pinned}")
            return
        overlap = -1 if core.drawn is None else map_overlap(core.coords(), pinned, found)
        with self.hold_sync():
            self._neighbours = found.cpu().numpy().astype(np.uint32)
            self._neighbour_overlap = int(overlap)
