"""Switching the projection in the dropdown shows progress, then the new map."""

from __future__ import annotations

import pytest

from ._cells import N_POINTS, TOY_EXPLORER
from ._lab import LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Every value data-status takes, even within one task: old values of each change, then the current.
RECORD_STATUSES = """(el) => {
  window.__lwStatusOld = [];
  new MutationObserver((records) => {
    for (const record of records) window.__lwStatusOld.push(record.oldValue);
  }).observe(el, {attributes: true, attributeFilter: ['data-status'], attributeOldValue: true});
}"""
STATUSES_SEEN = "(el) => [...window.__lwStatusOld, el.getAttribute('data-status')]"


def test_switch_to_tsne_shows_progress_then_the_map(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(root).to_have_attribute("data-projection", "pca")
    root.evaluate(RECORD_STATUSES)

    root.locator(".lw-projection-select").select_option("tsne")

    expect(root).to_have_attribute("data-projection", "tsne", timeout=60_000)
    expect(root).to_have_attribute("data-status", "idle")
    expect(root).to_have_attribute("data-points", str(N_POINTS))
    assert "busy" in root.evaluate(STATUSES_SEEN)
    assert lab.evaluate("explorer.projection") == "tsne"
