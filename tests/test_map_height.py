"""The map's ``height`` is written by the page too (the resize handle): the kernel takes a height
within its bounds and refuses anything else by name, changing nothing."""

from __future__ import annotations

import re

import pytest

from latentwidgets import LatentExplorer


def _update(explorer: LatentExplorer, state: dict) -> None:
    data = {"method": "update", "state": state, "buffer_paths": []}
    explorer._handle_msg({"content": {"data": data}, "buffers": []})


@pytest.mark.parametrize("height", [0, 200, 660, 4000])
def test_the_page_may_set_the_height_within_its_bounds(explorer: LatentExplorer, height):
    _update(explorer, {"height": height})
    assert explorer.height == height
    assert explorer._status["state"] != "error"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (-20, r"height must be in \[0, 4000\]"),
        (4001, r"height must be in \[0, 4000\]"),
        (512.5, "height must be an integer"),
        ("tall", "height must be an integer"),
        (True, "height must be an integer"),
        (None, "height must be an integer"),
    ],
)
def test_a_bad_height_from_the_page_is_refused_by_name(explorer: LatentExplorer, value, says):
    explorer.height = 600
    _update(explorer, {"height": value})
    assert explorer.height == 600
    assert explorer._status["state"] == "error"
    assert "a change from the browser" in explorer._status["message"]
    assert re.search(says, explorer._status["message"]), explorer._status["message"]
