"""Images as the points: pictures of the points in view, when few enough are.

The page draws each point as its picture (the input item or its decoding), framed in the point's
colour; the pictures come from here in batches, decoded through the store's cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from .._engine.indices import check_indices
from .._widget.feature import Feature, command, synced

#: Most points drawn as pictures (the page draws none while more are in view).
MAX_THUMBNAILS = 400
THUMBNAIL_KINDS = ("", "input", "decoded")


class ThumbnailsFeature(Feature):
    """The ``thumbnails`` trait and the batches of pictures the page asks for."""

    thumbnails = synced(
        traitlets.Enum(
            THUMBNAIL_KINDS,
            "",
            help="Draw the points in view as pictures when at most 400 are: 'input', 'decoded', "
            "or '' for dots.",
        ),
        "thumbnails",
        browser=True,
        session=1,
    )

    @traitlets.validate("thumbnails")
    def _valid_thumbnails(self, proposal: Mapping[str, Any]) -> str:
        value = proposal["value"]
        core = getattr(self, "_core", None)
        if value == "decoded" and core is not None and not core.model.has_decoder:
            raise traitlets.TraitError(
                "thumbnails='decoded' needs a decoder; this explorer has none (use 'input')"
            )
        if value == "input" and core is not None and core.source.kind == "none":
            raise traitlets.TraitError(
                "thumbnails='input' needs the data's items; this explorer was made from codes "
                "alone (use 'decoded')"
            )
        return str(value)

    @command("draw points as pictures", fields={"which": "str"})
    def thumbnail_batch(self, msg: Mapping[str, Any], buffers: list[bytes]) -> Any:
        """Pictures of points, in the order asked.

        ``{which}`` + uint32 indices in one buffer -> ``{count, height, width}`` and
        ``count * height * width * 4`` RGBA bytes.
        """
        which = msg["which"]
        if which not in ("input", "decoded"):
            raise ValueError(f"which must be 'input' or 'decoded'; got {which!r:.40}")
        if len(buffers) != 1 or len(buffers[0]) % 4:
            raise ValueError("the points come as one buffer of uint32 indices")
        raw = np.frombuffer(bytes(buffers[0]), dtype="<u4")
        if not 0 < len(raw) <= MAX_THUMBNAILS:
            raise ValueError(f"ask for 1 to {MAX_THUMBNAILS} pictures at a time; got {len(raw)}")
        core = self._core
        indices = check_indices(raw.astype(np.int64), len(core), "indices")
        rgba = self._pictures(indices, which)
        count, height, width = rgba.shape[:3]
        return {"count": count, "height": height, "width": width}, [rgba.tobytes()]

    def _pictures(self, indices: np.ndarray, which: str) -> np.ndarray:
        core = self._core
        if which == "decoded":
            if not core.model.has_decoder:
                raise ValueError("decoded pictures need a decoder; this explorer has none")
            return core.renderer.render_frames(core.store.decode_indices(indices.tolist()))
        if core.source.kind == "none":
            raise ValueError("input pictures need the data's items; this explorer has codes only")
        previews = [core.renderer.render(core.source.item(int(i))) for i in indices]
        if any(p.kind != "image" for p in previews):
            raise ValueError("the items' previews are text, not pictures: use thumbnails='decoded'")
        shapes = {(p.height, p.width) for p in previews}
        if len(shapes) > 1:
            raise ValueError(f"the items' pictures differ in size ({sorted(shapes)[:3]}...)")
        return np.stack([p.to_array() for p in previews])
