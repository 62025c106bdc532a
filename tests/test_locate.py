"""Locate by example and the sketch: new items encoded by the model, placed on the map, their
reconstructions and nearest points shown; images made like the data's items first."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

import latentwidgets as lw
from latentwidgets._engine.item_images import MAX_IMAGE_BYTES, open_image
from latentwidgets.features.locate import nearest_points


@pytest.fixture(scope="module")
def digits():
    data = lw.datasets.digits()
    vae = lw.models.load_pretrained("digits-vae")
    return data, vae


@pytest.fixture
def explorer(digits):
    data, vae = digits
    return lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False)


def _seven_on_paper(size: int = 64) -> Image.Image:
    """A dark 7 drawn on white paper: the other way round from the data's white-on-black digits."""
    image = Image.new("L", (size, size), 255)
    ImageDraw.Draw(image).line([(10, 10), (54, 10), (30, 58)], fill=0, width=7)
    return image


def test_a_batch_of_items_lands_exactly_where_the_map_puts_them(explorer, digits):
    data, _ = digits
    places = explorer.locate(data.images[:5])
    assert places.shape == (5, 2)
    np.testing.assert_allclose(places, explorer.coords[:5], atol=1e-4)  # PCA places exactly
    assert explorer._located_nearest == [0, 1, 2, 3, 4]
    assert explorer.located_codes_.shape == (5, explorer.latents.shape[1])
    assert explorer._located_images.shape == (5, 8, 8, 4)
    assert explorer._located_recons.shape == (5, 8, 8, 4)
    np.testing.assert_allclose(explorer._located_points, places, atol=1e-5)
    assert "located" in explorer.panels
    one = explorer.locate(data.images[7])  # one item, without its batch dimension
    assert one.shape == (1, 2)
    assert explorer._located_nearest == [7]


def test_an_image_on_paper_is_made_like_the_data_and_lands_among_its_class(
    explorer, digits, tmp_path
):
    data, _ = digits
    path = tmp_path / "seven.png"
    _seven_on_paper().save(path)
    explorer.locate([str(path), _seven_on_paper()])
    labels = np.asarray(data.labels)[explorer._located_nearest]
    assert labels.tolist() == [7, 7]
    # inverted to white on black, as the data: the item's corner is background (dark)
    made = explorer._located_images[0]
    assert made[0, 0, 0] < 60
    assert made[1, 4, 0] > 120


def test_the_dropped_file_command_and_its_errors(explorer):
    buffer = io.BytesIO()
    _seven_on_paper().save(buffer, "PNG")
    reply, _ = explorer.locate_file({"name": "seven.png"}, [buffer.getvalue()])
    assert reply["count"] == 1
    assert np.isfinite([reply["x"], reply["y"]]).all()
    reply, _ = explorer.locate_file({"name": "notes.txt"}, [b"hello"])
    assert "notes.txt: the file is not an image that can be read" in reply["error"]
    assert explorer._status["state"] == "error"
    reply, _ = explorer.locate_file({"name": "big.png"}, [b"\0" * (MAX_IMAGE_BYTES + 1)])
    assert "10 MB" in reply["error"]
    reply, _ = explorer.locate_file({"name": "x.png"}, [])
    assert "one buffer" in reply["error"]


def test_bad_items_are_named(explorer, tmp_path):
    with pytest.raises(ValueError, match=r"shape \(1, 8, 8\)"):
        explorer.locate(torch.zeros(2, 3, 8, 8))
    with pytest.raises(TypeError, match=r"items\[0\] must be a tensor"):
        explorer.locate([{"a": 1}])
    with pytest.raises(FileNotFoundError, match="no image file"):
        explorer.locate(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="at least one item"):
        explorer.locate([])


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path):
    bomb = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(bomb, "PNG")  # small file, 60M pixels
    assert len(bomb.getvalue()) < MAX_IMAGE_BYTES
    with pytest.raises(ValueError, match="pixels"):
        open_image(bomb.getvalue())


def test_the_sketch_is_encoded_placed_and_decoded(explorer, digits):
    data, _ = digits
    assert explorer._sketch_size == [8, 8]
    ink = data.images[7, 0].numpy().astype(np.float32)  # a 7 of the data, as drawn ink
    reply, buffers = explorer.sketch({}, [ink.tobytes()])
    assert reply["nearest"] == 7
    np.testing.assert_allclose([reply["x"], reply["y"]], explorer.coords[7], atol=1e-4)
    assert reply["height"] == 8
    assert len(buffers[0]) == 8 * 8 * 4
    assert torch.allclose(explorer.sketch_code_, explorer.latents[7], atol=1e-5)
    reply, _ = explorer.sketch({}, [b"\0" * 12])
    assert "8 x 8 float32" in reply["error"]
    bad = np.full(64, np.nan, np.float32)
    assert "finite" in explorer.sketch({}, [bad.tobytes()])[0]["error"]


def test_no_sketch_pad_for_items_that_are_not_small_grey_images(ae):
    from torch.utils.data import TensorDataset

    from tests._toy import X, Y

    explorer = lw.LatentExplorer(ae.encode, ae.decode, TensorDataset(X, Y), progress=False)
    if X.dim() == 2:
        assert explorer._sketch_size in ([], [int(X.shape[1] ** 0.5)] * 2)
    assert "error" in explorer.sketch({}, [b""])[0] or explorer._sketch_size


def test_nearest_points_in_chunks_matches_brute_force():
    codes, latents = torch.randn(7, 5), torch.randn(300, 5)
    expected = torch.cdist(codes, latents).argmin(dim=1).numpy()
    np.testing.assert_array_equal(nearest_points(codes, latents), expected)


def test_located_items_follow_a_new_model(explorer, digits):
    data, vae = digits
    explorer.locate(data.images[:2])
    encoded = []
    encode = explorer._core.model.encode
    explorer.update(decoder=vae.decoder)
    assert explorer._located_nearest == [0, 1]
    # the located items are encoded once for an update (not once per event it emits)
    model = explorer._core.model
    model.encode = lambda *args, **kwargs: encoded.append(1) or encode(*args, **kwargs)
    explorer.update()
    assert len(encoded) == 2  # the data, then the located items
