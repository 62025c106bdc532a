"""What a view mixin may use of the widget: declared for type checkers, provided by LatentExplorer."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import traitlets

if TYPE_CHECKING:
    from .._engine.data import DataSource
    from .._engine.model import LatentModel
    from .._engine.store import LatentStore
    from ..projections._scheduler import ProjectionScheduler
    from ..render import PreviewRenderer
    from .status import Status


class ExplorerHost(traitlets.HasTraits):
    """Base of the view mixins of :class:`~latentwidgets.LatentExplorer`.

    Declares, for type checkers only, the parts of the widget the views build on; defining them here
    would shadow the widget's own (and ipywidgets') in the method resolution order.
    """

    if TYPE_CHECKING:
        _store: LatentStore
        _model: LatentModel
        _source: DataSource
        _renderer: PreviewRenderer
        _scheduler: ProjectionScheduler
        _columns: dict[str, np.ndarray]
        _labels: np.ndarray | None
        _drawn: str | None
        _orders: dict[str, list[str]]
        _frames_for: tuple[int, int, int, str] | None
        pinned: int
        _selection: np.ndarray | None
        _color_kind: str
        _color_categories: list[str]
        _has_decoder: bool
        projection: str
        color_by: str

        @property
        def selected(self) -> list[int]: ...

        @property
        def frames(self) -> torch.Tensor | None: ...

        @property
        def latents(self) -> torch.Tensor: ...
        @property
        def coords(self) -> np.ndarray: ...
        def _place(self, codes: torch.Tensor | None) -> np.ndarray | None: ...
        def _place_on_map(self, trait: str, codes: torch.Tensor | None) -> None: ...
        def _report(self, error: BaseException, doing: str) -> None: ...
        def _set_status(self, status: Status) -> None: ...
        def hold_sync(self) -> AbstractContextManager[None]: ...
        def wait(self, timeout: float | None = None) -> None: ...
        def send(self, content: dict[str, Any], buffers: list[Any] | None = None) -> None: ...
        def _refresh_views(self) -> None: ...
        def _sample_rows(self) -> np.ndarray | None: ...
        def _region_of(self, indices: np.ndarray) -> list[float] | None: ...
        def _send_history(self) -> None: ...
        def add_column(self, name: str, values: object, *, color: bool = True) -> None: ...
        def _fields(self, index: int) -> list[list[str]]: ...
