"""The ``preview_batch`` command: the previews of the points ahead of the pointer, fetched in one
request and one decoder batch, each the same as its own ``preview``, bounded in points and bytes."""

from __future__ import annotations

import pytest
import torch

from latentwidgets import LatentExplorer
from latentwidgets._widget.preview import answer_previews
from latentwidgets.features.previews import PREFETCH_MAX_POINTS
from latentwidgets.render import PreviewRenderer
from tests._toy import X


def _pixels(response: dict, buffers: list, part: str) -> bytes:
    return bytes(buffers[response[part]["buffer"]])


def test_a_batch_is_one_decoder_call_and_each_preview_is_the_points_own(explorer):
    asked = [5, 17, 3, 42]
    calls = explorer._core.store.decoder_calls
    response, buffers = explorer.preview_batch({"indices": asked}, [])
    assert explorer._core.store.decoder_calls == calls + 1
    assert [p["index"] for p in response["previews"]] == asked
    for entry in response["previews"]:
        alone, alone_buffers = explorer.preview({"index": entry["index"]}, [])
        for part in ("recon", "input"):
            assert entry[part]["width"] == alone[part]["width"]
            assert _pixels(entry, buffers, part) == _pixels(alone, alone_buffers, part)
        assert entry["fields"] == alone["fields"]
    # all four are cached now: their hover decodes nothing
    explorer.preview({"index": 17}, [])
    assert explorer._core.store.decoder_calls == calls + 1


def test_malformed_batches_are_refused_without_pixels_or_status(explorer):
    too_many = list(range(PREFETCH_MAX_POINTS + 1))
    for msg, expected in [
        ({"indices": too_many}, f"1 to {PREFETCH_MAX_POINTS} points; got {len(too_many)}"),
        ({"indices": []}, "got 0"),
        ({"indices": [1, 999]}, r"indices must be a point index in [0, 60); got 999"),
        ({"indices": [1.5]}, "indices must be an integer point index"),
        ({"index": 3}, "must be {'indices': [int, ...]}"),
        ([3], "must be {'indices': [int, ...]}"),
    ]:
        response, buffers = explorer.preview_batch(msg, [])
        assert expected in response["error"]
        assert response["previews"] == []
        assert buffers == []
    # a guess gone wrong is no error of the person's
    assert explorer._status["state"] != "error"


def test_the_points_past_the_byte_bound_are_left_out_but_one_is_always_answered(explorer):
    store, core = explorer._core.store, explorer._core

    def answer(max_bytes: int) -> list[int]:
        response, buffers = answer_previews(
            {"indices": [1, 2, 3, 4]},
            len(store),
            store.decode_indices,
            store.decode_one,
            core.source.item,
            core.renderer,
            decoded=True,
            max_points=8,
            max_bytes=max_bytes,
        )
        # every buffer a preview names is its own
        named = [p[part]["buffer"] for p in response["previews"] for part in ("recon", "input")]
        assert sorted(named) == list(range(len(buffers)))
        return [p["index"] for p in response["previews"]]

    each = 2 * 4 * 4 * 4  # a 4 x 4 RGBA reconstruction and input
    assert answer(1 << 20) == [1, 2, 3, 4]
    assert answer(2 * each) == [1, 2]
    assert answer(1) == [1]


def test_a_point_that_cannot_be_decoded_costs_only_its_own_preview(ae):
    with torch.no_grad():
        refused = ae.encode(X[7:8])

    def decode(z: torch.Tensor) -> torch.Tensor:
        if torch.isclose(z, refused).all(dim=1).any():
            raise ValueError("point 7 refused")
        return ae.decode(z)

    explorer = LatentExplorer(ae.encode, decode, X, progress=False)
    response, buffers = explorer.preview_batch({"indices": [6, 7, 8]}, [])
    entries = {p["index"]: p for p in response["previews"]}
    assert "point 7 refused" in entries[7]["error"]
    assert entries[7]["recon"] is None
    for index in (6, 8):
        assert entries[index]["recon"]["kind"] == "image"
        assert len(_pixels(entries[index], buffers, "recon")) == 4 * 4 * 4
    assert explorer._status["state"] != "error"


def test_without_a_decoder_the_batch_shows_the_inputs():
    renderer = PreviewRenderer()
    response, buffers = answer_previews(
        {"indices": [0, 1]},
        len(X),
        lambda indices: pytest.fail("no decoder to call"),
        lambda index: pytest.fail("no decoder to call"),
        lambda index: X[index],
        renderer,
        decoded=False,
        max_points=8,
        max_bytes=1 << 20,
    )
    assert [p["recon"] for p in response["previews"]] == [None, None]
    assert [p["input"]["kind"] for p in response["previews"]] == ["image", "image"]
    assert len(buffers) == 2
