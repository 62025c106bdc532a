from __future__ import annotations

import numpy as np
import pytest
import torch

from latentwidgets.operations.probe import code_at, grid
from latentwidgets.projections import PCA, TSNE

G = torch.Generator().manual_seed(0)
CODES = torch.randn(400, 6, generator=G)


def test_pca_inverse_is_exact():
    pca = PCA(2).fit(CODES)
    coords = pca.transform(CODES)
    xy = np.array([[0.0, 0.0], [1.0, -1.0]])
    codes, exact = code_at(pca, coords, CODES, xy)
    assert exact is True
    assert codes.shape == (2, 6)
    assert codes.dtype == CODES.dtype
    torch.testing.assert_close(codes, torch.as_tensor(pca.inverse_transform(xy.astype("f4"))))
    torch.testing.assert_close(codes[0], CODES.mean(0), atol=1e-5, rtol=0)


def test_pca_with_more_components_falls_back_to_neighbours():
    pca = PCA(3).fit(CODES)
    coords = pca.transform(CODES)[:, :2]
    codes, exact = code_at(pca, coords, CODES, coords[5])
    assert exact is False
    torch.testing.assert_close(codes[0], CODES[5])


class _Frozen:
    can_inverse_transform = False


def test_neighbour_mix_weighted_by_inverse_distance():
    coords = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 10.0]])
    latents = torch.tensor([[0.0, 0.0], [3.0, 6.0], [100.0, 100.0]])
    codes, exact = code_at(_Frozen(), coords, latents, np.array([[0.25, 0.0]]), k=2)
    assert exact is False
    # weights 1/0.25 = 4 and 1/0.75 = 4/3: 3/4 and 1/4
    torch.testing.assert_close(codes[0], 0.25 * latents[1])
    codes, _ = code_at(_Frozen(), coords, latents, coords, k=8)  # k above N is clipped
    torch.testing.assert_close(codes, latents)


def test_kd_tree_path_agrees_with_brute_force(monkeypatch):
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(400, 2))
    xy = rng.normal(size=(30, 2))
    brute, _ = code_at(_Frozen(), coords, CODES, xy)
    monkeypatch.setattr("latentwidgets.operations.probe._BRUTE_PAIRS", 10)
    tree, _ = code_at(_Frozen(), coords, CODES, xy)
    torch.testing.assert_close(tree, brute)


@pytest.mark.slow
def test_tsne_uses_neighbours():
    tsne = TSNE(perplexity=10, max_iter=250)
    coords = tsne.fit_transform(CODES[:100])
    codes, exact = code_at(tsne, coords, CODES[:100], coords[:3])
    assert exact is False
    torch.testing.assert_close(codes, CODES[:3])


@pytest.mark.slow
def test_umap_inverse_transform():
    from latentwidgets.projections import UMAP

    assert UMAP().can_inverse_transform is True
    umap = UMAP(n_neighbors=10, random_state=0)
    coords = umap.fit_transform(CODES[:200])
    inverse = umap.inverse_transform(coords[:4])
    assert isinstance(inverse, np.ndarray)
    assert inverse.shape == (4, 6)
    assert inverse.dtype == np.float32
    codes, exact = code_at(umap, coords, CODES[:200], coords[:4])
    assert exact is True
    assert codes.shape == (4, 6)
    assert codes.dtype == CODES.dtype
    # approximate: the inverse of a point's position lies nearer to its code than a random code
    near = (codes - CODES[:4]).norm(dim=1).mean()
    far = (codes - CODES[100:104]).norm(dim=1).mean()
    assert near < far
    with pytest.raises(ValueError, match="Y must have 2 columns"):
        umap.inverse_transform(np.zeros((1, 3)))


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"coords": np.zeros((400, 3))}, ValueError, "coords"),
        ({"coords": np.zeros((10, 2))}, ValueError, "coords must have one position per code"),
        ({"xy": np.zeros((2, 3))}, ValueError, "xy"),
        ({"xy": np.array([[np.nan, 0.0]])}, ValueError, "xy must be finite"),
        ({"latents": CODES.numpy()}, TypeError, "latents"),
        ({"k": 0}, ValueError, "k"),
    ],
)
def test_code_at_bad_arguments(kwargs, error, name):
    arguments = {
        "projection": _Frozen(),
        "coords": np.zeros((400, 2)),
        "latents": CODES,
        "xy": np.zeros((1, 2)),
        **kwargs,
    }
    with pytest.raises(error, match=name):
        code_at(**arguments)


