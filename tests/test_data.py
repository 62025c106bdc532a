from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset, TensorDataset

from latentwidgets._engine.data import DataSource
from latentwidgets._engine.model import LatentModel

X = torch.rand(6, 2, generator=torch.Generator().manual_seed(0))


class DictDataset(Dataset):
    def __init__(self, key: str = "labels", names: bool = False) -> None:
        self.key = key
        self.labels_given = [f"class {i % 2}" for i in range(len(X))] if names else None

    def __len__(self) -> int:
        return len(X)

    def __getitem__(self, i: int) -> dict:
        label = self.labels_given[i] if self.labels_given else i % 3
        return {"data": X[i], self.key: label}


def image(width: int, height: int, mode: str = "RGB") -> Image.Image:
    return Image.new(mode, (width, height))


@pytest.mark.parametrize(
    "data",
    [TensorDataset(X), DataLoader(TensorDataset(X), batch_size=4)],
    ids=["TensorDataset(x)", "DataLoader(TensorDataset(x))"],
)
def test_one_tuple_items_are_unwrapped(data):
    seen = []

    def encoder(x):
        seen.append(type(x))
        return x * 2

    source = DataSource(data)
    codes = LatentModel(encoder, progress=False).encode(source)
    torch.testing.assert_close(codes, X * 2)
    assert set(seen) == {torch.Tensor}
    torch.testing.assert_close(source.item(3), X[3])
    assert source.found_labels is None


@pytest.mark.parametrize("key", ["labels", "label", "y", "target"])
def test_dict_items_give_their_labels(key):
    source = DataSource(DictDataset(key), transform=lambda b: b["data"])
    codes = LatentModel(lambda x: x, progress=False).encode(source)
    torch.testing.assert_close(codes, X)
    np.testing.assert_array_equal(source.found_labels, np.arange(6) % 3)
    assert source.item(2)["data"] is not None


def test_string_labels_of_dict_items_stay_objects():
    source = DataSource(DictDataset(names=True), transform=lambda b: b["data"])
    LatentModel(lambda x: x, progress=False).encode(source)
    assert source.found_labels.dtype == object
    assert source.found_labels[1] == "class 1"


def test_data_attributes_are_found_through_a_loader():
    class Named(TensorDataset):
        labels = np.arange(6) % 2
        label_names = ("even", "odd")
        metadata = {"size": np.arange(6.0)}

    source = DataSource(DataLoader(Named(X), batch_size=4))
    np.testing.assert_array_equal(source.found_labels, np.arange(6) % 2)
    assert source.label_names == ("even", "odd")
    assert list(source.metadata) == ["size"]


def test_pil_images_of_one_size_and_any_sizes_with_a_transform():
    images = [image(5, 4) for _ in range(3)]
    assert DataSource(images).kind == "pil"
    mixed = [image(5, 4), image(5, 4), image(8, 8)]
    source = DataSource(mixed, transform=lambda b: torch.zeros(len(b), 1))
    assert len(source) == 3


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "pattern"),
    [
        (
            [image(5, 4), image(5, 4), image(8, 8), image(9, 9)],
            {},
            ValueError,
            r"^data: .*image 0 is 5x4 RGB and image 2 is 8x8 RGB.*transform",
        ),
        ([image(5, 4), image(5, 4, "L")], {}, ValueError, r"^data: .*image 1 is 5x4 L"),
        ([image(5, 4), "text"], {}, TypeError, r"^data: .*item 1 is a str"),
        (X, {"transform": "resize"}, TypeError, r"^transform must be a callable"),
        (torch.tensor(1.0), {}, ValueError, r"^data must have one row per item"),
        (torch.zeros(0, 2), {}, ValueError, r"^data is empty"),
        (5, {}, TypeError, r"^data must be a torch.Tensor.*got int"),
        (
            DataLoader(TensorDataset(X), batch_size=None),
            {},
            ValueError,
            r"^data: .*batch_size=None.*DataLoader\(dataset, batch_size=64\)",
        ),
        (
            DataLoader(TensorDataset(X), batch_size=4, drop_last=True),
            {},
            ValueError,
            r"^data: .*drop_last=False",
        ),
        (
            DataLoader(TensorDataset(X), batch_size=4, shuffle=True),
            {},
            ValueError,
            r"^data: .*shuffle=False",
        ),
    ],
    ids=[
        "pil-sizes",
        "pil-modes",
        "pil-mixed",
        "transform",
        "0-d",
        "empty",
        "int",
        "loader-unbatched",
        "loader-drop-last",
        "loader-shuffled",
    ],
)
def test_bad_data_names_the_argument(data, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        DataSource(data, **kwargs)


def test_pil_sizes_in_a_dataset_fail_with_the_global_indices():
    class Images(Dataset):
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int):
            return image(4 if i < 3 else 6, 4), 0

    source = DataSource(Images())
    with pytest.raises(ValueError, match=r"^data: .*image 2 is 4x4 RGB and image 3 is 6x4 RGB"):
        list(source.batches(2))


@pytest.mark.parametrize(
    ("index", "error"),
    [(6, IndexError), (-1, IndexError), (1.0, TypeError), ("2", TypeError)],
)
def test_item_validates_its_index(index, error):
    with pytest.raises(error, match=r"^index must be"):
        DataSource(TensorDataset(X)).item(index)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (
            np.array([np.zeros(3), np.zeros(4)], dtype=object),
            r"object array of 2 ragged per-item arrays \(2 shapes: \(3,\), \(4,\)\).*np\.stack"
            r".*or pass them as a list with transform=",
        ),
        (
            np.array([np.zeros(3), np.zeros(3), None], dtype=object)[:2],
            r"object array of 2 per-item arrays of shape \(3,\).*data = np\.stack\(list\(data\)\)",
        ),
        (
            np.array([torch.zeros(2), torch.zeros(5), None], dtype=object)[:2],
            r"ragged per-item arrays.*torch\.stack",
        ),
        (
            np.array([[1, 2.5], [3, 4]], dtype=object),
            r"object array of numbers, shape \(2, 2\).*data\.astype\(np\.float32\)",
        ),
    ],
)
def test_object_arrays_of_items_get_the_right_hint(data, match):
    with pytest.raises(TypeError, match=match):
        DataSource(data)
    with pytest.raises(TypeError, match=match):
        LatentModel(lambda x: x, progress=False).encode(data)


def test_object_arrays_with_a_transform_or_of_strings_pass():
    ragged = np.array([np.zeros(3), np.zeros(4)], dtype=object)
    assert len(DataSource(ragged, transform=lambda batch: batch)) == 2
    assert len(DataSource(np.array(["a", "bc"], dtype=object))) == 2


def test_per_item_hint_describes_lists_for_the_encoder_error():
    from latentwidgets._engine.data import per_item_hint

    assert per_item_hint([np.zeros(3), np.zeros(4)]).startswith("2 ragged per-item arrays")
    assert per_item_hint([torch.zeros(3), torch.zeros(3)]).startswith("2 per-item arrays of shape")
    assert per_item_hint(["a", "b"]) is None
    assert per_item_hint(torch.zeros(2, 3)) is None
    assert per_item_hint([]) is None
