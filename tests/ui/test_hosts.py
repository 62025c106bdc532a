"""The explorer in other hosts: Voilà renders it with no dead widget before it (the encoding
progress bar used to leave "Error displaying widget: model not found", or "Loading widget..."),
and a notebook saved with its widgets' state and reopened without them shows the map's still
picture, and no dead widget or stuck progress bar."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from ._lab import ARTIFACTS, LabPage, expect
from ._server import running_voila

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SOURCE = """\
import latentwidgets as lw
data = lw.datasets.digits()
vae = lw.models.load_pretrained("digits-vae")
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data)  # with its progress bar
explorer
"""
DEAD = ("Error displaying widget", "Loading widget", "Encoding:")


def _notebook(path: pathlib.Path, *, run: bool) -> pathlib.Path:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if run:  # as JupyterLab saves it with "Save Widget State Automatically"
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", store_widget_state=True
        ).execute()
    nbformat.write(notebook, path)
    return path


def test_voila_shows_the_explorer_and_no_dead_widget(browser: Any, tmp_path: pathlib.Path) -> None:
    notebook = _notebook(tmp_path / "explorer.ipynb", run=False)
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with running_voila(notebook) as url:
        page.goto(f"{url}/", timeout=120_000)
        root = page.locator(".lw-explorer")
        expect(root).to_have_attribute("data-ready", "1", timeout=120_000)
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voila.png"))
        text = page.locator("body").inner_text()
        assert not [dead for dead in DEAD if dead in text], text[:300]
    context.close()
    assert not errors, errors


def test_a_reopened_notebook_has_no_dead_widget(lab: LabPage, tmp_path: pathlib.Path) -> None:
    notebook = _notebook(lab.server.root / "reopened.ipynb", run=True)
    saved = json.loads(notebook.read_text())
    assert saved["metadata"]["widgets"]  # the state is in the file
    lab.open_saved(notebook.name)
    # no live model here: ipywidgets shows the output's other forms, the map's still picture
    picture = lab.page.locator(".jp-OutputArea-output img").first
    expect(picture).to_be_visible(timeout=60_000)
    lab.page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    lab.page.screenshot(path=str(ARTIFACTS / "reopened.png"))
    text = lab.page.locator(".jp-Notebook").inner_text()
    assert not [dead for dead in DEAD if dead in text], text[:300]
