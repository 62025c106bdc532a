"""Sketch to place, in a real browser: draw on the Sketch panel's pad, time each drawing's trip.

JupyterLab and headless Chromium as the browser tests start them (``tests/ui``); the notebook shows
``lw.LatentExplorer`` on the built-in digits VAE (1,797 digits, 8 x 8) with the Sketch panel open.
The benchmark draws strokes on the pad ``.lw-sketch`` with the mouse, like a person, and reads the
page's own measure of each answer: ``data-sketch-ms`` on the root, from the drawing being read off
the pad (the stroke) to the answer drawn (its place marked on the map, the reconstruction drawn).
The pad sends at most one drawing a 100 ms, so a stroke's moves beyond that are not each timed.
The kernel's share (make the item, encode, place, find the nearest point, decode, render) is timed
in the kernel as well.

Goal (issue 20): stroke to new place within 100 ms on the digits VAE.

Run from the repository root with the front end built (``cd js && npm run build``)::

    PYTHONPATH=. python benchmarks/bench_sketch.py [--strokes 12]

Prints the figures and writes ``benchmarks/results/bench_sketch.json`` with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

from tests._chromium import CHROMIUM, CHROMIUM_ARGS
from tests.ui._lab import KERNEL_READY, OPEN_IN_LAB, LabPage, write_notebook
from tests.ui._server import temporary_jupyter_server
from tests.ui.conftest import VIEWPORT

RESULTS = Path(__file__).parent / "results"
TARGET_MS = 100
EXPLORER_CELL = """\
import latentwidgets as lw
data = lw.datasets.digits()
vae = lw.models.load_pretrained("digits-vae")
explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False, panels=["sketch"])
explorer
"""
KERNEL_SHARE = """\
import time, numpy as np
def _kernel_share(repeats=30):
    ink = data.images[7, 0].numpy().astype(np.float32)
    times = []
    for i in range(repeats):
        ink[i % 8, (3 * i) % 8] = 1.0
        t = time.perf_counter()
        explorer.sketch({}, [ink.tobytes()])
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))
"""


def stroke(lab: LabPage, box: dict[str, float], k: int) -> list[int]:
    """One stroke across the pad (a different line each time); the answers' times that came."""
    root = lab.page.locator(".lw-explorer")
    before = int(root.get_attribute("data-sketch-count") or 0)
    x0, y0 = 0.15 + 0.05 * (k % 4), 0.2 + 0.15 * (k % 3)
    x1, y1 = 0.85 - 0.05 * (k % 3), 0.8 - 0.1 * (k % 4)
    mouse = lab.page.mouse
    mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
    mouse.down()
    times: list[int] = []
    for step in range(1, 13):
        t = step / 12
        mouse.move(
            box["x"] + (x0 + (x1 - x0) * t) * box["width"],
            box["y"] + (y0 + (y1 - y0) * t) * box["height"],
        )
        lab.page.wait_for_timeout(40)
        count = int(root.get_attribute("data-sketch-count") or 0)
        if count > before + len(times):
            times.append(int(root.get_attribute("data-sketch-ms")))
    mouse.up()
    lab.page.wait_for_timeout(300)
    count = int(root.get_attribute("data-sketch-count") or 0)
    if count > before + len(times):
        times.append(int(root.get_attribute("data-sketch-ms")))
    root.locator(".lw-sketch-clear").click()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=12)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    result: dict[str, Any] = {"machine": platform.platform(), "cpus": os.cpu_count()}
    with temporary_jupyter_server("bench_sketch_") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        lab = LabPage(page, server, "bench_sketch")
        try:
            lab.notebook = write_notebook(server.root, lab.name, [EXPLORER_CELL])
            page.goto(f"{server.url}/lab?token={server.token}&reset")
            page.evaluate(OPEN_IN_LAB, lab.notebook)
            page.wait_for_function(KERNEL_READY, timeout=120_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            root = lab.wait_for_widget()
            page.wait_for_selector(".lw-explorer[data-ready='1']", timeout=60_000)
            pad = root.locator(".lw-sketch")
            pad.scroll_into_view_if_needed()
            box = pad.bounding_box()
            stroke(lab, box, 0)  # warm-up
            answers = [ms for k in range(1, args.strokes + 1) for ms in stroke(lab, box, k)]
            lab.run_python(KERNEL_SHARE)
            kernel_ms = lab.evaluate("_kernel_share()")
            result["page_errors"] = lab.page_errors
        finally:
            lab.shutdown_kernel()
            context.close()
            browser.close()
    load_after = os.getloadavg()
    ordered = sorted(answers)
    result.update(
        answers=len(answers),
        stroke_to_place_ms={
            "median": statistics.median(ordered),
            "p90": ordered[int(0.9 * (len(ordered) - 1))],
            "max": ordered[-1],
        },
        kernel_ms_median=kernel_ms,
        target_ms=TARGET_MS,
        load_before=load_before,
        load_after=load_after,
    )
    print(f"sketch: {len(answers)} answers over {args.strokes} strokes (load {load_before[0]:.1f})")
    figures = result["stroke_to_place_ms"]
    print(
        f"  stroke to place: median {figures['median']:.0f} ms, p90 {figures['p90']:.0f} ms, "
        f"max {figures['max']:.0f} ms (target {TARGET_MS} ms)"
    )
    print(f"  kernel share: {kernel_ms:.1f} ms median")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_sketch.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
