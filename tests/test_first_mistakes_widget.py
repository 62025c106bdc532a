"""Issue 18 in the widget: numpy numbers are numbers, names are kept, history is bounded in bytes,
and a call that cannot work says why."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from latentwidgets import LatentExplorer, LatentWarning
from latentwidgets.features import history
from tests._toy import X


def test_numpy_numbers_are_taken_wherever_python_numbers_are(explorer):
    decoded, places = explorer.manifold(grid=np.int64(3))
    assert decoded.shape[0] == 9
    assert places.shape == (9, 2)
    assert len(explorer.sample(np.int64(4))) == 4
    explorer.attribute_vector([1, 2], name="v")
    assert explorer.apply(np.int64(3), "v", alpha=np.float32(0.5)).shape == explorer.decode(3).shape
    assert len(explorer.interpolate(np.int64(1), np.int64(2), steps=np.int64(5))) == 5
    assert (
        len(explorer.traverse(np.int64(1), np.int64(0), span=np.float32(2), steps=np.int64(3))) == 3
    )
    assert len(explorer.reconstruction_error(worst=np.int64(2))) == len(X)


def test_a_tensor_direction_never_overwrites_a_saved_vector(explorer):
    saved = explorer.attribute_vector([1, 2], name="bigger")
    explorer.traverse(1, torch.ones(explorer.latents.shape[1]))
    torch.testing.assert_close(explorer.vectors["bigger"], saved)
    assert "custom" in explorer.vectors
    with pytest.raises(ValueError, match="not 'custom'"):
        explorer.attribute_vector([1, 2], name="custom")


def test_an_unknown_direction_lists_the_choices_grouped(explorer):
    explorer.attribute_vector([1, 2], name="bigger")
    with pytest.raises(ValueError, match=r"one of z0\.\.z\d+, pc1\.\.pc\d, vectors: bigger"):
        explorer.traverse(1, "wider")


def test_traverse_without_a_decoder_says_it_needs_one():
    explorer = LatentExplorer(lambda x: x.flatten(1)[:, :4], None, X, progress=False)
    with pytest.raises(ValueError, match="needs a decoder"):
        explorer.traverse(1, 0)


def test_kept_history_is_bounded_in_bytes(explorer, monkeypatch):
    one = history._nbytes(history.Snapshot("x", explorer.latents, explorer.coords, "pca"))
    monkeypatch.setattr(history, "MAX_SNAPSHOT_BYTES", int(2.5 * one))
    explorer.update(keep=True, name="a")
    explorer.update(keep=True, name="b")
    with pytest.warns(LatentWarning, match="dropped the oldest 1 snapshot"):
        explorer.update(keep=True, name="c")
    assert [s.name for s in explorer.history] == ["b", "c"]


def test_nan_reconstructions_are_said_and_ranked_worst():
    def decode(z):
        out = torch.sigmoid(z[:, :1].repeat(1, 16)).reshape(-1, 1, 4, 4)
        out[z[:, 0] > z[:, 0].quantile(0.9)] = float("nan")  # the model fails on some points
        return out

    explorer = LatentExplorer(lambda x: x.flatten(1)[:, :4], decode, X, progress=False)
    with pytest.warns(LatentWarning, match="NaN or infinite"):
        errors = explorer.reconstruction_error(worst=8)
    failing = set(np.flatnonzero(~np.isfinite(errors.numpy())).tolist())
    assert failing
    assert set(explorer._worst[: len(failing)].tolist()) == failing
    assert explorer._status["state"] == "error"
    assert "NaN" in explorer._status["message"]


def test_huge_places_and_missing_folders_are_refused_by_name(explorer, tmp_path):
    with pytest.raises(ValueError, match=r"^x: x = 1e"):
        explorer.decode_at(1e300, 0.0)
    with pytest.raises(ValueError, match=r"^bounds: "):
        explorer.manifold(bounds=(-1e300, 1e300, 0.0, 1.0))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        explorer.save_html(tmp_path / "missing" / "map.html")
