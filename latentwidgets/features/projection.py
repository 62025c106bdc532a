"""The projection on the map: which one, its parameters, the dims picker and the axis labels.

It also waits for a projection computed in the background (``wait``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from .._widget.core import CODES_CHANGED, LAYOUT_CHANGED, ExplorerCore
from .._widget.feature import Feature, synced
from .._widget.status import Status
from ..projections import LatentDims, Projection, make_projection

#: Parameters the widget offers per projection; anything else goes through show_projection.
EDITABLE = {"tsne": ("perplexity",), "umap": ("n_neighbors", "min_dist")}


class ProjectionFeature(Feature):
    """Traits and methods of the projection, its parameters, the dims picker and the axes."""

    projection = synced(
        traitlets.Unicode("pca", help="Name of the projection shown or being computed."),
        "controls",
        browser=True,
        session=2,
    )
    _projection_options = synced(traitlets.List(traitlets.Unicode()), "controls")
    _points_projection = synced(traitlets.Unicode(""), "controls")
    dims = synced(
        traitlets.List(
            traitlets.Int(), default_value=[0, 1], help="The two latent dimensions of the dims map."
        ),
        "controls",
        browser=True,
        session=1,
    )
    projection_params = synced(
        traitlets.Dict(
            help="Main parameters per projection, used when it is next computed, e.g. "
            "{'tsne': {'perplexity': 50}}."
        ),
        "controls",
        ts="ProjectionParams",
        browser=True,
        session=1,
    )
    _axis_labels = synced(traitlets.List(traitlets.Unicode()), "axes")

    def _attach(self, core: ExplorerCore) -> None:
        self._projection_options = core.scheduler.names
        # t-SNE's worker imports its library in a second, not after the user asks for t-SNE
        core.scheduler.prepare()
        self.observe(lambda change: self._core.scheduler.show(change["new"]), "projection")
        self.observe(self._on_dims, "dims")
        self.observe(self._on_params, "projection_params")
        core.events.on(LAYOUT_CHANGED, self._on_projection_layout)
        core.exports["axes"] = lambda: list(self._axis_labels) or None
        # new codes: the projection on show is computed again (aligned to the map before)
        core.events.on(CODES_CHANGED, lambda latents: self._core.scheduler.show(self.projection))

    # ------------------------------------------------------------------ validation
    @traitlets.validate("projection")
    def _valid_projection(self, proposal: Mapping[str, Any]) -> str:
        core = getattr(self, "_core", None)
        if core is None:
            return str(proposal["value"])
        try:
            return core.scheduler.check_name(proposal["value"])
        except ValueError as error:
            raise traitlets.TraitError(str(error)) from error

    @traitlets.validate("dims")
    def _valid_dims(self, proposal: Mapping[str, Any]) -> list[int]:
        dims = list(proposal["value"])
        core = getattr(self, "_core", None)
        if core is not None:
            try:
                LatentDims(tuple(dims)).check_params(*core.latents.shape)
            except ValueError as error:
                raise traitlets.TraitError(str(error)) from error
        return dims

    @traitlets.validate("projection_params")
    def _valid_params(self, proposal: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        value = proposal["value"]
        if not isinstance(value, Mapping):
            raise traitlets.TraitError(f"projection_params must be a dict; got {value!r:.60}")
        core = getattr(self, "_core", None)
        for name, params in value.items():
            allowed = EDITABLE.get(name)
            if allowed is None or not isinstance(params, Mapping) or set(params) - set(allowed):
                raise traitlets.TraitError(
                    f"projection_params may set {EDITABLE}; got {name!r}: {params!r:.60}"
                )
            if core is not None:
                try:
                    make_projection(name, **params).check_params(*core.latents.shape)
                except (ValueError, TypeError) as error:
                    raise traitlets.TraitError(f"projection_params[{name!r}]: {error}") from error
        return {name: dict(params) for name, params in value.items()}

    # ------------------------------------------------------------------ public API
    def show_projection(self, projection: Projection) -> None:
        """Show a projection configured by you, e.g. ``LatentDims((2, 5))`` or ``TSNE(perplexity=50)``.

        It replaces the projection of the same name (``projection.name``) on the map and in the
        widget's menu; a slow one runs in the background like any other. Its parameters are checked
        against the codes before any work starts.

        Parameters
        ----------
        projection : Projection
            An unfitted instance of :class:`PCA`, :class:`TSNE`, :class:`UMAP` or :class:`LatentDims`.

        Raises
        ------
        TypeError
            If ``projection`` is not a latentwidgets projection.
        ValueError
            If one of its parameters does not fit the codes (e.g. a perplexity above N).
        """
        self._core.check_open()
        name = self._core.scheduler.configure(projection)
        self._projection_options = self._core.scheduler.names
        if self.projection == name:
            self._core.scheduler.show(name)
        else:
            self.projection = name

    def projection_of(self, name: str) -> np.ndarray:
        """Coordinates of a projection computed in this session, by name (e.g. ``"tsne"``)."""
        self._core.check_open()
        return self._core.scheduler.coords(self._core.scheduler.check_name(name))

    def wait(self, timeout: float | None = None) -> None:
        """Block until the projection being computed in the background is on the map."""
        self._core.check_open()
        if not self._core.scheduler.wait(timeout):
            raise TimeoutError(f"projection {self.projection!r} still running after {timeout} s")

    # ------------------------------------------------------------------ handlers
    def _on_projection_layout(self, name: str, coords: np.ndarray, final: bool) -> None:
        self._points_projection = name if final else f"{name} (running)"
        self._on_axis_labels(name if final else "")
        if final:
            self._core.set_status(Status.idle())

    def _on_dims(self, change: Mapping[str, Any]) -> None:
        self._reconfigure("dims", LatentDims(tuple(self.dims)))

    def _on_params(self, change: Mapping[str, Any]) -> None:
        old, new = change["old"] or {}, change["new"] or {}
        for name, params in new.items():
            if old.get(name) != params:
                self._reconfigure(name, make_projection(name, **params))

    def _reconfigure(self, name: str, projection: Any) -> None:
        self._core.scheduler.configure(projection)
        if self.projection == name:
            self._core.scheduler.show(name)

    def _on_axis_labels(self, drawn: str) -> None:
        if drawn == "dims":
            labels = [f"z{d}" for d in self._core.scheduler.fitted("dims").dims_]
        elif drawn == "pca":
            labels = ["PC1", "PC2"]
        else:
            labels = []
        self._axis_labels = labels
