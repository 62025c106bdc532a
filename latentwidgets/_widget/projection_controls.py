"""The projection's controls in the widget: its main parameters before it starts, the two latent
dimensions of the *dims* map, and the axis labels of maps whose axes mean something."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import traitlets

from ..projections import LatentDims, make_projection
from .host import ExplorerHost

#: Parameters the widget offers per projection; anything else goes through show_projection.
EDITABLE = {"tsne": ("perplexity",), "umap": ("n_neighbors", "min_dist")}


class ProjectionControls(ExplorerHost):
    """Traits of the projection's parameters, the dims picker and the axis labels."""

    dims = traitlets.List(
        traitlets.Int(), default_value=[0, 1], help="The two latent dimensions of the dims map."
    ).tag(sync=True)
    projection_params = traitlets.Dict(
        help="Main parameters per projection, used when it is next computed, e.g. "
        "{'tsne': {'perplexity': 50}}."
    ).tag(sync=True)
    _axis_labels = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def _init_projection_controls(self) -> None:
        self.observe(self._on_dims, "dims")
        self.observe(self._on_params, "projection_params")
        self.observe(self._on_axis_labels, "_points")  # set on every map, even of the same name
        self._on_axis_labels()

    @traitlets.validate("dims")
    def _valid_dims(self, proposal: Mapping[str, Any]) -> list[int]:
        dims = list(proposal["value"])
        if not hasattr(self, "_store"):
            return dims
        try:
            LatentDims(tuple(dims)).check_params(*self.latents.shape)
        except ValueError as error:
            raise traitlets.TraitError(str(error)) from error
        return dims

    @traitlets.validate("projection_params")
    def _valid_params(self, proposal: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        value = proposal["value"]
        if not isinstance(value, Mapping):
            raise traitlets.TraitError(f"projection_params must be a dict; got {value!r:.60}")
        for name, params in value.items():
            allowed = EDITABLE.get(name)
            if allowed is None or not isinstance(params, Mapping) or set(params) - set(allowed):
                raise traitlets.TraitError(
                    f"projection_params may set {EDITABLE}; got {name!r}: {params!r:.60}"
                )
            if hasattr(self, "_store"):
                try:
                    make_projection(name, **params).check_params(*self.latents.shape)
                except (ValueError, TypeError) as error:
                    raise traitlets.TraitError(f"projection_params[{name!r}]: {error}") from error
        return {name: dict(params) for name, params in value.items()}

    def _on_dims(self, change: Mapping[str, Any]) -> None:
        self._reconfigure("dims", LatentDims(tuple(self.dims)))

    def _on_params(self, change: Mapping[str, Any]) -> None:
        old, new = change["old"] or {}, change["new"] or {}
        for name, params in new.items():
            if old.get(name) != params:
                self._reconfigure(name, make_projection(name, **params))

    def _reconfigure(self, name: str, projection: Any) -> None:
        self._scheduler.configure(projection)
        if self.projection == name:
            self._scheduler.show(name)

    def _on_axis_labels(self, change: Mapping[str, Any] | None = None) -> None:
        if self._drawn == "dims":
            labels = [f"z{d}" for d in self._scheduler.fitted("dims").dims_]
        elif self._drawn == "pca":
            labels = ["PC1", "PC2"]
        else:
            labels = []
        self._axis_labels = labels
