"""After ``close()`` every public method of the explorer says so, instead of doing nothing."""

from __future__ import annotations

import inspect

import anywidget
import pytest
import torch

from latentwidgets import LatentExplorer
from latentwidgets._widget.core_traits import CoreTraits
from latentwidgets.explorer import FEATURES

#: Each public method with arguments that would work on an open explorer.
CALLS = {
    "add_column": lambda e: e.add_column("c", list(range(len(e.latents)))),
    "show_projection": lambda e: e.show_projection(__import__("latentwidgets").PCA()),
    "projection_of": lambda e: e.projection_of("pca"),
    "wait": lambda e: e.wait(),
    "decode": lambda e: e.decode(1),
    "zoom_to": lambda e: e.zoom_to([1]),
    "interpolate": lambda e: e.interpolate(1, 2),
    "save_gif": lambda e: e.save_gif("never.gif"),
    "neighbours": lambda e: e.neighbours(1),
    "attribute_vector": lambda e: e.attribute_vector([1, 2]),
    "apply": lambda e: e.apply(1, torch.zeros(e.latents.shape[1])),
    "traverse": lambda e: e.traverse(1, 0),
    "sample": lambda e: e.sample(2),
    "reconstruction_error": lambda e: e.reconstruction_error(),
    "cluster": lambda e: e.cluster(2),
    "code_at": lambda e: e.code_at(0.0, 0.0),
    "decode_at": lambda e: e.decode_at(0.0, 0.0),
    "manifold": lambda e: e.manifold(2),
    "update": lambda e: e.update(),
    "save_html": lambda e: e.save_html("never.html"),
}


def _public_methods() -> set[str]:
    names = set()
    for owner in (CoreTraits, *FEATURES):
        for name, member in vars(owner).items():
            command = getattr(member, "_anywidget_command", False)  # answers the browser
            inherited = hasattr(anywidget.AnyWidget, name)  # e.g. set_state
            public = not name.startswith("_") and inspect.isfunction(member)
            if public and not command and not inherited:
                names.add(name)
    return names


def test_the_table_lists_every_public_method():
    assert _public_methods() == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_method_called_after_close_raises_a_clear_error(explorer, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    explorer.interpolate(1, 2)
    explorer.close()
    with pytest.raises(RuntimeError, match="closed"):
        CALLS[name](explorer)
    assert not list(tmp_path.iterdir())  # nothing written


def test_setting_the_selection_or_the_projection_after_close_raises(explorer: LatentExplorer):
    explorer.close()
    with pytest.raises(RuntimeError, match="closed"):
        explorer.selected = [1]
    with pytest.raises(RuntimeError, match="closed"):
        explorer.projection = "dims"
