from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from latentwidgets.operations.traverse import (
    direction_vector,
    principal_directions,
    traversal_codes,
)

G = torch.Generator().manual_seed(0)
CODES = torch.randn(500, 4, generator=G) * torch.tensor([3.0, 2.0, 1.0, 0.5]) + 1.0
VECTORS = {"smile": torch.tensor([1.0, 0.0, 0.0, 1.0])}


def test_principal_directions_match_sklearn():
    directions = principal_directions(CODES, 3)
    assert directions.shape == (3, 4)
    assert directions.dtype == CODES.dtype
    reference = PCA(3).fit(CODES.numpy()).components_
    np.testing.assert_allclose(directions.numpy(), reference, atol=1e-5)
    torch.testing.assert_close(directions.norm(dim=1), torch.ones(3))
    largest = directions.abs().argmax(dim=1)
    assert (directions[torch.arange(3), largest] > 0).all()


def test_direction_vector_kinds():
    torch.testing.assert_close(direction_vector(2, CODES, {}), torch.tensor([0.0, 0, 1, 0]))
    torch.testing.assert_close(direction_vector(np.int64(0), CODES, {})[0], torch.tensor(1.0))
    torch.testing.assert_close(
        direction_vector("pc2", CODES, {}), principal_directions(CODES, 2)[1]
    )
    torch.testing.assert_close(direction_vector("smile", CODES, VECTORS), VECTORS["smile"])
    given = np.array([0.0, 1.0, 2.0, 3.0])
    torch.testing.assert_close(direction_vector(given, CODES, {}), torch.tensor(given).float())


@pytest.mark.parametrize(
    ("direction", "error", "match"),
    [
        (4, ValueError, r"direction must be an int latent dimension in \[0, 4\).*'smile'"),
        (-1, ValueError, "direction must be"),
        ("pc5", ValueError, r"'pc1' \.\.\. 'pc4'"),
        ("frown", ValueError, r"one of the vectors \['smile'\]"),
        (True, TypeError, "direction"),
        (1.5, TypeError, "direction"),
        (torch.ones(3), ValueError, r"direction must have shape \(4,\)"),
    ],
)
def test_direction_vector_errors_list_choices(direction, error, match):
    with pytest.raises(error, match=match):
        direction_vector(direction, CODES, VECTORS)


def test_traversal_codes_span_in_standard_deviations():
    origin = CODES[0]
    codes, offsets = traversal_codes(origin, torch.tensor([0.0, 2.0, 0.0, 0.0]), CODES, steps=7)
    assert codes.shape == (7, 4)
    assert offsets.shape == (7,)
    spread = float(CODES[:, 1].std())
    torch.testing.assert_close(offsets, torch.linspace(-3 * spread, 3 * spread, 7))
    torch.testing.assert_close(codes[3], origin)
    torch.testing.assert_close(codes[:, 1], origin[1] + offsets)
    torch.testing.assert_close(codes[:, [0, 2, 3]], origin[[0, 2, 3]].expand(7, 3))


def test_traversal_codes_span_and_steps():
    codes, offsets = traversal_codes(CODES[0], CODES[1], CODES, span=1.0, steps=2)
    unit = CODES[1] / CODES[1].norm()
    spread = float((CODES @ unit).std())
    torch.testing.assert_close(offsets, torch.tensor([-spread, spread]))
    torch.testing.assert_close(codes[1] - codes[0], 2 * spread * unit)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"direction": torch.zeros(4)}, ValueError, "direction is the zero vector"),
        ({"direction": torch.ones(5)}, ValueError, "direction"),
        ({"origin": [0.0] * 4}, TypeError, "origin"),
        ({"span": 0}, ValueError, "span"),
        ({"span": float("inf")}, ValueError, "span"),
        ({"steps": 1}, ValueError, "steps"),
        ({"steps": 2.0}, ValueError, "steps"),
        ({"latents": CODES[:1]}, ValueError, "latents"),
    ],
)
def test_traversal_bad_arguments(kwargs, error, name):
    arguments = {"origin": CODES[0], "direction": torch.ones(4), "latents": CODES, **kwargs}
    with pytest.raises(error, match=name):
        traversal_codes(**arguments)


def test_traversal_along_a_dead_dimension():
    codes = CODES.clone()
    codes[:, 3] = 0.0
    with pytest.raises(ValueError, match="do not vary along it"):
        traversal_codes(codes[0], torch.tensor([0.0, 0, 0, 1]), codes)


def test_principal_directions_bad_k():
    with pytest.raises(ValueError, match="k"):
        principal_directions(CODES, 5)


@pytest.mark.gpu
def test_on_cuda():
    codes = CODES.cuda()
    direction = direction_vector("pc1", codes, {})
    frames, offsets = traversal_codes(codes[0], direction, codes)
    assert frames.device.type == "cuda"
    assert offsets.device.type == "cuda"
    torch.testing.assert_close(direction.cpu(), principal_directions(CODES, 1)[0])
