from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from latentwidgets.datasets import SHAPE_NAMES, LatentDataset, digits, shapes


@pytest.fixture(scope="module")
def shape_data() -> LatentDataset:
    return shapes(n=512, seed=0)


@pytest.fixture(scope="module")
def digit_data() -> LatentDataset:
    return digits()


def test_shapes_images_labels_and_names(shape_data: LatentDataset) -> None:
    assert shape_data.images.shape == (512, 1, 32, 32)
    assert shape_data.images.dtype == torch.float32
    assert float(shape_data.images.min()) == 0.0
    assert float(shape_data.images.max()) <= 1.0
    assert shape_data.labels.dtype == np.int64
    assert shape_data.label_names == list(SHAPE_NAMES)
    assert set(np.unique(shape_data.labels)) == set(range(len(SHAPE_NAMES)))
    assert shape_data.name == "shapes"


def test_shapes_size_argument() -> None:
    assert shapes(n=3, size=16).images.shape == (3, 1, 16, 16)


def test_shapes_metadata_columns_and_ranges(shape_data: LatentDataset) -> None:
    meta = shape_data.metadata
    assert set(meta) == {"shape", "scale", "rotation", "x", "y", "brightness"}
    assert all(len(column) == 512 for column in meta.values())
    np.testing.assert_array_equal(meta["shape"], np.asarray(SHAPE_NAMES)[shape_data.labels])
    for key, low, high in (
        ("scale", 0.15, 0.3),
        ("rotation", 0.0, np.pi / 2),
        ("x", 0.35, 0.65),
        ("y", 0.35, 0.65),
        ("brightness", 0.6, 1.0),
    ):
        assert meta[key].dtype == np.float32, key
        assert low <= meta[key].min() < meta[key].max() <= high, key


def test_shapes_is_deterministic_per_seed() -> None:
    first, again, other = shapes(n=32, seed=3), shapes(n=32, seed=3), shapes(n=32, seed=4)
    assert torch.equal(first.images, again.images)
    np.testing.assert_array_equal(first.metadata["x"], again.metadata["x"])
    assert not torch.equal(first.images, other.images)


def test_shape_stays_inside_the_frame(shape_data: LatentDataset) -> None:
    images = shape_data.images
    for edge in (images[..., 0, :], images[..., -1, :], images[..., :, 0], images[..., :, -1]):
        assert float(edge.max()) == 0.0


def test_brightness_sets_the_interior_intensity(shape_data: LatentDataset) -> None:
    peak = shape_data.images.amax(dim=(1, 2, 3)).numpy()
    np.testing.assert_allclose(peak, shape_data.metadata["brightness"], atol=1e-5)


def test_scale_drives_the_amount_of_ink(shape_data: LatentDataset) -> None:
    meta = shape_data.metadata
    area = (shape_data.images.sum(dim=(1, 2, 3)).numpy()) / meta["brightness"]
    for label, name in enumerate(SHAPE_NAMES):
        chosen = shape_data.labels == label
        # Area grows with the square of the circumradius.
        correlation = np.corrcoef(meta["scale"][chosen] ** 2, area[chosen])[0, 1]
        assert correlation > 0.97, name


def test_position_is_the_centre_of_mass(shape_data: LatentDataset) -> None:
    # Every shape is symmetric about its centre (the triangle's centroid is its circumcentre).
    images = shape_data.images[:, 0].numpy()
    coords = (np.arange(32) + 0.5) / 32
    mass = images.sum(axis=(1, 2))
    centre_x = (images.sum(axis=1) * coords).sum(axis=1) / mass
    centre_y = (images.sum(axis=2) * coords).sum(axis=1) / mass
    np.testing.assert_allclose(centre_x, shape_data.metadata["x"], atol=0.5 / 32)
    np.testing.assert_allclose(centre_y, shape_data.metadata["y"], atol=0.5 / 32)


