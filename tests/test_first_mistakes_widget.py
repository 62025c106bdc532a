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
