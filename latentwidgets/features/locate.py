"""Locate by example: new items encoded by the model and placed on the map.

Each comes with its reconstruction and nearest point; from Python, a file dropped on the map, or a
sketch.

The model is in the loop: the map shows where the encoder puts something it has never seen.
"""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import traitlets

from .._engine.data import _is_pil
from .._engine.item_images import MAX_IMAGE_BYTES, ItemForm, open_image
from .._widget.core import CODES_CHANGED, ExplorerCore
from .._widget.feature import Feature, command, synced
from .._widget.serialization import array_trait
from .._widget.status import Status

#: Most located items the gallery shows (``locate`` places all).
SHOWN_LOCATED = 64
_NEAREST_CHUNK = 1 << 20


class LocateFeature(Feature):
    """``locate``, the Located gallery, dropping an image on the map, and the sketch pad."""

    _located_images = array_trait(help="(M, H, W, 4) uint8 RGBA located items", parts=("located",))
    _located_recons = array_trait(
        help="(M, H, W, 4) uint8 RGBA their reconstructions", parts=("located",)
    )
    _located_points = array_trait(
        help="(M, 2) float32 map coordinates of the located codes", parts=("located",)
    )
    _located_nearest = synced(traitlets.List(traitlets.Int()), "located")
    _sketch_size = synced(
        traitlets.List(traitlets.Int(), help="[H, W] of a sketch; [] where none can be drawn"),
        "sketch",
        ts="number[]",
    )

    def _attach(self, core: ExplorerCore) -> None:
        self.located_codes_: torch.Tensor | None = None
        self.sketch_code_: torch.Tensor | None = None
        self._form: ItemForm | bool | None = False  # False: not read yet
        self._located_items: Any = None
        self._sketch_size = self._sketch_shape()
        # a new model always comes with new codes (core.replace_model emits both): hear one
        core.events.on(CODES_CHANGED, self._on_locate_codes)

    # ------------------------------------------------------------------ public API
    def locate(self, items: Any) -> np.ndarray:
        """Encode new items with the model and place them on the map.

        Each is marked on the map, and the Located panel shows it, its reconstruction and its
        nearest point. Images (a PIL image or an image file) are made like the data's items
        first: resized, in its channels and value range, and inverted where their background is
        the other way round (a dark digit on white paper for white-on-black digits).

        Parameters
        ----------
        items : tensor, PIL image, path, or a list of these
            A batch shaped like the data's items (or one item), a PIL image, the path of an image
            file (at most 10 MB), or a list mixing them.

        Returns
        -------
        numpy.ndarray
            ``(M, 2)`` float32 places on the current map (NaN before the first map), by the
            projection's own transform: exact for PCA and dims, optimised against the fixed map
            for t-SNE by openTSNE (0.2-0.3 s) and UMAP (umap-learn compiles its transform the
            first time in a session: 12-17 s, while the status line says it is placing them).
            Where the projection has no transform (t-SNE by scikit-learn or cuML) they land at
            the distance-weighted mean of their nearest codes' places, and the status line says
            so. The codes are in ``located_codes_``.
        """
        core = self._core
        core.check_open()
        batch = self._as_batch(items)
        codes = core.model.encode(batch, progress=False)
        self.located_codes_ = codes
        self._located_items = batch
        shown = min(len(codes), SHOWN_LOCATED)
        recons = None
        if core.model.has_decoder:
            recons = core.renderer.render_frames(core.store.decode_codes(codes[:shown]))
        # placed first, out of the hold below: the status line says so while a transform runs
        placed = self._place_located(codes, shown)
        with self.hold_sync():
            self._located_images = _render_items(core, batch, shown)
            self._located_recons = recons
            self._located_nearest = nearest_points(codes[:shown], core.latents).tolist()
        core.open_panel("located")
        return np.full((len(codes), 2), np.nan, np.float32) if placed is None else placed

    # ------------------------------------------------------------------ the widget's commands
    @command("locate a dropped image", fields={"name": "str?"})
    def locate_file(self, msg: Mapping[str, Any], buffers: list[bytes]) -> dict[str, Any]:
        """``{name}`` + the file's bytes -> ``{count, x, y}``: a file dropped on the map."""
        if len(buffers) != 1:
            raise ValueError(f"a dropped image comes as one buffer; got {len(buffers)}")
        if len(buffers[0]) > MAX_IMAGE_BYTES:
            raise ValueError(
                f"the file is {len(buffers[0]) / 2**20:.1f} MB; images up to "
                f"{MAX_IMAGE_BYTES // 2**20} MB are taken"
            )
        label = msg.get("name") or "the dropped file"
        place = self.locate(open_image(bytes(buffers[0]), str(label)[:120]))
        x, y = (float(v) for v in place[0])
        return {"count": 1, "x": x, "y": y}

    @command("encode the sketch")
    def sketch(self, msg: Mapping[str, Any], buffers: list[bytes]) -> Any:
        """Encode the pad's drawing, placing it and decoding it.

        ``(H, W)`` float32 ink in one buffer -> ``{x, y, nearest, height, width}`` and the
        reconstruction as RGBA bytes.
        """
        form = self._item_form()
        if not isinstance(form, ItemForm) or not form.sketchable:
            raise ValueError("sketching needs image items of one channel, at most 64 x 64")
        if len(buffers) != 1 or len(buffers[0]) != 4 * form.height * form.width:
            raise ValueError(
                f"a sketch is {form.height} x {form.width} float32 values in one buffer"
            )
        ink = np.frombuffer(bytes(buffers[0]), np.float32)
        if not np.isfinite(ink).all():
            raise ValueError("a sketch's values must be finite")
        core = self._core
        code = core.model.encode(form.from_pixels(ink)[None], progress=False)
        self.sketch_code_ = code[0]
        # among the nearest codes on t-SNE and UMAP, not by their transform (0.2 s for t-SNE's):
        # a stroke moves its place within 100 ms
        placed = core.place(code)
        reply: dict[str, Any] = {"nearest": int(nearest_points(code, core.latents)[0])}
        reply["x"], reply["y"] = (None, None) if placed is None else (float(v) for v in placed[0])
        if not core.model.has_decoder:
            return reply, []
        rgba = core.renderer.render_frames(core.store.decode_codes(code))[0]
        reply["height"], reply["width"] = int(rgba.shape[0]), int(rgba.shape[1])
        return reply, [np.ascontiguousarray(rgba).tobytes()]

    # ------------------------------------------------------------------ helpers
    def _place_located(self, codes: torch.Tensor, shown: int) -> np.ndarray | None:
        """Place the codes by the map's own transform (the first ``shown`` on the map).

        Where the transform is not instant (t-SNE, UMAP), or there is none, the status line says
        how they were placed.
        """
        core = self._core
        drawn = core.drawn or ""  # "": no final map, nothing is placed
        transforms = bool(drawn) and core.scheduler.transforms(drawn)
        slow = transforms and not core.scheduler.transforms(drawn, exact=False)
        if slow:
            core.set_status(Status.busy(f"locate: placing by the {drawn} map's transform…"))
        try:
            placed = core.place_on_map("located", codes[:shown], self._show_located, exact=True)
            if placed is not None and shown < len(codes):  # the rest: the same way, off the map
                placed = np.concatenate([placed, core.place(codes[shown:], exact=True)])
        except BaseException:
            if slow:  # the busy note must not outlive a failure, which speaks for itself
                core.set_status(Status.idle())
            raise
        if placed is not None and (slow or not transforms):
            core.set_status(Status.idle(_placed_by(len(codes), drawn, transformed=slow)))
        return placed

    def _show_located(self, coords: np.ndarray | None) -> None:
        self._located_points = coords

    def _on_locate_codes(self, latents: torch.Tensor) -> None:
        """New codes or a new model: the located items are encoded again."""
        if self._located_items is not None:
            self.locate(self._located_items)

    def _item_form(self) -> ItemForm | None:
        if self._form is False:
            self._form = ItemForm.of(self._core.source)
        return self._form if isinstance(self._form, ItemForm) else None

    def _sketch_shape(self) -> list[int]:
        if self._core.source.kind == "lazy":  # items loaded on demand: none is read to open
            return []
        try:
            form = self._item_form()
        except Exception:  # odd data: no sketch pad, everything else works
            return []
        return [form.height, form.width] if form is not None and form.sketchable else []

    def _as_batch(self, items: Any) -> Any:
        """``items`` as one batch the encoder takes, or a clear error."""
        listed = list(items) if isinstance(items, list | tuple) else [items]
        if not listed:
            raise ValueError("items must hold at least one item; got an empty list")
        form = self._item_form()
        made = [self._as_item(item, form, i) for i, item in enumerate(listed)]
        if all(_is_pil(item) for item in made):
            return made
        return torch.cat(made) if len(made) > 1 else made[0]

    def _as_item(self, item: Any, form: ItemForm | None, i: int) -> Any:
        if isinstance(item, str | pathlib.Path):
            item = open_image(item, f"items[{i}]")
        if _is_pil(item):
            if form is None:
                raise TypeError(
                    "items: images are taken where the data's items are images; pass a tensor "
                    "batch shaped like the data's items instead"
                )
            made = form.from_image(item)
            return made if form.pil else made[None]
        if isinstance(item, np.ndarray):
            item = torch.from_numpy(item)
        if not isinstance(item, torch.Tensor):
            raise TypeError(
                f"items[{i}] must be a tensor, a PIL image or an image path; got "
                f"{type(item).__name__}"
            )
        if form is not None and not form.pil:
            if tuple(item.shape) == form.shape:
                return item[None].to(form.dtype)
            if tuple(item.shape[1:]) != form.shape:
                raise ValueError(
                    f"items[{i}] must be one item of shape {form.shape} or a batch "
                    f"(M, {', '.join(map(str, form.shape))}); got {tuple(item.shape)}"
                )
        return item


