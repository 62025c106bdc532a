"""The selection, synced both ways with the map, and framing points on it from Python."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._engine.indices import check_indices
from .._widget.feature import Feature
from .._widget.serialization import array_to_binary


class SelectionFeature(Feature):
    """The ``selected`` property and ``zoom_to``."""

    @property
    def selected(self) -> list[int]:
        """Indices of the selected points, synced both ways with the map; ``[]`` or None clears.

        Indices set here are taken as they are, even those a filter dims; a lasso, a box or a
        legend click selects only the points that pass the filter.
        """
        return [int(i) for i in self._core.selection()]

    @selected.setter
    def selected(self, indices: Sequence[int] | None) -> None:
        self._core.check_open()
        n = len(self._core)
        chosen = np.zeros(0, np.int64) if indices is None else check_indices(indices, n, "selected")
        mask = np.zeros(n, bool)
        mask[chosen] = True
        self._core.select(mask, passing_only=False)

    def zoom_to(self, indices: Sequence[int] | None = None) -> None:
        """Frame these points on the map, as the selection's zoom button does.

        On a sampled map (more points than ``max_drawn``) the browser is sent the points' bounding
        box, as it does not hold all of them.

        Parameters
        ----------
        indices : sequence of int, optional
            Points to frame, e.g. ``explorer.selected``. ``None`` or an empty sequence frames all
            points, as the fit button does.

        Raises
        ------
        TypeError
            If ``indices`` is not a sequence of integers.
        IndexError
            If an index is outside ``[0, N)``.
        """
        self._core.check_open()
        chosen = None if indices is None else check_indices(indices, len(self._core), "indices")
        if chosen is None or len(chosen) == 0:
            self.send({"kind": "lw-zoom", "indices": None})
            return
        chosen = np.unique(chosen)
        # a sampled map has not all the points in the browser: it is sent their bounding box
        region = self._core.region_of(chosen)
        if region is not None:
            self.send({"kind": "lw-zoom", "indices": None, "region": region})
            return
        payload = array_to_binary(chosen.astype(np.uint32))
        assert payload is not None
        view = payload.pop("view")
        self.send({"kind": "lw-zoom", "indices": payload}, [view])
