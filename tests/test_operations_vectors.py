from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.linear_model import LinearRegression

from latentwidgets.operations.vectors import column_direction, group_mask, mean_difference

G = torch.Generator().manual_seed(0)
CODES = torch.randn(300, 5, generator=G)
LABELS = np.array(["cat", "dog", "bird"] * 100)


@pytest.mark.parametrize(
    "group",
    [[0, 3, 6], np.array([0, 3, 6]), torch.tensor([0, 3, 6]), range(0, 9, 3)],
)
def test_group_of_indices(group):
    mask = group_mask(group, 300, LABELS, "a")
    assert mask.dtype == torch.bool
    assert mask.shape == (300,)
    assert torch.nonzero(mask).flatten().tolist() == [0, 3, 6]


def test_group_of_mask_and_label():
    boolean = np.zeros(300, dtype=bool)
    boolean[[1, 2]] = True
    assert group_mask(boolean, 300, None, "a").sum() == 2
    assert group_mask(torch.from_numpy(boolean), 300, None, "a").sum() == 2
    assert group_mask(list(boolean), 300, None, "a").sum() == 2
    dogs = group_mask("dog", 300, LABELS, "b")
    assert torch.equal(dogs, torch.from_numpy(LABELS == "dog"))
    numbers = np.arange(300) % 4
    assert group_mask(2, 300, numbers, "a").sum() == 75
    assert group_mask(np.int64(2), 300, numbers, "a").sum() == 75


@pytest.mark.parametrize(
    ("group", "labels", "error", "match"),
    [
        ("cow", LABELS, ValueError, "b='cow' is not one of the labels.*'cat', 'dog', 'bird'"),
        ("cat", None, ValueError, "b='cat'.*no labels"),
        ([], LABELS, ValueError, "b is an empty group"),
        (np.zeros(300, dtype=bool), None, ValueError, "b is an empty group"),
        (np.zeros(10, dtype=bool), None, ValueError, "b: a boolean mask"),
        ([0, 300], None, IndexError, "b"),
        ([0.5], None, TypeError, "b"),
    ],
)
def test_group_errors_name_the_group(group, labels, error, match):
    with pytest.raises(error, match=match):
        group_mask(group, 300, labels, "b")


def test_mean_difference():
    a = group_mask("cat", 300, LABELS, "a")
    b = group_mask("dog", 300, LABELS, "b")
    expected = CODES.numpy()[LABELS == "dog"].mean(0) - CODES.numpy()[LABELS == "cat"].mean(0)
    vector = mean_difference(CODES, a, b)
    assert vector.shape == (5,)
    np.testing.assert_allclose(vector.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("a", "error", "name"),
    [
        (np.ones(300, dtype=bool), TypeError, "a_mask"),
        (torch.ones(299, dtype=torch.bool), ValueError, "a_mask"),
        (torch.zeros(300, dtype=torch.bool), ValueError, "a_mask"),
    ],
)
def test_mean_difference_bad_masks(a, error, name):
    with pytest.raises(error, match=name):
        mean_difference(CODES, a, torch.ones(300, dtype=torch.bool))


def test_column_direction_matches_linear_regression():
    weights = torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0])
    values = (CODES @ weights + 0.1 * torch.randn(300, generator=G) + 7).numpy()
    direction = column_direction(CODES, values)
    coef = LinearRegression().fit(CODES.numpy(), values).coef_
    np.testing.assert_allclose(direction.numpy(), coef / (coef @ coef), rtol=1e-4, atol=1e-6)
    # one unit along it raises the prediction by one
    assert float(torch.as_tensor(coef, dtype=torch.float32) @ direction) == pytest.approx(1.0)
    assert direction.dtype == CODES.dtype


def test_column_direction_skips_missing_and_takes_ints_and_tensors(monkeypatch):
    values = (CODES[:, 0] * 10).round().long()
    direction = column_direction(CODES, values)
    coef = LinearRegression().fit(CODES.numpy(), values.numpy()).coef_
    np.testing.assert_allclose(direction.numpy(), coef / (coef @ coef), rtol=1e-4, atol=1e-6)
    with_missing = CODES[:, 1].double().numpy().copy()
    with_missing[::7] = np.nan
    keep = ~np.isnan(with_missing)
    monkeypatch.setattr("latentwidgets.operations.vectors._CHUNK", 16)
    direction = column_direction(CODES, with_missing)
    coef = LinearRegression().fit(CODES.numpy()[keep], with_missing[keep]).coef_
    np.testing.assert_allclose(direction.numpy(), coef / (coef @ coef), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [
        (LABELS, TypeError, "values must be a numeric column"),
        (np.ones(300), ValueError, "values is constant"),
        (np.ones(10), ValueError, "values must have one entry per code"),
        (torch.ones(300, dtype=torch.bool), TypeError, "values must be a numeric column"),
        (np.full(300, np.nan), ValueError, "values must hold at least 2"),
    ],
)
def test_column_direction_errors(values, error, match):
    with pytest.raises(error, match=match):
        column_direction(CODES, values)


@pytest.mark.gpu
def test_on_cuda():
    codes = CODES.cuda()
    a = group_mask("cat", 300, LABELS, "a")
    b = group_mask("dog", 300, LABELS, "b")
    assert mean_difference(codes, a, b).device.type == "cuda"
    direction = column_direction(codes, CODES[:, 0].numpy())
    assert direction.device.type == "cuda"
    torch.testing.assert_close(direction.cpu(), column_direction(CODES, CODES[:, 0].numpy()))
