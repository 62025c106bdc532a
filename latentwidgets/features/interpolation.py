"""The interpolation view: frames between two points, decoded in one batch, scrubbed in the browser."""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import traitlets

from .. import export as _export
from .._engine.indices import check_index
from .._widget.core import CODES_CHANGED, ExplorerCore
from .._widget.feature import Feature, synced
from .._widget.serialization import array_trait
from .._widget.status import Status
from .._widget.traits import BoundedInt, PointIndex
from ..operations.interpolation import check_method, check_steps


def frames_title(a: int, b: int, steps: int, method: str) -> str:
    """What the frames on show are, for the status line and the exported slider."""
    return f"{steps} frames from {a} to {b} ({method})"


class InterpolationFeature(Feature):
    """Traits and methods of the interpolation slider."""

    interp_a = synced(
        PointIndex(-1, help="First end point of the interpolation, or -1."),
        "interp",
        browser=True,
        session=1,
    )
    interp_b = synced(
        PointIndex(-1, help="Second end point of the interpolation, or -1."),
        "interp",
        browser=True,
        session=1,
    )
    interp_steps = synced(
        BoundedInt(
            16, low=2, high=256, meaning="frames, both ends included", help="Interpolation frames."
        ),
        "interp",
        browser=True,
        session=1,
    )
    interp_method = synced(
        traitlets.Enum(("slerp", "lerp"), "slerp", help="'slerp' or 'lerp'."),
        "interp",
        ts="InterpMethod",
        browser=True,
        session=1,
    )
    _frames = array_trait(help="(F, H, W, 4) uint8 RGBA interpolation frames", parts=("frames",))
    _path = array_trait(help="(F, 2) float32 map coordinates of the frames' codes", parts=("path",))

    def _attach(self, core: ExplorerCore) -> None:
        self._frames_tensor: torch.Tensor | None = None
        self._frames_for: tuple[int, int, int, str] | None = None
        self.observe(self._on_interp, ["interp_a", "interp_b", "interp_steps", "interp_method"])
        core.events.on(CODES_CHANGED, self._on_interp_codes)
        core.exports["frames"] = self._export_frames

    @traitlets.validate("interp_a", "interp_b")
    def _valid_end(self, proposal: Mapping[str, Any]) -> int:
        value = int(proposal["value"])
        core = getattr(self, "_core", None)
        if value != -1 and core is not None and value >= len(core):
            name = proposal["trait"].name
            raise traitlets.TraitError(
                f"{name} must be a point index in [0, {len(core)}) or -1; got {value}"
            )
        return value

    @property
    def frames(self) -> torch.Tensor | None:
        """The decoded interpolation frames on show, ``(F, ...)``, on the model's device."""
        return self._frames_tensor

    def interpolate(self, a: int, b: int, steps: int = 16, method: str = "slerp") -> torch.Tensor:
        """Decode frames between points ``a`` and ``b`` in one batch, and show them on the slider.

        Parameters
        ----------
        a, b : int
            Point indices.
        steps : int, default 16
            Number of frames, both ends included.
        method : {"slerp", "lerp"}, default "slerp"
            Spherical or linear interpolation.

        Returns
        -------
        torch.Tensor
            ``(steps, ...)`` decoded frames on the model's device.

        Raises
        ------
        ModelError
            If the decoder fails; the original exception is its ``__cause__``.
        """
        core = self._core
        core.check_open()
        if not core.model.has_decoder:
            raise ValueError("interpolation needs a decoder; this explorer has none")
        n = len(core)
        a, b = check_index(a, n, "a"), check_index(b, n, "b")
        if isinstance(steps, np.integer):
            steps = int(steps)
        check_steps(steps)
        check_method(method)
        with self.hold_trait_notifications():
            self.interp_a, self.interp_b = a, b
            self.interp_steps, self.interp_method = steps, method
        try:
            self._show_frames()  # a no-op when the trait observer has just shown these frames
        except Exception as error:
            core.report(error, "interpolation")
            raise
        core.open_panel("interpolation")
        assert self._frames_tensor is not None
        return self._frames_tensor

    def save_gif(
        self, path: str | pathlib.Path, *, fps: float = 12.0, size: int = 128
    ) -> pathlib.Path:
        """Save the interpolation frames on show as an animated GIF (forth and back).

        Parameters
        ----------
        path : str or pathlib.Path
            Where to write the file.
        fps : float, default 12
            Frames per second.
        size : int, default 128
            Width of the GIF in pixels (frames are scaled up without smoothing).

        Returns
        -------
        pathlib.Path
            The file written.
        """
        self._core.check_open()
        if self._frames_tensor is None:
            raise RuntimeError("no interpolation frames yet: call interpolate(a, b) first")
        return _export.save_gif(
            path,
            self._frames_tensor,
            fps=fps,
            size=size,
            value_range=self._core.renderer.value_range,
        )

    def _export_frames(self) -> tuple[torch.Tensor, str, np.ndarray | None] | None:
        frames, shown = self._frames_tensor, self._frames_for
        if frames is None or shown is None or len(frames) < 2:
            return None
        return frames, frames_title(*shown), self._path

    def _on_interp_codes(self, latents: torch.Tensor) -> None:
        self._frames_for = None
        self._on_interp({})

    def _on_interp(self, change: Mapping[str, Any]) -> None:
        if self.interp_a >= 0 and self.interp_b >= 0 and self._core.model.has_decoder:
            try:
                self._show_frames()
            except Exception as error:
                self._core.report(error, "interpolation")

    def _show_interp_path(self, coords: np.ndarray | None) -> None:
        self._path = coords

    def _show_frames(self) -> None:
        a, b, steps, method = self.interp_a, self.interp_b, self.interp_steps, self.interp_method
        # Setting several interp traits at once fires the observer once per trait.
        if self._frames_for == (a, b, steps, method) and self._path is not None:
            return
        store = self._core.store
        frames = store.interpolate(a, b, steps, method)  # type: ignore[arg-type]
        codes = store.interpolation_codes(a, b, steps, method)  # type: ignore[arg-type]
        rgba = self._core.renderer.render_frames(frames)
        self._frames_tensor = frames
        self._frames_for = (a, b, steps, method)
        with self.hold_sync():
            self._frames = rgba
            self._core.show_frames("interp", frames)
            self._core.place_on_map("interp", codes, self._show_interp_path)
            self._core.set_status(Status.idle(frames_title(a, b, steps, method)))