def test_grid_rows_from_the_top():
    cells = grid((0.0, 4.0, 0.0, 2.0), 2)
    np.testing.assert_allclose(cells, [[1.0, 1.5], [3.0, 1.5], [1.0, 0.5], [3.0, 0.5]])
    assert grid((-1, 1, -1, 1), 64).shape == (4096, 2)


@pytest.mark.parametrize(
    ("bounds", "size", "error", "name"),
    [
        ((0, 1, 0), 4, ValueError, "bounds"),
        ((1, 0, 0, 1), 4, ValueError, "bounds"),
        ((0, 1, 0, np.inf), 4, ValueError, "bounds"),
        ((0, 1, "a", 1), 4, TypeError, "bounds"),
        ((0, 1, 0, 1), 1, ValueError, "size"),
        ((0, 1, 0, 1), 65, ValueError, "size"),
        ((0, 1, 0, 1), 4.0, TypeError, "size"),
    ],
)
def test_grid_bad_arguments(bounds, size, error, name):
    with pytest.raises(error, match=name):
        grid(bounds, size)


@pytest.mark.gpu
def test_on_cuda():
    codes = CODES.cuda()
    pca = PCA(2).fit(codes)
    coords = pca.transform(codes)
    exact_codes, exact = code_at(pca, coords, codes, coords[:2])
    assert exact is True
    assert exact_codes.device.type == "cuda"
    mixed, exact = code_at(_Frozen(), coords, codes, coords[:2])
    assert exact is False
    assert mixed.device.type == "cuda"


@pytest.mark.parametrize("xy", [(1e300, 1e300), (0.0, 1e300), (-1e9, 0.0)])
def test_huge_positions_are_refused_by_name_before_any_work(xy):
    pca = PCA(2).fit(CODES)
    coords = pca.transform(CODES)
    axis = "x" if xy[0] != 0 else "y"
    with pytest.raises(
        ValueError, match=rf"xy: {axis} = .* is too far from the map; expected {axis} in \["
    ):
        code_at(pca, coords, CODES, np.array(xy))


def test_positions_within_reach_of_the_map_pass():
    from latentwidgets.operations.probe import MAP_REACH, map_range

    pca = PCA(2).fit(CODES)
    coords = pca.transform(CODES)
    _, high = map_range(coords)
    width = float((coords.max(0) - coords.min(0)).max())
    np.testing.assert_allclose(high - coords.max(0), MAP_REACH * width, rtol=1e-6)
    codes, exact = code_at(pca, coords, CODES, np.array([high[0] * 0.99, 0.0]))
    assert exact
    assert bool(torch.isfinite(codes).all())


def test_huge_grid_bounds_name_bounds():
    from latentwidgets.operations.probe import check_position

    pca = PCA(2).fit(CODES)
    coords = pca.transform(CODES)
    with pytest.raises(ValueError, match=r"bounds: x = -1e\+300 is too far from the map"):
        grid((-1e300, 1e300, -1e300, 1e300), 4, coords=coords)
    with pytest.raises(ValueError, match=r"bounds must lie within \+-1e\+37"):
        grid((-1e300, 1e300, -1, 1), 4)
    assert grid((-1, 1, -1, 1), 4, coords=coords).shape == (16, 2)
    # what the widget's decode_at(x, y) calls for each coordinate
    with pytest.raises(ValueError, match=r"^y: y = 1e\+300 is too far"):
        check_position(1e300, coords, "y", axis=1)
    assert check_position(np.float32(0.5), coords, "x", axis=0) == 0.5
    with pytest.raises(ValueError, match=r"x must be finite map positions"):
        check_position(float("nan"), coords, "x", axis=0)


def test_one_spot_map_still_has_a_range():
    from latentwidgets.operations.probe import map_range

    low, high = map_range(np.zeros((5, 2)))
    np.testing.assert_allclose(high, 1e6)
    np.testing.assert_allclose(low, -1e6)
