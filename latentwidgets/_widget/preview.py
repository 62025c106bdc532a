"""The answer to the browser's ``preview`` command: one point's decoded output and input, as pixels."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from .._engine.indices import check_index
from ..render import Preview, PreviewRenderer


def answer_preview(
    msg: object,
    n: int,
    decode_one: Callable[[int], torch.Tensor],
    item: Callable[[int], Any],
    renderer: PreviewRenderer,
    *,
    decoded: bool,
    fields: Callable[[int], list[list[str]]] | None = None,
    snapshots: int = 0,
    decode_snapshot: Callable[[int, int], torch.Tensor] | None = None,
) -> tuple[dict[str, Any], list[bytes]]:
    """Return ``({index, snapshot, recon, input[, error]}, buffers)`` for ``{"index": i[, "snapshot": k]}``.

    ``snapshot`` k (absent, None or -1: the live map) asks for the point as snapshot k of the
    history slider saw it: ``decode_snapshot(k, i)`` makes the decoded image. The input is the
    item itself, the same on every stop.

    A malformed request (not a mapping, no index, a float, a bool, an index or a snapshot out of
    range) and a failure to decode or render get an ``error`` and no pixels: never another point's
    or another snapshot's preview.
    """
    index = msg.get("index") if isinstance(msg, Mapping) else None
    snapshot = msg.get("snapshot", -1) if isinstance(msg, Mapping) else None
    response: dict[str, Any] = {"index": index, "snapshot": snapshot, "recon": None, "input": None}
    out: list[bytes] = []
    try:
        if not isinstance(msg, Mapping):
            raise TypeError(f"a preview request must be {{'index': int}}; got {msg!r:.60}")
        index = check_index(index, n, "index")
        snapshot = response["snapshot"] = check_snapshot(snapshot, snapshots)
        if decoded:
            if snapshot >= 0 and decode_snapshot is not None:
                recon = decode_snapshot(snapshot, index)
            else:
                recon = decode_one(index)
            response["recon"] = _describe(renderer.render(recon), out)
        given = item(index)
        response["input"] = None if given is None else _describe(renderer.render_input(given), out)
        if fields is not None:
            response["fields"] = fields(index)
    except Exception as error:
        return {
            **response,
            "recon": None,
            "input": None,
            "error": f"{type(error).__name__}: {error}",
        }, []
    return response, out


def answer_previews(
    msg: object,
    n: int,
    decode_many: Callable[[list[int]], torch.Tensor],
    decode_one: Callable[[int], torch.Tensor],
    item: Callable[[int], Any],
    renderer: PreviewRenderer,
    *,
    decoded: bool,
    max_points: int,
    max_bytes: int,
    fields: Callable[[int], list[list[str]]] | None = None,
) -> tuple[dict[str, Any], list[bytes]]:
    """Return ``({previews: [...]}, buffers)`` for ``{"indices": [i, ...]}``: previews fetched ahead.

    The points are decoded in one batch (``decode_many``; where it raises, one by one through
    ``decode_one``, so that one bad point costs only its own preview). Each entry is a ``preview``
    answer of the live map (``{index, recon, input, fields}``, or ``{index, error}``), in the order
    asked, until the pixels pass ``max_bytes``: the rest are left out (at least one is answered).
    A malformed request (not a mapping, no list of 1 to ``max_points`` integer indices in
    ``[0, n)``) gets ``{error}`` and nothing else.
    """
    try:
        indices = _check_batch(msg, n, max_points)
    except (TypeError, ValueError, IndexError) as error:
        return {"previews": [], "error": f"{type(error).__name__}: {error}"}, []
    batch: torch.Tensor | None = None
    if decoded:
        try:
            batch = decode_many(indices)
        except Exception:
            batch = None  # each point on its own below: the others still get theirs
    previews: list[dict[str, Any]] = []
    out: list[bytes] = []
    size = 0
    for k, index in enumerate(indices):
        if previews and size >= max_bytes:
            break
        decode = decode_one if batch is None else _decoded(batch[k])
        response, buffers = answer_preview(
            {"index": index}, n, decode, item, renderer, decoded=decoded, fields=fields
        )
        for part in ("recon", "input"):
            for key in ("buffer", "audio"):
                if isinstance(response[part], dict) and key in response[part]:
                    response[part][key] += len(out)
        del response["snapshot"]
        previews.append(response)
        out.extend(buffers)
        size += sum(len(b) for b in buffers)
    return {"previews": previews}, out


def _check_batch(msg: object, n: int, max_points: int) -> list[int]:
    """The indices of a ``preview_batch`` request, checked."""
    indices = msg.get("indices") if isinstance(msg, Mapping) else None
    if not isinstance(indices, list | tuple):
        raise TypeError(
            f"a preview_batch request must be {{'indices': [int, ...]}}; got {msg!r:.60}"
        )
    if not 1 <= len(indices) <= max_points:
        raise ValueError(
            f"a preview_batch request asks for 1 to {max_points} points; got {len(indices)}"
        )
    return list(dict.fromkeys(check_index(i, n, "indices") for i in indices))


def _decoded(row: torch.Tensor) -> Callable[[int], torch.Tensor]:
    """A decode_one for a point its batch has already decoded."""
    return lambda _index: row


def check_snapshot(value: object, count: int) -> int:
    """Return a preview request's snapshot: -1 for the live map (also None), else one in ``[0, count)``."""
    if value is None:
        return -1
    if isinstance(value, int) and not isinstance(value, bool) and value == -1:
        return -1
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(
            f"snapshot must be -1 (the live map) or an integer snapshot of the history slider; "
            f"got {type(value).__name__} {value!r:.40}"
        )
    if not 0 <= value < count:
        raise IndexError(
            f"snapshot must be -1 (the live map) or one of the {count} snapshots of the history "
            f"slider, [0, {count}); got {value}"
        )
    return value


def _describe(preview: Preview, buffers: list[bytes]) -> dict[str, Any]:
    if preview.kind == "text":
        return {"kind": "text", "text": preview.text}
    buffers.append(preview.rgba or b"")
    described: dict[str, Any] = {
        "kind": "image",
        "width": preview.width,
        "height": preview.height,
        "buffer": len(buffers) - 1,
    }
    if preview.audio is not None:
        buffers.append(preview.audio)
        described.update(
            audio=len(buffers) - 1, sample_rate=preview.sample_rate, duration=preview.duration
        )
    return described