def _placed_by(count: int, name: str, *, transformed: bool) -> str:
    """The status line's note on how ``count`` located items were placed on map ``name``."""
    items = f"{count} located item{'s' if count != 1 else ''}"
    if transformed:
        return f"{items} placed by the {name} map's transform"
    return f"{items} placed among their nearest codes: the {name} map has no transform"


def nearest_points(codes: torch.Tensor, latents: torch.Tensor) -> np.ndarray:
    """Index of each code's nearest point (Euclidean, in latent space), in chunks of the points."""
    codes = codes.reshape(len(codes), -1).to(latents.device, latents.dtype)
    best = torch.full((len(codes),), float("inf"), device=latents.device)
    index = torch.zeros(len(codes), dtype=torch.long, device=latents.device)
    with torch.inference_mode():
        for start in range(0, len(latents), _NEAREST_CHUNK):
            chunk = latents[start : start + _NEAREST_CHUNK]
            distances = torch.cdist(codes, chunk)
            low, at = distances.min(dim=1)
            better = low < best
            best[better], index[better] = low[better], at[better] + start
    return index.cpu().numpy()


def _render_items(core: ExplorerCore, batch: Any, shown: int) -> np.ndarray | None:
    """RGBA pictures of the first ``shown`` located items (None where they are not pictures)."""
    items = batch[:shown]
    try:
        if isinstance(items, list):
            return np.stack([core.renderer.render(item).to_array() for item in items])
        return core.renderer.render_frames(items)
    except (ValueError, TypeError):
        return None
