"""The traversal view: walk from the pinned point along a direction, and the attribute vectors.

A direction is a latent dimension, a principal direction or a saved attribute vector (the mean code
of one group minus another's, or the direction along which a column grows); its frames are decoded
in one batch and scrubbed in the browser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import traitlets

from .._engine.indices import check_index
from .._widget.core import CODES_CHANGED, ExplorerCore
from .._widget.feature import Feature, command, synced
from .._widget.serialization import array_trait
from .._widget.session import SessionPart
from .._widget.traits import BoundedInt, FiniteFloat
from ..operations.traverse import direction_vector, traversal_codes
from ..operations.vectors import column_direction, group_mask, mean_difference

MAX_DIMS_OFFERED = 64
PRINCIPAL_OFFERED = 3
#: A latent dimension as the menus name it, ``z3`` (``dim 3`` is taken too).
_DIMENSION = re.compile(r"(?:z|dim )(\d+)")
#: Where a tensor direction given to ``traverse`` is kept (never a saved vector's name).
CUSTOM = "custom"


def option_direction(option: str) -> int | str:
    """The direction a menu option names: ``"z3"`` is dimension 3, others pass as they are."""
    dimension = _DIMENSION.fullmatch(option)
    return int(dimension.group(1)) if dimension else option


def dimension_option(option: str) -> str:
    """A menu option as the menu names it: ``"dim 3"`` (the older name) is ``"z3"``."""
    dimension = _DIMENSION.fullmatch(option)
    return f"z{int(dimension.group(1))}" if dimension else option


class TraverseFeature(Feature):
    """Traits and methods of the traversal strip and the attribute vectors."""

    traverse_direction = synced(
        traitlets.Unicode("", help="Direction walked from the pinned point ('' for none)."),
        "traverse",
        browser=True,
    )
    _traverse_options = synced(traitlets.List(traitlets.Unicode()), "traverse", "controls")
    traverse_span = synced(
        FiniteFloat(
            3.0,
            low=0.01,
            high=50.0,
            meaning="standard deviations each way",
            help="Traversal span.",
        ),
        "traverse",
        browser=True,
    )
    traverse_steps = synced(
        BoundedInt(
            9, low=2, high=64, meaning="frames, both ends included", help="Traversal frames."
        ),
        "traverse",
        browser=True,
    )
    _traverse_frames = array_trait(
        help="(F, H, W, 4) uint8 RGBA traversal frames", parts=("traverseFrames",)
    )
    _traverse_path = array_trait(
        help="(F, 2) float32 map coordinates of the frames' codes", parts=("path",)
    )

    def _attach(self, core: ExplorerCore) -> None:
        self._vectors: dict[str, torch.Tensor] = {}
        self.traverse_frames_: torch.Tensor | None = None
        self._traverse_for: tuple[int, str, float, int] | None = None
        self._update_traverse_options()
        self.observe(
            self._on_traverse, ["pinned", "traverse_direction", "traverse_span", "traverse_steps"]
        )
        core.events.on(CODES_CHANGED, self._on_traverse_codes)
        core.session_parts["vectors"] = SessionPart(
            save=lambda: {
                name: [float(x) for x in vector.detach().cpu().reshape(-1)]
                for name, vector in self._vectors.items()
                if name != CUSTOM
            },
            check=self._check_saved_vectors,
            load=self._put_vectors,
        )

    def _check_saved_vectors(self, saved: Any) -> dict[str, torch.Tensor]:
        latents = self._core.latents
        if not isinstance(saved, Mapping):
            raise ValueError(f"the session's vectors must be a mapping; got {saved!r:.60}")
        vectors = {}
        for name, values in saved.items():
            array = np.asarray(values, dtype=np.float64) if isinstance(values, list) else None
            if array is None or array.shape != (latents.shape[1],) or not np.isfinite(array).all():
                raise ValueError(
                    f"the session's vector {name!r} must be {latents.shape[1]} finite numbers"
                )
            vectors[_vector_name(name)] = torch.as_tensor(
                array, dtype=latents.dtype, device=latents.device
            )
        return vectors

    def _put_vectors(self, vectors: dict[str, torch.Tensor]) -> None:
        self._vectors = dict(vectors)
        self._update_traverse_options()

    def _on_traverse_codes(self, latents: torch.Tensor) -> None:
        self._traverse_for = None
        self._on_traverse({})

    @traitlets.validate("traverse_direction")
    def _valid_direction(self, proposal: Mapping[str, Any]) -> str:
        value = proposal["value"]
        if isinstance(value, str):
            value = dimension_option(value)
        options = self._traverse_options
        if value != "" and options and value not in options:
            raise traitlets.TraitError(
                f"traverse_direction must be '' or one of {self._choices()}; got {value!r}"
            )
        return str(value)

    @property
    def vectors(self) -> dict[str, torch.Tensor]:
        """The saved attribute vectors, by name (a copy)."""
        return dict(self._vectors)

    def _update_traverse_options(self) -> None:
        dims = self._core.latents.shape[1]
        self._traverse_options = [
            *(f"z{d}" for d in range(min(dims, MAX_DIMS_OFFERED))),
            *(f"pc{k}" for k in range(1, min(dims, PRINCIPAL_OFFERED) + 1)),
            *self._vectors,
        ]

    def attribute_vector(
        self,
        a: Any = None,
        b: Any = None,
        *,
        column: str | None = None,
        name: str | None = None,
    ) -> torch.Tensor:
        """A direction in latent space that carries an attribute, saved under ``name`` if given.

        Either the mean code of group ``a`` minus the mean code of group ``b`` (``b`` defaults to
        every point not in ``a``), or, with ``column``, the direction along which a numeric column
        grows (least squares). Saved vectors appear in the traversal menu.

        Parameters
        ----------
        a, b : list of int, boolean mask or label value
            The groups: point indices, a mask of length N, or a label (every point with it).
        column : str, optional
            A numeric column (``explorer.metadata``) instead of groups.
        name : str, optional
            Save the vector under this name for :meth:`traverse`, :meth:`apply` and the widget.

        Returns
        -------
        torch.Tensor
            ``(D,)`` on the model's device.
        """
        self._core.check_open()
        latents, n = self._core.latents, len(self._core)
        if column is not None:
            if a is not None or b is not None:
                raise TypeError("pass either groups a and b, or column=, not both")
            if column not in self._core.columns.values:
                raise KeyError(
                    f"column must be one of {list(self._core.columns.values)}; got {column!r}"
                )
            vector = column_direction(latents, self._core.columns.values[column])
        else:
            if a is None:
                raise TypeError(
                    "attribute_vector needs a group a (indices, mask or label) or column="
                )
            in_a = group_mask(a, n, self._core.columns.labels, "a")
            in_b = ~in_a if b is None else group_mask(b, n, self._core.columns.labels, "b")
            vector = mean_difference(latents, in_b, in_a)  # mean of b subtracted from mean of a
        if name is not None:
            self._vectors[_vector_name(name)] = vector
            self._update_traverse_options()
        return vector

    @command("attribute vector", fields={"name": "str", "a": "mapping", "b": "mapping"})
    def vector_command(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """Save a vector from the widget: ``{name, a, b}`` -> ``{name}`` (or ``{error}``).

        ``a`` is ``{"selection": true}`` or ``{"label": name}``; ``b`` is ``{"rest": true}`` or
        ``{"label": name}``, a label as the legend names it.
        """
        name = msg["name"]
        a = self._widget_group(msg["a"], "a")
        b = self._widget_group(msg["b"], "b")
        self.attribute_vector(a, b, name=name)
        return {"name": name}

    def _widget_group(self, spec: object, name: str) -> Any:
        """A group as the widget names it: the selection, the rest, or a label."""
        if isinstance(spec, Mapping) and spec.get("selection") is True and name == "a":
            return self._core.selection().astype(np.int64)
        if isinstance(spec, Mapping) and spec.get("rest") is True and name == "b":
            return None
        if isinstance(spec, Mapping) and isinstance(spec.get("label"), str):
            label = spec["label"]
            shown = self._core.columns.values.get("label")
            if shown is None:
                raise ValueError(f"{name}: there are no labels to pick {label!r} from")
            return np.asarray([str(v) for v in shown], dtype=object) == label
        raise ValueError(
            f"{name} must be {{'selection': true}}, {{'rest': true}} or {{'label': name}}; "
            f"got {spec!r:.60}"
        )

    def apply(self, index: int, vector: str | torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
        """Decode point ``index``'s code plus ``alpha`` times a vector: latent arithmetic.

        Parameters
        ----------
        index : int
            The point.
        vector : str or torch.Tensor
            A saved vector's name, or a ``(D,)`` tensor.
        alpha : float, default 1.0
            How far to move along the vector.

        Returns
        -------
        torch.Tensor
            The decoded output of ``z + alpha * v``, on the model's device.
        """
        self._core.check_open()
        latents = self._core.latents
        i = check_index(index, len(latents), "index")
        number = isinstance(alpha, int | float | np.integer | np.floating)
        if isinstance(alpha, bool | np.bool_) or not number or not np.isfinite(alpha):
            raise ValueError(f"alpha must be a finite number; got {alpha!r}")
        alpha = float(alpha)
        v = self._vector(vector)
        return self._core.store.decode_codes((latents[i] + alpha * v)[None])[0]

    def _vector(self, vector: str | torch.Tensor) -> torch.Tensor:
        if isinstance(vector, str):
            if vector not in self._vectors:
                raise KeyError(
                    f"vector must be a saved vector {list(self._vectors)}; got {vector!r}"
                )
            return self._vectors[vector]
        return direction_vector(vector, self._core.latents, self._vectors)

    def traverse(
        self, index: int, direction: int | str | torch.Tensor, span: float = 3.0, steps: int = 9
    ) -> torch.Tensor:
        """Decode frames walking from point ``index`` along a direction, and show them in the widget.

        Parameters
        ----------
        index : int
            The point walked from (it becomes the pinned point).
        direction : int, str or torch.Tensor
            A latent dimension, ``"pc1"``, ``"pc2"``, ..., a saved vector's name, or a ``(D,)``
            tensor (saved as the vector ``"custom"``).
        span : float, default 3.0
            How far each way, in standard deviations of the codes along the direction.
        steps : int, default 9
            Number of frames, both ends included.

        Returns
        -------
        torch.Tensor
            ``(steps, ...)`` decoded frames on the model's device, from ``-span`` to ``+span``.
        """
        self._core.check_open()
        if not self._core.model.has_decoder:
            raise ValueError(
                "traversal decodes codes and needs a decoder; this explorer has none (pass one "
                "to the constructor or to from_latents)"
            )
        i = check_index(index, len(self._core), "index")
        if isinstance(direction, torch.Tensor | np.ndarray):
            self._vectors[CUSTOM] = direction_vector(direction, self._core.latents, self._vectors)
            self._update_traverse_options()
            option = CUSTOM
        elif isinstance(direction, int | np.integer) and not isinstance(direction, bool):
            option = f"z{int(direction)}"
        else:
            option = dimension_option(direction) if isinstance(direction, str) else repr(direction)
        if option not in self._traverse_options:
            raise ValueError(
                f"direction must be one of {self._choices()} or a (D,) tensor; got {direction!r}"
            )
        with self.hold_trait_notifications():
            self.pinned, self.traverse_direction = i, option
            self.traverse_span, self.traverse_steps = span, steps
        self._show_traverse()
        self._core.open_panel("traverse")
        assert self.traverse_frames_ is not None
        return self.traverse_frames_

    def _choices(self) -> str:
        """The directions, grouped: "z0..z7, pc1..pc3, vectors: a, b"."""
        dims = min(self._core.latents.shape[1], MAX_DIMS_OFFERED)
        principal = min(self._core.latents.shape[1], PRINCIPAL_OFFERED)
        groups = [f"z0..z{dims - 1}", f"pc1..pc{principal}"]
        if self._vectors:
            groups.append(f"vectors: {', '.join(self._vectors)}")
        return ", ".join(groups)

    def _show_traverse_path(self, coords: np.ndarray | None) -> None:
        self._traverse_path = coords

    def _on_traverse(self, change: Mapping[str, Any]) -> None:
        try:
            self._show_traverse()
        except Exception as error:
            self._core.report(error, "traversal")

    def _show_traverse(self) -> None:
        shown = (self.pinned, self.traverse_direction, self.traverse_span, self.traverse_steps)
        if shown == self._traverse_for:
            return
        if self.pinned < 0 or self.traverse_direction == "" or not self._core.model.has_decoder:
            self._traverse_for, self.traverse_frames_ = shown, None
            with self.hold_sync():
                self._traverse_frames = None
                self._core.show_frames("traverse", None)
                self._core.place_on_map("traverse", None, self._show_traverse_path)
            return
        latents = self._core.latents
        vector = direction_vector(option_direction(self.traverse_direction), latents, self._vectors)
        codes, _ = traversal_codes(
            latents[self.pinned],
            vector,
            latents,
            span=self.traverse_span,
            steps=self.traverse_steps,
        )
        # a saved vector may be replaced under its name: only dimensions and principal directions
        # name the same codes every time
        fixed = self.traverse_direction not in self._vectors
        frames = self._core.store.decode_codes(codes, key=("traverse", *shown) if fixed else None)
        rgba = self._core.renderer.render_frames(frames)
        self._traverse_for, self.traverse_frames_ = shown, frames
        with self.hold_sync():
            self._traverse_frames = rgba
            self._core.show_frames("traverse", frames)
            self._core.place_on_map("traverse", codes, self._show_traverse_path)


def _vector_name(name: object) -> str:
    """A saved vector's name: not a dimension, a principal direction or the custom one."""
    if (
        not isinstance(name, str)
        or not name
        or name == CUSTOM
        or _DIMENSION.fullmatch(name) is not None
        or name[:2] == "pc"
    ):
        raise ValueError(
            "name must be a non-empty str, not a dimension ('z3'), not starting with 'pc' and not "
            f"{CUSTOM!r} (a tensor given to traverse() goes there); got {name!r}"
        )
    return name
