"""Previews: one point decoded on demand for the browser's hover and pin, and ``decode``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
import traitlets
from anywidget.experimental import command as anywidget_command

from .._engine.indices import check_index, check_indices
from .._widget.core import FRAMES_SHOWN, MODEL_CHANGED, ExplorerCore
from .._widget.feature import Feature, command, synced
from .._widget.preview import answer_preview, answer_previews
from .._widget.status import Status

#: Most points one ``preview_batch`` request (the browser fetching ahead of the pointer) asks for.
PREFETCH_MAX_POINTS = 8
#: About the most pixel bytes one ``preview_batch`` answer carries: the points past it are left out.
PREFETCH_MAX_BYTES = 1 << 20


class PreviewsFeature(Feature):
    """The ``preview`` command, ``decode``, and the version of the model that previews show."""

    # Counts the models update() has put in place: the browser's cached previews of older ones
    # are stale, since the same point now decodes to something else.
    _model_version = synced(traitlets.Int(0), "decoder")
    # What previews show: pictures, sound (a picture, and a WAV on request) or text.
    _preview_modality = synced(
        traitlets.Unicode("image"), "decoder", ts='"image" | "audio" | "text"'
    )
    # In text mode, the strings of the frames each panel shows, by panel ("interp", "traverse",
    # "samples"); empty otherwise.
    _frame_texts = synced(
        traitlets.Dict(),
        "frames",
        "traverseFrames",
        "samples",
        ts="Partial<Record<string, string[]>>",
    )

    def _attach(self, core: ExplorerCore) -> None:
        self._preview_modality = core.renderer.modality
        core.events.on(MODEL_CHANGED, self._on_model)
        core.events.on(FRAMES_SHOWN, self._on_frames)

    def _on_model(self, model: Any, changed: bool) -> None:
        self._model_version += 1

    def _on_frames(self, name: str, frames: torch.Tensor | None) -> None:
        if self._core.renderer.modality != "text":
            return
        texts = dict(self._frame_texts)
        shown = None if frames is None else self._core.renderer.frame_texts(frames)
        if shown is None:
            texts.pop(name, None)
        else:
            texts[name] = shown
        self._frame_texts = texts

    @command("play a frame", fields={"panel": "str", "frame": "int"}, echo=("panel", "frame"))
    def frame_audio(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the browser's request to hear frame ``frame`` of a panel's frames, as a WAV."""
        panel, frame = msg["panel"], int(msg["frame"])
        frames = self._core.frames.get(panel)
        if frames is None:
            shown = ", ".join(sorted(self._core.frames)) or "none"
            raise ValueError(f"panel must be one that shows frames ({shown}); got {panel!r:.40}")
        index = check_index(frame, len(frames), "frame")
        sound = self._core.renderer.frame_audio(frames[index])
        reply = {"panel": panel, "frame": index, "sample_rate": sound.sample_rate}
        return {**reply, "duration": sound.duration}, [sound.audio or b""]

    def decode(self, indices: int | Sequence[int]) -> torch.Tensor:
        """Decode points through the cache of decoded outputs.

        Parameters
        ----------
        indices : int or sequence of int
            Point indices.

        Returns
        -------
        torch.Tensor
            ``(len(indices), ...)`` decoder outputs on the model's device, or one output for one
            int.
        """
        self._core.check_open()
        store = self._core.store
        n = len(store)
        if isinstance(indices, int | np.integer) and not isinstance(indices, bool):
            return store.decode_indices([check_index(indices, n, "indices")])[0]
        return store.decode_indices(check_indices(indices, n, "indices").tolist())

    # Not the shared decorator: a preview answers with the index and snapshot it was asked for,
    # even when the request is malformed, so that the browser never shows one for another.
    @anywidget_command
    def preview(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the browser's request for the preview of one point (decoded on demand)."""
        core = self._core
        response, out = answer_preview(
            msg,
            len(core.store),
            core.store.decode_one,
            core.source.item,
            core.renderer,
            decoded=core.model.has_decoder,
            fields=self._fields,
            snapshots=core.snapshots.count(),
            decode_snapshot=core.snapshots.decode,
        )
        if "error" in response:
            core.set_status(
                Status.error(f"preview of point {response['index']!r:.40}: {response['error']}")
            )
        return response, out

    # Not the shared decorator either: fetching ahead is a guess, and a point that cannot be
    # previewed says so when it is hovered, not before (no status line here).
    @anywidget_command
    def preview_batch(
        self, msg: Mapping[str, Any], buffers: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Answer the browser's request for the previews of the points ahead of its pointer."""
        core = self._core
        store = core.store
        return answer_previews(
            msg,
            len(store),
            store.decode_indices,
            store.decode_one,
            core.source.item,
            core.renderer,
            decoded=core.model.has_decoder,
            max_points=PREFETCH_MAX_POINTS,
            max_bytes=PREFETCH_MAX_BYTES,
            fields=self._fields,
        )

    def _fields(self, index: int) -> list[list[str]]:
        """Return the point's label and metadata values, as text for the hover card."""
        values = self._core.columns.values
        return [[name, _field_text(column[index])] for name, column in values.items()]


def _field_text(value: Any) -> str:
    """Format a column value for the hover card: numbers to 4 significant figures."""
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    return str(value)[:80]
