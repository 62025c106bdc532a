"""The camera: the map region on show, as the ``view`` trait.

The browser writes it when the camera rests; Python (or a loaded session) sets it to move there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import traitlets

from .._widget.feature import Feature, synced


class CameraFeature(Feature):
    """The ``view`` trait."""

    view = synced(
        traitlets.List(
            traitlets.Float(),
            help="The map region on show, [x0, x1, y0, y1] in map coordinates ([] before the "
            "first frame). The browser writes it when the camera rests; set it to move there.",
        ),
        "camera",
        ts="number[]",
        browser=True,
        session=3,
    )

    @traitlets.validate("view")
    def _valid_view(self, proposal: Mapping[str, Any]) -> list[float]:
        value = list(proposal["value"])
        if not value:
            return value
        if len(value) != 4 or not all(math.isfinite(v) for v in value):
            raise traitlets.TraitError(
                f"view must be [x0, x1, y0, y1], four finite numbers, or []; got {value!r:.80}"
            )
        x0, x1, y0, y1 = value
        if not (x0 < x1 and y0 < y1):
            raise traitlets.TraitError(
                f"view must have x0 < x1 and y0 < y1 (a region of the map); got {value}"
            )
        return value
