"""Hover card latency in the page: pointermove -> card with text, -> decoded image drawn.

Issue 19 (item 2): the card used to wait for the preview's round trip (319-454 ms median against
Embedding Atlas's 62-107 ms). Now it shows at once from what the page has (index, colour column)
and the preview fills in the metadata and the image. Goals: card within 50 ms of the pointermove
at any N; decoded image within 150 ms on the digits VAE.

Each size opens a fresh page on a temporary Jupyter server (tests/ui/_server.py), builds an
explorer of N random 8-d codes decoded by the shipped ``digits-vae`` decoder, and hovers the
extreme drawn points in eight directions (few neighbours compete for the pointer there), each from
off the map. On the page's clock (performance.now()): the pointermove's dispatch (a capturing
listener on window, before any of the page's), the first mutation showing the card for that point
with its title, and the first mutation saying its image is drawn (``data-image="1"``, set right
after the image is put on the card's canvas).

Run: python benchmarks/bench_hover_card.py [--sizes 10000 100000 1000000]
Prints a table and writes ``benchmarks/results/bench_hover_card.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks._map_page import DRAWN_CELL, HOVER_TARGETS, ON_CANVAS
from tests._chromium import CHROMIUM, CHROMIUM_ARGS
from tests.ui._lab import KERNEL_READY, OPEN_IN_LAB, LabPage, write_notebook
from tests.ui._map import MAP_CANVAS, project_to_screen
from tests.ui._server import temporary_jupyter_server
from tests.ui.conftest import VIEWPORT

RESULTS = Path(__file__).parent / "results"
SIZES = (10_000, 100_000, 1_000_000)
READY_TIMEOUT_MS = 300_000
CARD_TIMEOUT_MS = 30_000

CELLS = [
    """\
import numpy as np
import torch
import latentwidgets as lw

torch.manual_seed(0)
vae = lw.models.load_pretrained("digits-vae")
codes = torch.randn({n}, 8)
labels = np.arange({n}) % 10
""",
    """\
explorer = lw.LatentExplorer(lambda x: x, vae.decoder, codes, labels=labels, progress=False)
explorer
""",
]

# Installed before the page loads: the last pointermove's dispatch time, and when the hover card
# first shows `target` with a title (card) and with its image (image).
OBSERVER = """
window.__card = {target: null, moveAt: null, card: null, image: null};
addEventListener('pointermove', () => { window.__card.moveAt = performance.now(); }, {capture: true});
new MutationObserver(() => {
  const c = window.__card;
  if (c.target === null) return;
  const card = document.querySelector('.lw-hover-card');
  if (!card || card.hidden || card.dataset.index !== String(c.target)) return;
  const title = card.querySelector('.lw-hover-title');
  if (c.card === null && title && title.textContent) c.card = performance.now();
  if (c.image === null && card.dataset.image === '1') c.image = performance.now();
}).observe(document, {subtree: true, attributes: true, childList: true, characterData: true});
"""


def hover_card_once(
    lab: LabPage, root: Any, index: int, x: float, y: float
) -> dict[str, Any] | None:
    """Hover (x, y) from off the map; None where another point than ``index`` is under it."""
    page = lab.page
    page.mouse.move(2, 2)
    page.wait_for_function(
        "() => { const c = document.querySelector('.lw-hover-card'); return !c || c.hidden; }"
    )
    page.wait_for_timeout(150)
    page.evaluate(
        "(t) => Object.assign(window.__card, {target: t, moveAt: null, card: null, image: null})",
        index,
    )
    page.mouse.move(x, y)
    page.wait_for_function(
        "() => document.querySelector('.lw-explorer').dataset.hoverIndex !== '-1'"
    )
    if root.get_attribute("data-hover-index") != str(index):
        return None  # another point is nearer the pointer there
    page.wait_for_function("() => window.__card.image !== null", timeout=CARD_TIMEOUT_MS)
    c = page.evaluate("window.__card")
    return {
        "index": index,
        "card_ms": c["card"] - c["moveAt"],
        "image_ms": c["image"] - c["moveAt"],
    }


def measure(browser: Any, server: Any, n: int) -> dict[str, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(OBSERVER)
    page = context.new_page()
    lab = LabPage(page, server, f"bench_hover_card_{n}")
    row: dict[str, Any] = {"n": n, "load_before": os.getloadavg()}
    try:
        lab.notebook = write_notebook(server.root, lab.name, [c.format(n=n) for c in CELLS])
        page.goto(f"{server.url}/lab?token={server.token}&reset")
        page.evaluate(OPEN_IN_LAB, lab.notebook)
        page.wait_for_function(KERNEL_READY, timeout=120_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        root = lab.wait_for_widget()
        root.wait_for(state="attached", timeout=READY_TIMEOUT_MS)
        page.wait_for_function(
            "() => document.querySelector('.lw-explorer')?.dataset.ready === '1'",
            timeout=READY_TIMEOUT_MS,
        )
        root.scroll_into_view_if_needed()
        lab.run_python(DRAWN_CELL)
        targets = lab.evaluate(HOVER_TARGETS)
        box = root.locator(MAP_CANVAS).bounding_box()
        framed = np.array([targets["lo"], targets["hi"], *targets["points"]], dtype=np.float64)
        positions = project_to_screen(framed, box)[2:]
        samples = []
        seen: set[int] = set()
        for index, (x, y) in zip(targets["indices"], positions, strict=True):
            if index in seen or not page.evaluate(ON_CANVAS, [float(x), float(y)]):
                continue
            seen.add(index)
            # the first hover of each point: nothing of it is cached in the page yet
            sample = hover_card_once(lab, root, index, float(x), float(y))
            if sample is not None:
                samples.append(sample)
        row["samples"] = samples
        if samples:
            row["card_ms_median"] = statistics.median(s["card_ms"] for s in samples)
            row["image_ms_median"] = statistics.median(s["image_ms"] for s in samples)
    except Exception as error:  # one size failing should not lose the others
        row["error"] = f"{type(error).__name__}: {error}"
        row["widgets"] = lab.describe_widgets()
    finally:
        row["page_errors"] = lab.page_errors
        lab.shutdown_kernel()
        context.close()
        row["load_after"] = os.getloadavg()
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'points':>10} {'hovers':>6} {'card ms (median, max)':>22} {'image ms (median, max)':>23}"
    )
    for row in rows:
        if "error" in row or not row.get("samples"):
            print(f"{row['n']:>10,} {'-':>6} {row.get('error', 'no point could be hovered')}")
            continue
        cards = [s["card_ms"] for s in row["samples"]]
        images = [s["image_ms"] for s in row["samples"]]
        print(
            f"{row['n']:>10,} {len(cards):>6} {statistics.median(cards):>14.0f} {max(cards):>7.0f}"
            f" {statistics.median(images):>15.0f} {max(images):>7.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with temporary_jupyter_server("lw-bench-hover-card-") as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for n in args.sizes:
                rows.append(measure(browser, server, n))
                print_table(rows[-1:])
        finally:
            browser.close()
    print()
    print_table(rows)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "bench_hover_card.json"
    result = {"machine": platform.platform(), "cpus": os.cpu_count(), "rows": rows}
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
