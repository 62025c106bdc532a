"""Where no widget can run, the explorer's output is a still picture of its map: a notebook run
headless (as Jupyter saves it by default, without the widgets' state) and converted by nbconvert
to HTML shows the map as a PNG in the widget's colours, offline, in a real browser."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from PIL import Image

from latentwidgets.colors import category_colors

from ._lab import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SOURCE = """\
import latentwidgets as lw
data = lw.datasets.digits()
vae = lw.models.load_pretrained("digits-vae")
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False)
explorer
"""


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


@pytest.fixture(scope="module")
def html_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)])
    NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=False).execute()
    body, _ = HTMLExporter().from_notebook_node(notebook)
    page = tmp_path_factory.mktemp("static") / "notebook.html"
    page.write_text(body)
    return page


def test_the_exported_notebook_shows_the_map_as_a_picture_offline(browser: Any, html_page: Path):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    requested: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(html_page.as_uri())
    picture = page.locator(".jp-OutputArea-output img").first
    picture.wait_for(state="visible")
    assert page.evaluate("(img) => img.naturalWidth", picture.element_handle()) == 640
    box = picture.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 200
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "static_picture.png"))
    # the map's pixels: the digits' label colours, as the widget draws them
    src = picture.get_attribute("src")
    assert src is not None
    assert src.startswith("data:image/png;base64,")
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))))
    seen = {tuple(int(c) for c in p) for p in pixels.reshape(-1, 3)[::7]}
    labels = [str(d) for d in range(10)]
    assert sum(_rgb(c) in seen for c in category_colors(labels)) >= 8
    context.close()