def test_rotation_turns_triangles_counter_clockwise() -> None:
    data = shapes(n=2000, seed=1)
    meta = data.metadata
    triangles = data.labels == SHAPE_NAMES.index("triangle")
    ink = data.images[:, 0].numpy() > 0.5
    rows = np.arange(32)[None, :, None]
    cols = np.arange(32)[None, None, :]
    # The apex reaches one circumradius from the centre, the opposite edge only half of that.
    upright = triangles & (meta["rotation"] < 0.1)
    centre_row = meta["y"][upright] * 32 - 0.5
    top = np.where(ink[upright], rows, 99).min(axis=(1, 2))
    bottom = np.where(ink[upright], rows, -1).max(axis=(1, 2))
    assert upright.sum() > 5
    assert np.all(centre_row - top > bottom - centre_row)
    pointing_left = triangles & (meta["rotation"] > np.pi / 2 - 0.1)
    centre_col = meta["x"][pointing_left] * 32 - 0.5
    left = np.where(ink[pointing_left], cols, 99).min(axis=(1, 2))
    right = np.where(ink[pointing_left], cols, -1).max(axis=(1, 2))
    assert pointing_left.sum() > 5
    assert np.all(centre_col - left > right - centre_col)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 0}, ValueError, "n must be an int >= 1; got 0"),
        ({"n": 2.5}, TypeError, "n must be an int >= 1; got 2.5"),
        ({"n": True}, TypeError, "n must be an int >= 1; got True"),
        ({"size": 4}, ValueError, "size must be an int >= 8; got 4"),
        ({"seed": -1}, ValueError, "seed must be an int >= 0; got -1"),
    ],
)
def test_shapes_rejects_bad_arguments(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        shapes(**kwargs)  # type: ignore[arg-type]


def test_digits_contents(digit_data: LatentDataset) -> None:
    assert digit_data.images.shape == (1797, 1, 8, 8)
    assert digit_data.images.dtype == torch.float32
    assert float(digit_data.images.min()) == 0.0
    assert float(digit_data.images.max()) == 1.0
    assert digit_data.label_names == [str(d) for d in range(10)]
    np.testing.assert_array_equal(np.unique(digit_data.labels), np.arange(10))
    np.testing.assert_array_equal(digit_data.metadata["label"], digit_data.labels)
    np.testing.assert_allclose(
        digit_data.metadata["ink"], digit_data.images.mean(dim=(1, 2, 3)).numpy()
    )
    assert digit_data.metadata["ink"].dtype == np.float32


def test_dataloader_yields_image_label_batches(shape_data: LatentDataset) -> None:
    x, y = next(iter(DataLoader(shape_data, batch_size=16)))
    assert x.shape == (16, 1, 32, 32)
    assert y.dtype == torch.int64
    assert torch.equal(y, torch.from_numpy(shape_data.labels[:16]))
    assert len(shape_data) == 512


def test_split_is_a_stratified_partition(shape_data: LatentDataset) -> None:
    train, test = shape_data.split(test_fraction=0.25, seed=0)
    assert (len(train), len(test)) == (384, 128)
    np.testing.assert_array_equal(
        np.sort(np.concatenate([train.metadata["x"], test.metadata["x"]])),
        np.sort(shape_data.metadata["x"]),
    )
    np.testing.assert_allclose(
        np.bincount(test.labels) / len(test),
        np.bincount(shape_data.labels) / len(shape_data),
        atol=0.02,
    )
    again, _ = shape_data.split(test_fraction=0.25, seed=0)
    other, _ = shape_data.split(test_fraction=0.25, seed=1)
    assert torch.equal(train.images, again.images)
    assert not torch.equal(train.images, other.images)


def test_subset_keeps_rows_aligned(shape_data: LatentDataset) -> None:
    part = shape_data.subset([5, 2])
    assert torch.equal(part.images, shape_data.images[[5, 2]])
    np.testing.assert_array_equal(part.labels, shape_data.labels[[5, 2]])
    np.testing.assert_array_equal(part.metadata["scale"], shape_data.metadata["scale"][[5, 2]])


@pytest.mark.parametrize("fraction", [0.0, 1.0, 1.5])
def test_split_rejects_bad_fraction(shape_data: LatentDataset, fraction: float) -> None:
    with pytest.raises(ValueError, match=r"test_fraction must be a float in \(0, 1\)"):
        shape_data.split(test_fraction=fraction)


def test_split_handles_tiny_data_sets() -> None:
    train, test = shapes(n=6, seed=0).split(test_fraction=0.2)
    assert (len(train), len(test)) == (4, 2)
    with pytest.raises(ValueError, match="leaves 1 of 1 samples for testing"):
        shapes(n=1).split(test_fraction=0.5)


def test_container_validates_its_fields() -> None:
    images = torch.zeros(3, 1, 4, 4)
    labels = np.array([0, 1, 1])
    with pytest.raises(ValueError, match=r"metadata\['x'\] must have shape \(3,\)"):
        LatentDataset(images, labels, ["a", "b"], metadata={"x": np.zeros(2)})
    with pytest.raises(ValueError, match=r"images must have values in \[0, 1\]"):
        LatentDataset(images + 2, labels, ["a", "b"])
    with pytest.raises(ValueError, match=r"images must have shape \(N, C, H, W\)"):
        LatentDataset(torch.zeros(3, 4, 4), labels, ["a", "b"])
    with pytest.raises(ValueError, match="label_names must name every label"):
        LatentDataset(images, labels, ["a"])
    with pytest.raises(TypeError, match="labels must be integers"):
        LatentDataset(images, labels.astype(float), ["a", "b"])
