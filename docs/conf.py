"""Sphinx configuration of the latentwidgets documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` from the repository root.
"""

from __future__ import annotations

import inspect
import shutil
import sys
from pathlib import Path
from typing import Any

import traitlets

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# The docs build from a checkout, installed or not.
sys.path.insert(0, str(ROOT))

import latentwidgets  # noqa: E402


def _copy_notebooks() -> None:
    """Mirror ``notebooks/*.ipynb`` into ``docs/notebooks/``: Sphinx reads only its source dir.

    ``copy2`` keeps modification times, so an unchanged notebook is not rebuilt; the folder is
    cleared first so that a notebook deleted or renamed upstream does not linger in the docs.
    """
    target = DOCS / "notebooks"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)


_copy_notebooks()

project = "latentwidgets"
author = "latentwidgets developers"
copyright = "latentwidgets developers"
version = release = latentwidgets.__version__

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]

# --- notebooks: rendered as stored; the test suite executes them (tests/test_notebooks.py)
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3

# The screenshot appears on the front page once docs/_static/explorer.png exists.
_SCREENSHOT = DOCS / "_static" / "explorer.png"
myst_substitutions = {
    "screenshot": (
        "![The LatentExplorer widget: the latent map, a decoded preview and the interpolation "
        "slider](_static/explorer.png)"
        if _SCREENSHOT.exists()
        else ""
    )
}

# --- API reference
autosummary_generate = True
autodoc_typehints = "none"  # numpydoc sections carry the types
autodoc_member_order = "groupwise"
numpydoc_show_class_members = False

# --- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"latentwidgets {release}"
html_static_path = ["_static"] if (DOCS / "_static").is_dir() else []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
# The section navigation only helps where a page has siblings (the API, the notebooks).
html_sidebars = {
    page: [] for page in ("index", "user-guide", "how-it-works", "widget-contract", "development")
}


def _defined_outside_package(obj: Any) -> bool:
    function = obj.fget if isinstance(obj, property) else obj
    module = getattr(function, "__module__", None)
    return isinstance(module, str) and not module.startswith("latentwidgets")


def _skip_member(app: Any, what: str, name: str, obj: Any, skip: bool, options: Any) -> bool | None:
    """Document a class's own members and those it inherits from latentwidgets, nothing else.

    The class pages list inherited members so that, say, ``PCA.fit`` (from ``Projection``) shows;
    this leaves out what comes from anywidget, ipywidgets, torch, scikit-learn or builtins, whose
    docstrings point into their own documentation (scikit-learn's metadata-routing methods, for
    one, are added to every estimator subclass).
    """
    if isinstance(obj, traitlets.TraitType):
        # Public traits are API (``explorer.projection = "tsne"``); private ones are the wire
        # format, documented in the widget contract.
        owner = getattr(obj.this_class, "__module__", "")
        return name.startswith("_") or not obj.help or not owner.startswith("latentwidgets")
    if getattr(obj, "_anywidget_command", False):
        return True  # called by the browser, not by users; see the widget contract
    if what in ("class", "exception") and _defined_outside_package(obj):
        return True
    return None


def _trait_docstring(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Give a trait its ``help`` text and type: its own docstring is that of its trait class."""
    if isinstance(obj, traitlets.TraitType):
        lines[:] = [
            obj.help,
            "",
            f"Synced with the browser: {obj.info()}, default ``{obj.default_value!r}``.",
        ]


def _init_signature(
    app: Any,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """Show a widget's ``__init__`` parameters, not ``(*args, **kwargs)``.

    autodoc prefers ``__new__`` to ``__init__``, and traitlets (under anywidget) defines a
    catch-all ``__new__``. Annotations are dropped, as everywhere (``autodoc_typehints``).
    """
    if what != "class" or signature != "(*args, **kwargs)" or "__init__" not in vars(obj):
        return None
    parameters = list(inspect.signature(obj.__init__).parameters.values())[1:]
    bare = [p.replace(annotation=inspect.Parameter.empty) for p in parameters]
    return str(inspect.Signature(bare)), return_annotation


def setup(app: Any) -> None:
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("autodoc-process-docstring", _trait_docstring)
    app.connect("autodoc-process-signature", _init_signature)
