"""The documentation builds with warnings as errors, with the API reference and every notebook."""

from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
DOCS_PACKAGES = ("sphinx", "myst_nb", "numpydoc", "pydata_sphinx_theme")
MISSING = [name for name in DOCS_PACKAGES if importlib.util.find_spec(name) is None]


@pytest.mark.slow
@pytest.mark.skipif(
    bool(MISSING), reason=f"the docs need {', '.join(MISSING)} (pip install -e '.[docs]')"
)
def test_docs_build_without_warnings(tmp_path: pathlib.Path):
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "docs", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    explorer_page = out / "generated" / "latentwidgets.LatentExplorer.html"
    assert explorer_page.is_file()
    html = explorer_page.read_text(encoding="utf-8")
    # The class, its methods and its public traits are documented; private traits are not.
    for anchor in ("LatentExplorer", "LatentExplorer.interpolate", "LatentExplorer.projection"):
        assert f'id="latentwidgets.{anchor}"' in html
    assert 'id="latentwidgets.LatentExplorer._points"' not in html

    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        assert (out / "notebooks" / f"{notebook.stem}.html").is_file(), notebook.name
