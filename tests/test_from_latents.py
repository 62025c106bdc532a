"""LatentExplorer.from_latents: codes computed elsewhere, opened with an optional decoder and items."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from latentwidgets import LatentExplorer, ModelError
from tests._toy import ToyAE

N = 40


@pytest.fixture
def ae() -> ToyAE:
    return ToyAE().eval()


@pytest.fixture
def images() -> torch.Tensor:
    return torch.rand(N, 1, 4, 4, generator=torch.Generator().manual_seed(5))


@pytest.fixture
def codes(ae, images) -> torch.Tensor:
    with torch.no_grad():
        return ae.encode(images)


def test_codes_with_a_decoder_and_items_preview_like_the_constructor(ae, images, codes):
    widget = LatentExplorer.from_latents(codes, ae.decode, images, labels=np.arange(N) % 2)
    torch.testing.assert_close(widget.latents, codes)
    assert widget.coords.shape == (N, 2)
    response, _ = widget.preview({"index": 3}, [])
    assert response["recon"]["kind"] == "image"
    assert response["input"]["kind"] == "image"
    with torch.no_grad():
        torch.testing.assert_close(widget.decode(3), ae.decode(codes[3:4])[0])
    errors = widget.reconstruction_error()
    assert errors.shape == (N,)
    assert widget._color_options == ["label", "recon_error"]


def test_items_may_be_a_lazy_callable_or_absent(ae, images, codes):
    asked = []

    def load(index: int) -> torch.Tensor:
        asked.append(index)
        return images[index]

    lazy = LatentExplorer.from_latents(codes, ae.decode, load)
    assert asked == []  # nothing is loaded until shown
    response, _ = lazy.preview({"index": 7}, [])
    assert asked == [7]
    assert response["input"]["kind"] == "image"
    bare = LatentExplorer.from_latents(codes.numpy())
    response, _ = bare.preview({"index": 7}, [])
    assert response["recon"] is None
    assert response["input"] is None
    with pytest.raises(ValueError, match="there are no inputs behind these codes: pass items="):
        LatentExplorer.from_latents(codes, ae.decode).reconstruction_error()


def test_a_memory_mapped_npy_file_opens_without_a_copy(tmp_path, codes):
    path = tmp_path / "codes.npy"
    np.save(path, codes.numpy().astype(np.float32))
    widget = LatentExplorer.from_latents(str(path))
    np.testing.assert_array_equal(widget.latents.numpy(), codes.numpy())


def test_bad_inputs_name_the_argument(ae, images, codes):
    with pytest.raises(ValueError, match=r"items must hold one item per code \(40\); got 39"):
        LatentExplorer.from_latents(codes, ae.decode, images[:39])
    with pytest.raises(
        ValueError,
        match=r"decoder: it fails on the codes \(6 values per item, reshaped to \(6,\)\)",
    ):
        LatentExplorer.from_latents(torch.cat([codes, codes], 1), ae.decode)
    with pytest.raises(ValueError, match=r"latent_shape \(2, 2\) holds 4 values; the codes have 3"):
        LatentExplorer.from_latents(codes, ae.decode, latent_shape=(2, 2))
    with pytest.raises(ModelError, match="there is no encoder here"):
        LatentExplorer.from_latents(codes).model.encode(images)
