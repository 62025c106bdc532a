"""Images as the points: the ``thumbnails`` trait and the batches of pictures the page asks for."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import traitlets

from latentwidgets import LatentExplorer


def _indices(*values: int) -> bytes:
    return np.asarray(values, dtype="<u4").tobytes()


def test_input_and_decoded_pictures_in_the_order_asked(explorer):
    reply, buffers = explorer.thumbnail_batch({"which": "input"}, [_indices(5, 2, 9)])
    assert reply["count"] == 3
    height, width = reply["height"], reply["width"]
    pictures = np.frombuffer(buffers[0], np.uint8).reshape(3, height, width, 4)
    expected = explorer._core.renderer.render(explorer._core.source.item(2)).to_array()
    np.testing.assert_array_equal(pictures[1], expected)
    reply, buffers = explorer.thumbnail_batch({"which": "decoded"}, [_indices(5)])
    decoded = explorer._core.renderer.render_frames(explorer.decode([5]))
    np.testing.assert_array_equal(
        np.frombuffer(buffers[0], np.uint8).reshape(decoded.shape), decoded
    )


@pytest.mark.parametrize(
    ("msg", "buffers", "match"),
    [
        ({"which": "both"}, [_indices(1)], "which must be"),
        ({"which": "input"}, [], "one buffer"),
        ({"which": "input"}, [b"\x01\x02\x03"], "one buffer"),
        ({"which": "input"}, [_indices(*range(401))], "1 to 400"),
        ({"which": "input"}, [_indices(10**6)], "indices"),
        ({}, [_indices(1)], "which"),
    ],
)
def test_a_bad_request_is_answered_and_said(explorer, msg, buffers, match):
    reply, out = explorer.thumbnail_batch(msg, buffers)
    assert match in reply["error"]
    assert out == []
    assert explorer._status["state"] == "error"


def test_the_trait_takes_the_kinds_it_can_draw(explorer, ae):
    explorer.thumbnails = "decoded"
    assert explorer.thumbnails == "decoded"
    with pytest.raises(traitlets.TraitError):
        explorer.thumbnails = "pixels"
    no_decoder = LatentExplorer(ae.encode, None, torch.rand(12, 1, 4, 4), progress=False)
    with pytest.raises(traitlets.TraitError, match="needs a decoder"):
        no_decoder.thumbnails = "decoded"
    codes_only = LatentExplorer.from_latents(torch.randn(12, 3), decoder=ae.decode)
    with pytest.raises(traitlets.TraitError, match="codes alone"):
        codes_only.thumbnails = "input"
