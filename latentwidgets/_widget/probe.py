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
from anywidget.experimental import command

from ..operations.probe import code_at, grid
from .host import ExplorerHost
from .traits import map_number

MANIFOLD_MAX_GRID = 32


class ProbeView(ExplorerHost):
    """Traits and methods of the probe tool and the manifold layer."""

    _probe_exact = traitlets.Bool(True).tag(sync=True)

    def _codes_at(self, xy: np.ndarray) -> tuple[torch.Tensor, bool]:
        if self._drawn is None:
            raise RuntimeError("no projection is on the map yet: wait() for it first")
        name = self._drawn
        projection, scheduler = self._scheduler.fitted(name), self._scheduler
        # a map aligned to an earlier one is turned back into the projection's own units
        coords = scheduler.unalign(name, scheduler.coords(name))
        return code_at(projection, coords, self.latents, scheduler.unalign(name, xy))

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
        xy = np.array([[map_number(x, "x"), map_number(y, "y")]])
        return self._codes_at(xy)[0][0]

    def decode_at(self, x: float, y: float) -> torch.Tensor:
        """Decode the code at map coordinates ``(x, y)`` (see :meth:`code_at`).

        Returns
        -------
        torch.Tensor
            The decoded output, on the model's device.
        """
        return self._store.decode_codes(self.code_at(x, y)[None])[0]

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
        _check_grid(grid)
        if bounds is None:
            points = self.coords
            (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
            bounds = (float(x0), float(x1), float(y0), float(y1))
        elif not isinstance(bounds, tuple | list) or len(bounds) != 4:
            raise ValueError(f"bounds must be (x0, x1, y0, y1); got {bounds!r}")
        places = _grid(bounds, grid)
        codes, _ = self._codes_at(places)
        return self._store.decode_codes(codes), places

    @command
    def probe(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the probe tool: ``{x, y}`` -> the decoded image there (``{error}`` if not)."""
        x = msg.get("x") if isinstance(msg, Mapping) else None
        y = msg.get("y") if isinstance(msg, Mapping) else None
        try:
            xy = np.array([[map_number(x, "x"), map_number(y, "y")]])
            codes, exact = self._codes_at(xy)
            decoded = self._store.decode_codes(codes)
            rgba = self._renderer.render_frames(decoded)[0]
        except Exception as error:
            self._report(error, "probe")
            return {"x": x, "y": y, "recon": None, "error": f"{type(error).__name__}: {error}"}, []
        height, width, _ = rgba.shape
        image = {"kind": "image", "width": width, "height": height, "buffer": 0}
        return {"x": x, "y": y, "exact": exact, "recon": image}, [rgba.tobytes()]

    @command
    def manifold_command(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the manifold layer: ``{x0, x1, y0, y1, grid}`` -> the tiles, as one buffer."""
        try:
            if not isinstance(msg, Mapping):
                raise TypeError(f"a manifold request must be a mapping; got {msg!r:.60}")
            bounds = tuple(map_number(msg.get(k), k) for k in ("x0", "x1", "y0", "y1"))
            size = msg.get("grid", 12)
            places = _grid(bounds, size)
            codes, exact = self._codes_at(places)
            rgba = self._renderer.render_frames(self._store.decode_codes(codes))
        except Exception as error:
            self._report(error, "manifold")
            return {"error": f"{type(error).__name__}: {error}"}, []
        _, height, width, _ = rgba.shape
        response = {"grid": size, "width": width, "height": height, "exact": exact, "buffer": 0}
        return {**response, **dict(zip(("x0", "x1", "y0", "y1"), bounds, strict=True))}, [
            rgba.tobytes()
        ]


def _grid(bounds: tuple[float, ...], size: int) -> np.ndarray:
    _check_grid(size)
    x0, x1, y0, y1 = bounds
    return grid((x0, x1, y0, y1), size)


def _check_grid(size: object) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MANIFOLD_MAX_GRID:
        raise ValueError(f"grid must be an int in [2, {MANIFOLD_MAX_GRID}]; got {size!r}")
