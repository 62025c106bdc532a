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
) -> tuple[dict[str, Any], list[bytes]]:
    """Return ``({index, recon, input[, error]}, buffers)`` for a request ``{"index": i}``.

    A malformed request (not a mapping, no index, a float, a bool, an index out of range) and a
    failure to decode or render get an ``error`` and no pixels: never another point's preview.
    """
    index = msg.get("index") if isinstance(msg, Mapping) else None
    response: dict[str, Any] = {"index": index, "recon": None, "input": None}
    out: list[bytes] = []
    try:
        if not isinstance(msg, Mapping):
            raise TypeError(f"a preview request must be {{'index': int}}; got {msg!r:.60}")
        index = check_index(index, n, "index")
        if decoded:
            response["recon"] = _describe(renderer.render(decode_one(index)), out)
        given = item(index)
        response["input"] = None if given is None else _describe(renderer.render(given), out)
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


def _describe(preview: Preview, buffers: list[bytes]) -> dict[str, Any]:
    if preview.kind == "text":
        return {"kind": "text", "text": preview.text}
    buffers.append(preview.rgba or b"")
    return {
        "kind": "image",
        "width": preview.width,
        "height": preview.height,
        "buffer": len(buffers) - 1,
    }
