"""The search box: a person types, the matches are ringed on the map and listed, and a click on
one pins it and zooms to it."""

from __future__ import annotations

import io
import pathlib

import numpy as np
import pytest
from PIL import Image

from ._cells import LEFT, TOP, TOY_EXPLORER
from ._lab import LabPage, expect
from ._map import screen_positions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = pathlib.Path("/tmp/shots/h7")
RING = np.array([232, 89, 12])  # --lw-search-ring


def _ring_pixels(picture: np.ndarray, box: dict, positions: np.ndarray, indices) -> list[int]:
    """How many ring-coloured pixels lie within 11 px of each of these points."""
    near = np.abs(picture - RING).sum(axis=2) < 90
    rows, cols = np.indices(near.shape)
    counts = []
    for i in indices:
        x, y = positions[i][0] - box["x"], positions[i][1] - box["y"]
        counts.append(int((near & ((cols - x) ** 2 + (rows - y) ** 2 <= 11**2)).sum()))
    return counts


def test_typing_a_query_rings_and_lists_the_matches(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    positions = screen_positions(lab, root)
    box = root.locator(".lw-map").bounding_box()

    search = root.locator(".lw-search")
    search.click()
    search.press_sequentially("ToP", delay=60)  # any case: the labels are "top"
    expect(root).to_have_attribute("data-search-count", "20")
    expect(root.locator(".lw-search-rings")).to_have_attribute("data-rings", "20")
    expect(root.locator(".lw-search-count")).to_have_text("20 matches")
    matches = root.locator(".lw-search-match")
    expect(matches).to_have_count(20)
    expect(matches.first).to_contain_text("#40")
    expect(matches.first).to_contain_text("top")
    assert lab.evaluate("explorer.search_query") == "ToP"

    lab.page.mouse.move(5, 5)
    lab.page.wait_for_timeout(400)  # the rings draw at the next animation frame
    shot = root.locator(".lw-map").screenshot()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "search_rings.png").write_bytes(shot)
    (SHOTS / "search_list.png").write_bytes(root.screenshot())
    picture = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)
    ringed = _ring_pixels(picture, box, positions, TOP)
    assert min(ringed) > 5, f"every top point should be ringed: {ringed}"
    assert max(_ring_pixels(picture, box, positions, LEFT)) == 0, "a left point was ringed"

    # a click on a listed match pins it and zooms to it
    zooms = int(root.get_attribute("data-zooms"))
    root.locator(".lw-search-match[data-index='45']").click()
    expect(root).to_have_attribute("data-pinned", "45")
    expect(root).to_have_attribute("data-zooms", str(zooms + 1))
    lab.wait_for_python("explorer.pinned", 45)

    # no match, then Escape clears the search
    search.fill("")
    search.press_sequentially("nowhere", delay=30)
    expect(root).to_have_attribute("data-search-count", "0")
    expect(root.locator(".lw-search-count")).to_have_text("no match")
    expect(root.locator(".lw-search-rings")).to_have_attribute("data-rings", "0")
    search.press("Escape")
    lab.wait_for_python("explorer.search_query", "")
    expect(root.locator(".lw-search-match")).to_have_count(0)


def test_a_search_set_in_python_shows_in_the_box(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lab.run_python("explorer.search_query = 'left'")
    expect(root).to_have_attribute("data-search-count", "20")
    expect(root.locator(".lw-search")).to_have_value("left")
    expect(root.locator(".lw-search-rings")).to_have_attribute("data-rings", "20")
    assert lab.evaluate("explorer.search('LEFT').tolist()") == list(LEFT)
