"""The explorer in a marimo app: drawn, previews answered, selections and picks synced both ways.

marimo renders anywidgets itself (its own model, comm and ``invoke``), so this is the check that
the front end does not lean on anything only Jupyter provides.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from .._chromium import skip_or_fail
from ._cells import CLUSTER_SIZE, LEFT, TOP, TOY_MODEL
from ._lab import expect
from ._map import (
    MAP_CANVAS,
    bounding_box,
    click_point,
    drag,
    hover_point,
    project_to_screen,
)
from ._server import running_marimo_app
from .conftest import VIEWPORT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The toy model's explorer on its two latent dimensions, so the map shows the codes themselves;
# the top cluster is selected from Python before display, and every selection is written to a
# file the test reads (marimo's app view has no cell to ask Python from).
EXPLORER = """\
import json
import pathlib

explorer = lw.LatentExplorer(encode, decode, images, labels=labels, projection="dims", progress=False)
explorer.point_size = 10
explorer.selected = list(range(40, 60))
explorer.observe(
    lambda _: pathlib.Path({record!r}).write_text(json.dumps(explorer.selected)), "_selection"
)
explorer
"""
RECORD_TIMEOUT_S = 20.0


def _marimo_app(cells: list[str]) -> str:
    """A marimo app file with one cell that runs ``cells`` in order and shows the last value."""
    body = textwrap.indent("\n".join(cells), "    ")
    return f"import marimo\n\napp = marimo.App()\n\n\n@app.cell\ndef _():\n{body}    return\n"


@dataclass
class MarimoPage:
    page: Any
    record: pathlib.Path
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def marimo(browser: Any, tmp_path: pathlib.Path) -> Iterator[MarimoPage]:
    if importlib.util.find_spec("marimo") is None:
        skip_or_fail("the marimo Python package is not installed")
    app = tmp_path / "app.py"
    record = tmp_path / "selection.json"
    app.write_text(_marimo_app([TOY_MODEL, EXPLORER.format(record=str(record))]))
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    try:
        with running_marimo_app(app) as url:
            marimo_page = MarimoPage(context.new_page(), record)
            marimo_page.page.on(
                "pageerror", lambda error: marimo_page.page_errors.append(str(error))
            )
            marimo_page.page.goto(url)
            yield marimo_page
    finally:
        context.close()
    assert not marimo_page.page_errors, "uncaught errors in the page:\n" + "\n".join(
        marimo_page.page_errors
    )


def _toy_codes() -> np.ndarray:
    namespace: dict[str, Any] = {}
    exec(TOY_MODEL, namespace)  # the toy model's own definition of its codes
    return np.asarray(namespace["codes"], dtype=np.float64)


def _recorded_selection(record: pathlib.Path, expected: list[int]) -> list[int] | None:
    """The selection Python last recorded, once it is ``expected`` or the wait is over."""
    deadline = time.monotonic() + RECORD_TIMEOUT_S
    seen = None
    while time.monotonic() < deadline:
        if record.exists():
            seen = json.loads(record.read_text() or "null")
            if seen == expected:
                break
        time.sleep(0.1)  # polling a file the kernel writes, not the page
    return seen


def test_explorer_in_a_marimo_app(marimo: MarimoPage) -> None:
    root = marimo.page.locator(".lw-explorer")
    expect(root).to_have_attribute("data-ready", "1", timeout=90_000)
    expect(root).to_have_attribute("data-points", "60")
    expect(root).to_have_attribute("data-renderer", "webgl")
    assert list(TOP) == list(range(40, 60))
    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    root.scroll_into_view_if_needed()
    box = root.locator(MAP_CANVAS).bounding_box()
    assert box is not None
    positions = project_to_screen(_toy_codes(), box)

    # a preview is an anywidget command: answered through marimo's own comm
    hover_point(marimo, root, positions, LEFT[3])
    expect(root.locator(".lw-preview-image")).to_have_attribute("data-index", str(LEFT[3]))

    # picks travel to Python, whose frames travel back as a binary buffer
    root.locator(".lw-pick-a").click()
    click_point(marimo, root, positions, LEFT[2])
    root.locator(".lw-pick-b").click()
    click_point(marimo, root, positions, TOP[17])
    expect(root.locator(".lw-interp-slider")).to_have_attribute("data-frames", "16")

    # Esc clears the selection, in Python too; then a box drawn on the map reaches Python
    root.focus()
    marimo.page.keyboard.press("Escape")
    expect(root).to_have_attribute("data-selected-count", "0")
    assert _recorded_selection(marimo.record, []) == []
    # the interpolation's path made the map zoom out to show it whole: frame the points again
    zooms = int(root.get_attribute("data-zooms"))
    root.locator(".lw-fit").click()
    expect(root).to_have_attribute("data-zooms", str(zooms + 1))
    # framed in the canvas as it is now (its height follows marimo's width)
    positions = project_to_screen(_toy_codes(), root.locator(MAP_CANVAS).bounding_box())
    root.locator(".lw-mode-box").click()
    start, end = bounding_box(positions, LEFT, pad=12)
    drag(marimo, start, end)
    expect(root).to_have_attribute("data-selected-count", str(CLUSTER_SIZE))
    assert _recorded_selection(marimo.record, list(LEFT)) == list(LEFT)
