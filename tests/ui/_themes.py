"""Screenshots of a part of the widget in JupyterLab's light theme and then its dark one."""

from __future__ import annotations

from typing import Any

from ._lab import ARTIFACTS, LabPage

THEME = "(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})"
# The panels' titles turn light once the widget follows the dark theme.
TITLES_ARE_LIGHT = """(root) => {
  const c = getComputedStyle(root.querySelector('.lw-panel-title')).color.match(/\\d+/g);
  return c.slice(0, 3).map(Number).reduce((a, b) => a + b) / 3 > 150; }"""


def screenshot_both_themes(lab: LabPage, root: Any, part: Any, name: str) -> None:
    """Save ``part`` as ``artifacts/<name>_light.png`` and ``<name>_dark.png``; end in light."""
    ARTIFACTS.mkdir(exist_ok=True)
    part.screenshot(path=str(ARTIFACTS / f"{name}_light.png"))
    try:
        lab.page.evaluate(THEME, "JupyterLab Dark")
        lab.page.wait_for_function(TITLES_ARE_LIGHT, arg=root.element_handle(), timeout=30_000)
        part.screenshot(path=str(ARTIFACTS / f"{name}_dark.png"))
    finally:
        lab.page.evaluate(THEME, "JupyterLab Light")  # the theme is a setting the server keeps
