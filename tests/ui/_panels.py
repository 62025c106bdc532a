"""Opening the widget's panels as a person does: the toolbar's panels menu, one box per panel.

The explorer shows the preview and interpolation panels by default (``panels``); tests of the other
panels open theirs first. The box writes ``panels``, so the kernel's ``explorer.panels`` follows.
"""

from __future__ import annotations

from typing import Any

from ._lab import expect

PANELS = ("preview", "interpolation", "neighbours", "traverse", "samples", "worst")
DEFAULT_PANELS = ("preview", "interpolation")


def set_panel(root: Any, name: str, open_: bool = True) -> None:
    """Tick (or untick) panel ``name`` in ``root``'s panels menu; wait until it shows (or hides)."""
    menu = root.locator(".lw-panels-menu")
    menu.click()
    box = root.locator(f".lw-panel-toggle[data-panel='{name}']")
    expect(box).to_be_visible()
    if box.is_checked() != open_:
        box.click()
    menu.click()  # closes the menu again
    expect(root.locator(".lw-panels-popover")).to_be_hidden()
    panel = root.locator(f".lw-panel[data-panel='{name}']")
    if open_:
        expect(panel).to_be_visible()
    else:
        expect(panel).to_be_hidden()


def open_panel(root: Any, name: str) -> None:
    """Open panel ``name`` of the explorer at ``root`` through its panels menu."""
    set_panel(root, name, True)
