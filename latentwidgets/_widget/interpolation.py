"""The interpolation view: frames between two points, decoded in one batch, scrubbed in the browser.

A mixin of :class:`~latentwidgets.LatentExplorer`: its traits and the glue between them and
:mod:`latentwidgets.operations.interpolation`. The widget provides the store, the model, the
renderer, the status line and where codes land on the map.
"""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import torch
import traitlets

from .. import export as _export
from .._engine.indices import check_index
from .._engine.model import LatentModel
from .._engine.store import LatentStore
from ..operations.interpolation import check_method, check_steps
from ..render import PreviewRenderer
from .serialization import array_trait
from .status import Status
from .traits import BoundedInt, PointIndex


def frames_title(a: int, b: int, steps: int, method: str) -> str:
    """What the frames on show are, for the status line and the exported slider."""
    return f"{steps} frames from {a} to {b} ({method})"


class InterpolationView(traitlets.HasTraits):
    """Traits and methods of the interpolation slider."""

    # interpolation
    interp_a = PointIndex(-1, help="First end point of the interpolation, or -1.").tag(sync=True)
    interp_b = PointIndex(-1, help="Second end point of the interpolation, or -1.").tag(sync=True)
    interp_steps = BoundedInt(
        16, low=2, high=256, meaning="frames, both ends included", help="Interpolation frames."
    ).tag(sync=True)
    interp_method = traitlets.Enum(("slerp", "lerp"), "slerp", help="'slerp' or 'lerp'.").tag(
        sync=True
    )
    _frames = array_trait(help="(F, H, W, 4) uint8 RGBA interpolation frames")
    _path = array_trait(help="(F, 2) float32 map coordinates of the frames' codes")

    if TYPE_CHECKING:  # provided by the widget (declared here for type checkers only)
        _store: LatentStore
        _model: LatentModel
        _renderer: PreviewRenderer

        def _place_on_map(self, trait: str, codes: torch.Tensor | None) -> None: ...
        def _report(self, error: BaseException, doing: str) -> None: ...
        def _set_status(self, status: Status) -> None: ...
        def hold_sync(self) -> AbstractContextManager[None]: ...

    def _init_interpolation(self) -> None:
        self._frames_tensor: torch.Tensor | None = None
        self._frames_for: tuple[int, int, int, str] | None = None
        self.observe(self._on_interp, ["interp_a", "interp_b", "interp_steps", "interp_method"])

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
        if not self._model.has_decoder:
            raise ValueError("interpolation needs a decoder; this explorer has none")
        n = len(self._store)
        a, b = check_index(a, n, "a"), check_index(b, n, "b")
        check_steps(steps)
        check_method(method)
        with self.hold_trait_notifications():
            self.interp_a, self.interp_b = a, b
            self.interp_steps, self.interp_method = steps, method
        try:
            self._show_frames()  # a no-op when the trait observer has just shown these frames
        except Exception as error:
            self._report(error, "interpolation")
            raise
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
        if self._frames_tensor is None:
            raise RuntimeError("no interpolation frames yet: call interpolate(a, b) first")
        return _export.save_gif(
            path, self._frames_tensor, fps=fps, size=size, value_range=self._renderer.value_range
        )

    def _on_interp(self, change: Mapping[str, Any]) -> None:
        if self.interp_a >= 0 and self.interp_b >= 0 and self._model.has_decoder:
            try:
                self._show_frames()
            except Exception as error:
                self._report(error, "interpolation")

    def _show_frames(self) -> None:
        a, b, steps, method = self.interp_a, self.interp_b, self.interp_steps, self.interp_method
        # Setting several interp traits at once fires the observer once per trait.
        if self._frames_for == (a, b, steps, method):
            return
        frames = self._store.interpolate(a, b, steps, method)  # type: ignore[arg-type]
        codes = self._store.interpolation_codes(a, b, steps, method)  # type: ignore[arg-type]
        rgba = self._renderer.render_frames(frames)
        self._frames_tensor = frames
        self._frames_for = (a, b, steps, method)
        with self.hold_sync():
            self._frames = rgba
            self._place_on_map("_path", codes)
            self._set_status(Status.idle(frames_title(a, b, steps, method)))
