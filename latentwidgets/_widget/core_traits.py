"""The explorer's own traits, which belong to no feature and which every feature may read:
the pinned point, the selection, the panels shown, the status line, whether there is a decoder,
and the group of linked explorers (``core.CORE_TRAITS``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import traitlets

from .._engine.model import LatentModel
from .core import DEFAULT_PANELS, PANELS
from .feature import synced
from .serialization import array_trait
from .status import Status
from .traits import PointIndex

if TYPE_CHECKING:
    from .core import ExplorerCore

#: Where anywidget collects a widget class's commands (``anywidget.experimental``).
_COMMANDS = "_anywidget_commands"


class CoreTraits(traitlets.HasTraits):
    """Traits of the explorer itself, the model and codes every feature works on, and the
    dispatch of the browser's commands."""

    if TYPE_CHECKING:
        _core: ExplorerCore
        _lw_commands: dict[str, Any]

        keys: list[str]

        def on_msg(self, callback: Any) -> None: ...
        def send(self, content: dict[str, Any], buffers: list[Any] | None = None) -> None: ...

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # anywidget dispatches commands with ``cmds[msg["name"]]``: a message with another name,
        # or without one, raises in the kernel and is never answered. Ours are dispatched here.
        super().__init_subclass__(**kwargs)
        cls._lw_commands = {**getattr(cls, "_lw_commands", {}), **getattr(cls, _COMMANDS, {})}
        setattr(cls, _COMMANDS, {})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._dispatch_command)

    def _dispatch_command(self, _: object, msg: object, buffers: list[bytes]) -> None:
        if not isinstance(msg, dict) or msg.get("kind") != "anywidget-command":
            return
        name, request_id = msg.get("name"), msg.get("id")
        handler = self._lw_commands.get(name) if isinstance(name, str) else None
        if handler is None:
            error = f"unknown command {name!r:.60}; the widget has {sorted(self._lw_commands)}"
            core = getattr(self, "_core", None)
            if core is not None:
                core.report(ValueError(error), "a request from the browser")
            response, out = {"error": error}, []
        else:
            try:
                response, out = handler(self, msg.get("msg"), buffers)
            except Exception as failure:  # the handlers answer errors; this is the last guard
                self._core.report(failure, f"command {name}")
                response, out = {"error": f"{type(failure).__name__}: {failure}"}, []
        if isinstance(request_id, str):  # the browser matches the answer to its request by id
            reply = {"id": request_id, "kind": "anywidget-command-response", "response": response}
            self.send(reply, out)

    pinned = synced(
        PointIndex(-1, help="Index of the point pinned by a click, or -1."),
        "pinned",
        "neighbours",
        browser=True,
        session=1,
    )
    _selection = array_trait(
        help="(K,) uint32 selected point indices", parts=("selection",), browser=True
    )
    panels = synced(
        traitlets.List(
            traitlets.Unicode(),
            default_value=list(DEFAULT_PANELS),
            help=f"Panels shown beside the map, from {list(PANELS)}.",
        ),
        "panels",
        browser=True,
        session=1,
    )
    _has_decoder = synced(traitlets.Bool(True), "pinned", "interp", "controls", "neighbours")
    # linked explorers (lw.link): the group whose hover this view follows in the browser
    _link_group = synced(traitlets.Unicode(""), "link")
    _status = synced(traitlets.Dict(Status.idle().to_dict()), "status", ts="Status")

    @traitlets.validate("pinned")
    def _valid_pinned(self, proposal: Mapping[str, Any]) -> int:
        value = int(proposal["value"])
        core = getattr(self, "_core", None)
        if value != -1 and core is not None and value >= len(core):
            raise traitlets.TraitError(
                f"pinned must be a point index in [0, {len(core)}) or -1; got {value}"
            )
        return value

    @traitlets.validate("_selection")
    def _valid_selection(self, proposal: Mapping[str, Any]) -> np.ndarray:
        value = proposal["value"]
        if value is None:
            return np.zeros(0, np.uint32)
        array = np.asarray(value)
        if array.ndim != 1 or array.dtype.kind not in "iu":
            raise traitlets.TraitError(
                f"_selection must be a 1-D array of integer point indices; got "
                f"{array.dtype} {array.shape}"
            )
        core = getattr(self, "_core", None)
        n = len(core) if core is not None else None
        if len(array) and (array.min() < 0 or (n is not None and array.max() >= n)):
            raise traitlets.TraitError(
                f"_selection must hold point indices in [0, {n}); got {array.min()}..{array.max()}"
            )
        return np.unique(array).astype(np.uint32)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Take the browser's changes, refusing what it may not write or what is wrong.

        A refused change changes nothing: it is shown in the status line, and the browser gets the
        kernel's values back.
        """
        refused = sorted(
            name
            for name in sync_data
            if name in self.keys and not self.trait_metadata(name, "browser", False)
        )
        try:
            if refused:
                raise traitlets.TraitError(f"the browser may not set {refused}")
            super().set_state(sync_data)  # type: ignore[misc]
        except (traitlets.TraitError, ValueError, TypeError, KeyError) as error:
            core = getattr(self, "_core", None)
            if core is not None:
                names = ", ".join(name for name in sync_data if name in self.keys)
                core.report(error, f"a change from the browser ({names})")
            self.send_state([n for n in sync_data if n in self.keys])  # type: ignore[attr-defined]

    @traitlets.validate("panels")
    def _valid_panels(self, proposal: Mapping[str, Any]) -> list[str]:
        value = proposal["value"]
        if isinstance(value, str) or not all(isinstance(p, str) for p in value):
            raise traitlets.TraitError(f"panels must be a list of panel names; got {value!r:.80}")
        unknown = [p for p in value if p not in PANELS]
        if unknown:
            raise traitlets.TraitError(f"panels must be among {list(PANELS)}; got {unknown}")
        return [p for p in PANELS if p in value]  # laid out in one order, each once

    @property
    def model(self) -> LatentModel:
        """The :class:`LatentModel` that encodes and decodes."""
        return self._core.model

    @property
    def latents(self) -> torch.Tensor:
        """``(N, D)`` latent codes on the model's device (spatial codes flattened)."""
        return self._core.latents
