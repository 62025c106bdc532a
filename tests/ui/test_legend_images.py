"""After ``explorer.cluster(k)`` the legend shows each cluster's decoded centroid beside its swatch."""

from __future__ import annotations

import pytest

from ._cells import TOY_EXPLORER
from ._lab import ARTIFACTS, LabPage, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

K = 4


def test_cluster_centroids_show_in_the_legend(lab: LabPage) -> None:
    root = lab.open_notebook(TOY_EXPLORER)
    expect(root).to_have_attribute("data-ready", "1", timeout=60_000)
    images = root.locator(".lw-legend .lw-legend-image")
    expect(images).to_have_count(0)

    lab.run_python(f"explorer.cluster(k={K})")
    expect(root.locator(".lw-color-select")).to_have_value("cluster")
    expect(images).to_have_count(K, timeout=30_000)
    codes = images.evaluate_all("els => els.map(e => Number(e.dataset.code))")
    assert codes == list(range(K))
    sources = images.evaluate_all("els => els.map(e => e.dataset.source)")
    assert sources == ["legend"] * K
    sizes = images.evaluate_all("els => els.map(e => [e.width, e.height])")
    assert sizes == [[8, 8]] * K, "each image is drawn at the decoder's resolution"
    # each picture is drawn: not every pixel the same
    distinct = images.evaluate_all(
        """els => els.map(e => new Set(e.getContext('2d').getImageData(0, 0, e.width, e.height)
             .data.filter((_, i) => i % 4 === 0)).size)"""
    )
    assert all(n > 1 for n in distinct), distinct
    ARTIFACTS.mkdir(exist_ok=True)
    root.locator(".lw-legend").screenshot(path=str(ARTIFACTS / "legend_images.png"))
    root.screenshot(path=str(ARTIFACTS / "legend_images_widget.png"))

    # the legend folds to its title and back
    legend = root.locator(".lw-legend")
    root.locator(".lw-legend-toggle").click()
    expect(legend).to_have_attribute("data-collapsed", "1")
    expect(images.first).to_be_hidden()
    root.locator(".lw-legend-toggle").click()
    expect(legend).to_have_attribute("data-collapsed", "0")
    expect(images).to_have_count(K)

    # another colour column has no pictures
    root.locator(".lw-color-select").select_option("label")
    expect(images).to_have_count(0)
