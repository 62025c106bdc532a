"""The person sizes the map with the handle on its bottom edge (issue 19, item 9): a drag sizes it
live and writes ``height`` to the kernel, the camera keeps its centre and scale (the points stay put
relative to the map's centre), hover and box selection still hit the points under the pointer; the
arrow keys step the height, and a double-click goes back to the automatic height."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from .._chromium import CHROMIUM
from ._cells import LEFT, RIGHT, TOP, TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect
from ._map import MAP_CANVAS, bounding_box, drag, hover_point, screen_positions
from ._server import JupyterServer
from .conftest import BROWSER_ARGS, lab_page_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HANDLE = ".lw-resize"


@pytest.fixture(scope="module")
def no_webgl_browser(browser: Any) -> Iterator[Any]:
    """Chromium without WebGL, where the map is the 2-D canvas one (test_canvas_fallback.py),
    launched by the session's Playwright (a second one cannot run beside it)."""
    args = [*BROWSER_ARGS, "--disable-software-rasterizer"]
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=args)
    yield chromium
    chromium.close()


def _box(root: Any, selector: str) -> dict[str, float]:
    box = root.locator(selector).bounding_box()
    assert box is not None, f"{selector} has no box"
    return box


def _centre(box: dict[str, float]) -> np.ndarray:
    return np.array([box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])


def _drag_handle(lab: LabPage, root: Any, dy: float) -> None:
    handle = _box(root, HANDLE)
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    drag(lab, (x, y), (x, y + dy), steps=10)


def _settled_box(lab: LabPage, root: Any) -> dict[str, float]:
    """The map canvas's box once it rests: JupyterLab may still scroll the grown output."""
    box = _box(root, MAP_CANVAS)
    for _ in range(50):
        lab.page.wait_for_timeout(100)
        now = _box(root, MAP_CANVAS)
        if now == box:
            return now
        box = now
    raise AssertionError(f"the map keeps moving in the page: {box}")


def _hover_names(lab: LabPage, root: Any, offsets: np.ndarray, index: int, label: str) -> None:
    """Hover point ``index`` at its ``offsets`` from the map's centre: the card names it."""
    positions = _centre(_settled_box(lab, root)) + offsets
    hover_point(lab, root, positions, index)
    card = root.locator(".lw-hover-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-index", str(index))
    expect(card.locator(".lw-hover-title")).to_contain_text(f"#{index}")
    expect(card.locator(".lw-hover-row").first).to_contain_text(label)


@pytest.mark.parametrize("renderer", ["webgl", "canvas"])
def test_dragging_the_handle_resizes_the_map_and_keeps_its_view(
    request: pytest.FixtureRequest, renderer: str, jupyter_server: JupyterServer
) -> None:
    browser = request.getfixturevalue("browser" if renderer == "webgl" else "no_webgl_browser")
    with lab_page_in(request, browser, jupyter_server) as lab:
        _drag_keeps_the_view(lab, renderer)


def _drag_keeps_the_view(lab: LabPage, renderer: str) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-renderer", renderer)
    positions = screen_positions(lab, root)
    before = _box(root, MAP_CANVAS)
    offsets = positions - _centre(before)
    assert before["height"] == pytest.approx(440, abs=1)
    expect(root.locator(HANDLE)).to_have_attribute("aria-valuenow", "440")

    # Shorter than the points' fit: a map framed afresh would shrink them; this one keeps them.
    _drag_handle(lab, root, -140)

    expect(root.locator(HANDLE)).to_have_attribute("aria-valuenow", "300")
    lab.wait_for_python("explorer.height", 300)
    expect(root).to_have_attribute("data-height-mode", "fixed")
    lab.page.wait_for_function(
        "(c) => Math.round(c.getBoundingClientRect().height) === 300",
        arg=root.locator(MAP_CANVAS).element_handle(),
    )
    root.locator(MAP_CANVAS).scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    root.screenshot(path=str(ARTIFACTS / f"map_resized_{renderer}.png"))
    # Same centre, same scale: each point keeps its offset from the map's centre.
    lab.page.mouse.move(5, 5)
    # Points near three edges of the shorter map (the outer rows are now out of view).
    _hover_names(lab, root, offsets, TOP[0], "top")
    _hover_names(lab, root, offsets, RIGHT[19], "right")
    _hover_names(lab, root, offsets, LEFT[17], "left")

    root.locator(".lw-mode-box").click()
    start, end = bounding_box(_centre(_settled_box(lab, root)) + offsets, RIGHT[10:], pad=8)
    drag(lab, start, end)
    expect(root).to_have_attribute("data-selected-count", "10")
    lab.wait_for_python("explorer.selected", list(RIGHT[10:]))


def test_the_arrow_keys_step_the_height_and_a_double_click_makes_it_automatic(
    lab: LabPage,
) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    lab.run_python(f"explorer.pinned = {LEFT[3]}")
    expect(root).to_have_attribute("data-pinned", str(LEFT[3]))
    handle = root.locator(HANDLE)

    handle.focus()
    handle.press("ArrowDown")
    handle.press("ArrowDown")
    lab.wait_for_python("explorer.height", 480)
    handle.press("ArrowUp")
    lab.wait_for_python("explorer.height", 460)
    expect(handle).to_have_attribute("aria-valuenow", "460")
    assert _box(root, ".lw-map")["height"] == pytest.approx(460, abs=1)

    handle.dblclick()
    lab.wait_for_python("explorer.height", 0)
    expect(root).to_have_attribute("data-height-mode", "auto")
    width = _box(root, ".lw-map")["width"]
    expected = round(min(900, max(440, 0.6 * width)))
    expect(handle).to_have_attribute("aria-valuenow", str(expected))
    # A click on the handle is not a click on the map: the pinned point stays pinned.
    expect(root).to_have_attribute("data-pinned", str(LEFT[3]))
    lab.wait_for_python("explorer.pinned", LEFT[3])

    # Python sets it back: the page follows, the handle says so.
    lab.run_python("explorer.height = 300")
    expect(handle).to_have_attribute("aria-valuenow", "300")
    expect(root).to_have_attribute("data-height-mode", "fixed")
