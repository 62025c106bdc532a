"""Sessions: save what is set up, load it onto an explorer of the same data, or change nothing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from torch.utils.data import TensorDataset

from latentwidgets import LatentExplorer
from tests._toy import X, Y


def _set_up(explorer):
    explorer.projection_params = {"tsne": {"perplexity": 5}}
    explorer.projection = "dims"
    explorer.dims = [1, 0]
    explorer.color_scale = "log"
    explorer.interp_a, explorer.interp_b = 2, 7
    explorer.interp_steps, explorer.interp_method = 8, "lerp"
    explorer.pinned = 4
    explorer.panels = ["preview", "samples"]
    explorer.tag([1, 2, 3], "trio")
    explorer.attribute_vector([1, 2], [3, 4], name="up")
    explorer.color_by = "tags"
    explorer.selected = [3, 6]
    explorer.filter = "label in (1, 2) and tags != 'trio'"
    explorer.map_labels = "label"
    explorer.view = [-1.0, 1.0, -0.5, 0.5]


def test_a_saved_session_loads_onto_a_fresh_explorer(explorer, ae, tmp_path):
    _set_up(explorer)
    path = explorer.save_session(tmp_path / "s.json")
    state = json.loads(path.read_text())
    assert state["points"] == len(X)
    assert state["format"] == "latentwidgets-session"
    fresh = LatentExplorer(ae.encode, ae.decode, TensorDataset(X, Y), progress=False)
    fresh.load_session(path)
    for name in (
        "projection",
        "dims",
        "color_scale",
        "color_by",
        "interp_a",
        "interp_b",
        "interp_steps",
        "interp_method",
        "pinned",
        "panels",
        "projection_params",
        "filter",
        "map_labels",
        "view",
    ):
        assert getattr(fresh, name) == getattr(explorer, name), name
    assert fresh.selected == [3, 6]
    assert fresh.tags["trio"].tolist() == [1, 2, 3]
    assert np.allclose(fresh.vectors["up"].cpu(), explorer.vectors["up"].cpu())
    assert "up" in fresh._traverse_options
    assert fresh._undo_counts == [0, 0]  # a loaded session starts a new timeline


def test_another_data_size_or_latent_size_is_refused_and_changes_nothing(explorer, ae, tmp_path):
    path = explorer.save_session(tmp_path / "s.json")
    other = LatentExplorer(ae.encode, ae.decode, TensorDataset(X[:20], Y[:20]), progress=False)
    other.selected = [1]
    with pytest.raises(ValueError, match=f"saved on {len(X)} points.*this explorer has 20"):
        other.load_session(path)
    assert other.selected == [1]
    state = json.loads(path.read_text())
    state["latent_dim"] += 1
    path.write_text(json.dumps(state))
    with pytest.raises(ValueError, match="latent dimensions"):
        explorer.load_session(path)


def test_a_refused_value_puts_everything_back(explorer, tmp_path):
    _set_up(explorer)
    path = explorer.save_session(tmp_path / "s.json")
    state = json.loads(path.read_text())
    state["traits"]["interp_steps"] = 9999  # refused, after other values were set
    path.write_text(json.dumps(state))
    explorer.selected = [9]
    explorer.projection = "pca"
    explorer.untag([1, 2, 3], "trio")
    with pytest.raises(ValueError, match="interp_steps"):
        explorer.load_session(path)
    assert explorer.selected == [9]
    assert explorer.projection == "pca"
    assert explorer.tags == {}
    assert explorer._undo_counts[0] > 0  # the timeline is kept


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("not json", "not JSON"),
        ("{}", "not a latentwidgets session"),
        ("[1]", "not a latentwidgets session"),
    ],
)
def test_a_file_that_is_not_a_session_is_named(explorer, tmp_path, content, match):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        explorer.load_session(path)
    with pytest.raises(FileNotFoundError, match="no session file"):
        explorer.load_session(tmp_path / "missing.json")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        explorer.save_session(tmp_path / "no" / "s.json")


def test_bad_packed_indices_are_refused(explorer, tmp_path):
    path = explorer.save_session(tmp_path / "s.json")
    state = json.loads(path.read_text())
    state["parts"]["selection"] = {"uint32": "AAAA!"}
    path.write_text(json.dumps(state))
    with pytest.raises(ValueError, match="base64"):
        explorer.load_session(path)
    state["parts"]["selection"] = {"uint32": "////fw=="}  # index 2**31 - 1
    path.write_text(json.dumps(state))
    with pytest.raises(ValueError, match="point index"):
        explorer.load_session(path)


def test_the_camera_view_is_checked(explorer):
    import traitlets

    explorer.view = [0.0, 1.0, 2.0, 3.0]
    for bad in ([1.0, 0.0, 0.0, 1.0], [0.0, 1.0], [0.0, float("nan"), 0.0, 1.0]):
        with pytest.raises(traitlets.TraitError, match="view must"):
            explorer.view = bad
    assert explorer.view == [0.0, 1.0, 2.0, 3.0]
    explorer.set_state({"view": [5.0, 1.0, 0.0, 1.0]})  # from the browser: refused, said
    assert explorer.view == [0.0, 1.0, 2.0, 3.0]
    assert "view must" in explorer._status["message"]


@pytest.mark.parametrize("path", [123, None, ["s.json"]])
def test_a_path_that_is_no_path_is_named(explorer, path):
    with pytest.raises(TypeError, match=r"path must be a str or pathlib\.Path"):
        explorer.save_session(path)
    with pytest.raises(TypeError, match=r"path must be a str or pathlib\.Path"):
        explorer.load_session(path)
