"""Decode anywhere: the code at a place on the map, a probe under the mouse, the decoded manifold.

PCA maps back exactly through its inverse, UMAP through umap-learn's ``inverse_transform``; t-SNE
and the others mix the codes of the nearest points on the map, weighted by inverse distance, and
say so (``_probe_exact``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import traitlets

from .._widget.core import LAYOUT_CHANGED, ExplorerCore
from .._widget.feature import Feature, command, synced
from .._widget.traits import map_number
from ..operations.probe import check_position, code_at, grid

MANIFOLD_MAX_GRID = 32


class ProbeFeature(Feature):
    """Traits and methods of the probe tool and the manifold layer."""

    _probe_exact = synced(traitlets.Bool(True), "controls")

    def _attach(self, core: ExplorerCore) -> None:
        core.events.on(LAYOUT_CHANGED, self._on_probe_layout)

    def _on_probe_layout(self, name: str, coords: np.ndarray, final: bool) -> None:
        if final:
            self._probe_exact = self._core.scheduler.fitted(name).can_inverse_transform

    def _codes_at(self, xy: np.ndarray) -> tuple[torch.Tensor, bool]:
        core = self._core
        name = core.drawn
        if name is None:
            raise RuntimeError("no projection is on the map yet: wait() for it first")
        projection, scheduler = core.scheduler.fitted(name), core.scheduler
        # a map aligned to an earlier one is turned back into the projection's own units
        coords = scheduler.unalign(name, scheduler.coords(name))
        return code_at(projection, coords, core.latents, scheduler.unalign(name, xy))

    def code_at(self, x: float, y: float) -> torch.Tensor:
        """The latent code at map coordinates ``(x, y)`` of the projection on show.

        Exact for PCA (its inverse) and UMAP (umap-learn's ``inverse_transform``); for t-SNE and
        the others, the codes of the 8 nearest points on the map mixed by inverse distance, an
        approximation (``explorer._probe_exact`` says which).

        Parameters
        ----------
        x, y : float
            Map coordinates, in the units of :attr:`coords`.

        Returns
        -------
        torch.Tensor
            ``(D,)`` on the model's device.
        """
        self._core.check_open()
        coords = self._core.coords()
        xy = np.array([[map_number(x, "x"), map_number(y, "y")]])
        check_position(xy[0, 0], coords, "x", axis=0)
        check_position(xy[0, 1], coords, "y", axis=1)
        return self._codes_at(xy)[0][0]

    def decode_at(self, x: float, y: float) -> torch.Tensor:
        """Decode the code at map coordinates ``(x, y)`` (see :meth:`code_at`).

        Returns
        -------
        torch.Tensor
            The decoded output, on the model's device.
        """
        self._core.check_open()
        return self._core.store.decode_codes(self.code_at(x, y)[None])[0]

    def manifold(
        self, grid: int = 12, bounds: tuple[float, float, float, float] | None = None
    ) -> tuple[torch.Tensor, np.ndarray]:
        """Decode a ``grid`` x ``grid`` lattice of map places in one batch: the decoded manifold.

        Parameters
        ----------
        grid : int, default 12
            Cells a side, in ``[2, 32]``.
        bounds : (x0, x1, y0, y1), optional
            The region; default: the extent of the points on the map.

        Returns
        -------
        decoded : torch.Tensor
            ``(grid * grid, ...)`` decoded outputs, row by row from the top (largest y) left to right.
        coords : numpy.ndarray
            ``(grid * grid, 2)`` the map coordinates decoded.
        """
        self._core.check_open()
        _check_grid(grid)
        if bounds is None:
            points = self._core.coords()
            (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
            bounds = (float(x0), float(x1), float(y0), float(y1))
        elif not isinstance(bounds, tuple | list) or len(bounds) != 4:
            raise ValueError(f"bounds must be (x0, x1, y0, y1); got {bounds!r}")
        places = _grid(bounds, grid, self._core.coords())
        codes, _ = self._codes_at(places)
        return self._core.store.decode_codes(codes), places

    @command("probe", fields={"x": "number", "y": "number"}, echo=("x", "y"))
    def probe(self, msg: Mapping[str, Any], buffers: list[bytes]) -> Any:
        """Answer the probe tool: ``{x, y}`` -> the decoded image there (``{error}`` if not)."""
        x, y = msg["x"], msg["y"]
        xy = np.array([[map_number(x, "x"), map_number(y, "y")]])
        codes, exact = self._codes_at(xy)
        rgba = self._core.renderer.render_frames(self._core.store.decode_codes(codes))[0]
        height, width, _ = rgba.shape
        image = {"kind": "image", "width": width, "height": height, "buffer": 0}
        return {"x": x, "y": y, "exact": exact, "recon": image}, [rgba.tobytes()]

    @command("manifold", fields={"grid": "int?"})
    def manifold_command(self, msg: Mapping[str, Any], buffers: list[bytes]) -> Any:
        """Answer the manifold layer: ``{x0, x1, y0, y1, grid}`` -> the tiles, as one buffer."""
        bounds = tuple(map_number(msg.get(k), k) for k in ("x0", "x1", "y0", "y1"))
        size = int(msg.get("grid", 12))
        places = _grid(bounds, size)
        codes, exact = self._codes_at(places)
        rgba = self._core.renderer.render_frames(self._core.store.decode_codes(codes))
        _, height, width, _ = rgba.shape
        response = {"grid": size, "width": width, "height": height, "exact": exact, "buffer": 0}
        return {**response, **dict(zip(("x0", "x1", "y0", "y1"), bounds, strict=True))}, [
            rgba.tobytes()
        ]


def _grid(bounds: tuple[float, ...], size: int, coords: np.ndarray | None = None) -> np.ndarray:
    _check_grid(size)
    x0, x1, y0, y1 = bounds
    return grid((x0, x1, y0, y1), int(size), coords=coords)


def _check_grid(size: object) -> None:
    if isinstance(size, np.integer) and not isinstance(size, np.bool_):
        size = int(size)
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MANIFOLD_MAX_GRID:
        raise ValueError(f"grid must be an int in [2, {MANIFOLD_MAX_GRID}]; got {size!r}")
