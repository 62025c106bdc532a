"""After ``close()`` every public method of the explorer says so, instead of doing nothing."""

from __future__ import annotations

import inspect

import anywidget
import pytest

from latentwidgets import LatentExplorer
from latentwidgets._widget.core_traits import CoreTraits
from latentwidgets.explorer import FEATURES


def _public_methods() -> list[str]:
    names = set()
    for owner in (CoreTraits, *FEATURES):
        for name, member in vars(owner).items():
            command = getattr(member, "_anywidget_command", False)  # answers the browser
            inherited = hasattr(anywidget.AnyWidget, name)  # e.g. set_state
            public = not name.startswith("_") and inspect.isfunction(member)
            if public and not command and not inherited:
                names.add(name)
    return sorted(names)


def test_every_feature_has_public_methods_to_check():
    assert {"interpolate", "update", "wait", "sample", "save_html", "zoom_to"} <= set(
        _public_methods()
    )


@pytest.mark.parametrize("name", _public_methods())
def test_a_method_called_after_close_raises_a_clear_error(explorer, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    explorer.interpolate(1, 2)
    explorer.close()
    method = getattr(explorer, name)
    required = [
        p
        for p in inspect.signature(method).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    # the arguments are never looked at: the check comes first
    with pytest.raises(RuntimeError, match="closed"):
        method(*[1] * len(required))
    assert not list(tmp_path.iterdir())  # nothing written


def test_setting_the_selection_or_the_projection_after_close_raises(explorer: LatentExplorer):
    explorer.close()
    with pytest.raises(RuntimeError, match="closed"):
        explorer.selected = [1]
    with pytest.raises(RuntimeError, match="closed"):
        explorer.projection = "dims"
