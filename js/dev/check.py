"""Drive js/dev/harness.html in headless Chromium and check the widget as a person would use it.

Run from the repository root after ``npm run build`` in js/:

    python js/dev/check.py [--out DIR] [--big]

It serves the repository on 127.0.0.1, prints one line per check, and saves screenshots in DIR.
The harness's stub kernel answers every command, so the latent operations are checked too:
neighbours of a pinned point, a traversal, a saved vector, samples, the probe, the manifold, the
worst reconstructions, legend pictures, the history slider and the dims projection. The exit status
is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import sys
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # for the flags every browser test launches Chromium with
from tests._chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FIND_POINT = """([x0, y0, x1, y1, skip]) => {
  // The map canvas is a 2-D copy of the WebGL frame: the first opaque pixel is a point.
  const canvas = document.querySelector('.lw-map-canvas');
  const r = canvas.getBoundingClientRect();
  const ctx = canvas.getContext('2d');
  const sx = canvas.width / r.width, sy = canvas.height / r.height;
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let seen = 0;
  for (let y = Math.floor(y0 * r.height); y < y1 * r.height; y += 3)
    for (let x = Math.floor(x0 * r.width); x < x1 * r.width; x += 3) {
      const k = 4 * (Math.floor(y * sy) * canvas.width + Math.floor(x * sx));
      if (img[k + 3] > 200 && seen++ >= skip) return [r.left + x, r.top + y];
    }
  return null;
}"""

RENDER_CYCLES = """async () => {
  const widget = (await import('/latentwidgets/static/widget.js')).default;
  for (let i = 0; i < 20; i++) {
    const el = document.createElement('div');
    document.body.append(el);
    const cleanup = widget.render({model: window.lwModel, el});
    await new Promise((r) => setTimeout(r, 30));
    cleanup();
    el.remove();
  }
  let listeners = 0;
  for (const set of window.lwListeners.values()) listeners += set.size;
  return [listeners, document.querySelectorAll('canvas').length];
}"""


def serve() -> str:
    """Serve the repository on a free loopback port; returns the base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/js/dev/harness.html"


def data(page: Page) -> dict[str, Any]:
    """Return the widget root's data attributes."""
    return page.eval_on_selector(".lw-explorer", "e => ({...e.dataset})")


FAILED: list[str] = []


def check(name: str, ok: bool, detail: object = "") -> None:
    """Print one PASS/FAIL line (and remember a failure for the exit status)."""
    print(f"{'PASS' if ok else 'FAIL'}  {name}  {detail}")
    if not ok:
        FAILED.append(name)


def wait(page: Page, name: str, selector: str, timeout: int = 5000) -> bool:
    """Wait for ``selector``; a check named ``name`` that fails instead of raising on a timeout."""
    try:
        page.wait_for_selector(selector, timeout=timeout)
    except PlaywrightTimeout:
        check(name, False, f"no {selector} after {timeout} ms")
        return False
    return True


def count(page: Page, selector: str) -> int:
    """How many elements match ``selector``."""
    return int(page.eval_on_selector_all(selector, "es => es.length"))


def settle(page: Page, selector: str, n: int, timeout: int = 5000) -> int:
    """Wait until ``n`` elements match ``selector`` (or the timeout); returns how many do."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "([s, n]) => document.querySelectorAll(s).length === n",
            arg=[selector, n],
            timeout=timeout,
        )
    return count(page, selector)


def run_operations(page: Page, url: str, out: Path, errors: list[str]) -> None:
    """Try the latent operations against the stub kernel: each view fills as in Jupyter."""
    page.goto(url)
    page.wait_for_selector(".lw-explorer[data-ready='1']", timeout=30_000)
    index = hover_some_point(page, (0.05, 0.05, 0.95, 0.95))
    page.mouse.down()
    page.mouse.up()
    loaded = settle(page, ".lw-neighbour[data-loaded='1']", 10)
    check("pinning lists 10 neighbours", loaded == 10, (index, loaded))
    overlap = page.text_content(".lw-neighbour-overlap") or ""
    check("neighbour overlap shown", "of 10 also nearest" in overlap, overlap)
    page.fill(".lw-neighbours-k", "5")
    page.press(".lw-neighbours-k", "Enter")
    loaded = settle(page, ".lw-neighbour[data-loaded='1']", 5)
    check("neighbours_k = 5 lists 5", loaded == 5, loaded)

    options = page.eval_on_selector_all(
        ".lw-traverse-direction option", "os => os.map((o) => o.value).filter(Boolean)"
    )
    check("traversal directions offered", "dim 0" in options and "pc1" in options, options)
    page.select_option(".lw-traverse-direction", "pc1")
    if wait(page, "traversal frames arrive", ".lw-traverse-slider[data-frames='9']"):
        frame = page.get_attribute(".lw-traverse-frame", "data-frame")
        check("a walk starts at the pinned point (middle frame)", frame == "4", frame)
        sent = page.evaluate("() => [window.lwSent.length, window.lwSaved.length]")
        page.focus(".lw-traverse-slider")
        page.keyboard.press("ArrowRight")
        frame = page.get_attribute(".lw-traverse-frame", "data-frame")
        after = page.evaluate("() => [window.lwSent.length, window.lwSaved.length]")
        check("traversal scrubs with no kernel message", frame == "5" and sent == after, frame)

    page.evaluate(
        "() => window.lwPySet({_selection: {view: new DataView(new Uint32Array([1, 2, 3]).buffer),"
        " dtype: 'uint32', shape: [3]}})"
    )
    page.fill(".lw-vector-name", "stub vector")
    page.click(".lw-vector-save")
    if wait(page, "vector saved", ".lw-vector-message[data-state='ok']"):
        options = page.eval_on_selector_all(
            ".lw-traverse-direction option", "os => os.map((o) => o.value)"
        )
        check("a saved vector joins the directions", "stub vector" in options, options[-3:])
    page.fill(".lw-vector-name", "pc9")
    disabled = page.get_attribute(".lw-vector-save", "disabled")
    check("a built-in name is refused before sending", disabled is not None, disabled)

    page.click(".lw-sample-button")
    loaded = settle(page, ".lw-sample[data-loaded='1']", 16)
    check("16 samples decoded", loaded == 16, loaded)

    page.click(".lw-toggle-manifold")
    tiles = wait(page, "manifold tiles", ".lw-manifold[data-tiles='144']")
    check("manifold draws 12 x 12 tiles", tiles, page.get_attribute(".lw-manifold", "data-tiles"))

    page.click(".lw-tool-probe")
    r = page.eval_on_selector(".lw-map", "e => e.getBoundingClientRect().toJSON()")
    # the middle of the stub's ring of classes is empty map space
    page.mouse.move(r["x"] + r["width"] * 0.5 - 3, r["y"] + r["height"] * 0.5)
    page.mouse.move(r["x"] + r["width"] * 0.5, r["y"] + r["height"] * 0.5)
    probed = wait(page, "probe decodes empty space", ".lw-preview-image[data-source='probe']")
    if probed:
        at = page.eval_on_selector(".lw-preview-image[data-source='probe']", "e => e.dataset.x")
        check("probe decodes empty space", data(page)["hoverIndex"] == "-1", f"x = {at}")
    page.screenshot(path=out / "operations.png")
    page.click(".lw-mode-pan")

    worst = page.evaluate("() => window.lwPy.worst(8)")
    loaded = settle(page, ".lw-worst[data-loaded='1']", 8)
    check("worst 8 reconstructions listed", loaded == 8, (worst[:3], loaded))
    page.evaluate("() => window.lwPy.legendImages()")
    pictures = settle(page, "canvas.lw-legend-image", 10)
    check("legend pictures of the 10 classes", pictures == 10, pictures)
    page.evaluate("() => window.lwPy.history()")
    snapshots = wait(page, "history slider", ".lw-explorer[data-snapshots='3'] .lw-history-slider")
    check("history of 3 snapshots", snapshots, data(page).get("snapshots"))

    page.select_option(".lw-projection-select", "dims")
    if wait(page, "dims projection drawn", ".lw-explorer[data-projection='dims']", 10_000):
        axis = page.text_content(".lw-axis-x")
        check("dims axis labels", axis == "z0", axis)
    page.screenshot(path=out / "operations_dims.png")
    check("no page errors (operations)", not errors, errors)


def hover_some_point(page: Page, box: tuple[float, float, float, float], skip: int = 0) -> int:
    """Move the mouse onto a point inside the relative box; returns the hovered index."""
    for attempt in range(40):
        spot = page.evaluate(FIND_POINT, [*box, skip + attempt * 7])
        if spot is None:
            break
        page.mouse.move(spot[0] + 1, spot[1] + 1)
        page.mouse.move(*spot)
        try:
            page.wait_for_function(
                "() => document.querySelector('.lw-explorer').dataset.hoverIndex !== '-1'",
                timeout=500,
            )
            return int(data(page)["hoverIndex"])
        except PlaywrightTimeout:
            continue
    return -1


def run(url: str, out: Path, big: bool) -> None:
    """Walk through the widget as a person would, printing checks and saving screenshots."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1150, "height": 620})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_selector(".lw-explorer[data-ready='1']", timeout=30_000)
        d = data(page)
        check("points drawn", d["points"] == "2000", d)
        check("renderer", d["renderer"] in {"webgl", "webgl2"}, d["renderer"])

        index = hover_some_point(page, (0.05, 0.05, 0.95, 0.95))
        check("hover sets data-hover-index", index >= 0, index)
        page.wait_for_selector(f".lw-preview-image[data-index='{index}']", timeout=5000)
        check("hover shows its preview", True, data(page)["previewCount"])
        page.screenshot(path=out / "hover.png")

        page.mouse.down()
        page.mouse.up()
        page.wait_for_function(f"() => window.lwState.pinned === {index}", timeout=3000)
        check("click pins", True, index)

        page.click(".lw-pick-a")
        a = hover_some_point(page, (0.05, 0.05, 0.5, 0.95))
        page.mouse.down()
        page.mouse.up()
        page.click(".lw-pick-b")
        b = hover_some_point(page, (0.5, 0.05, 0.95, 0.95))
        page.mouse.down()
        page.mouse.up()
        state = page.evaluate("() => [window.lwState.interp_a, window.lwState.interp_b]")
        check("pick A and B", state == [a, b], (state, a, b))
        page.wait_for_selector(".lw-interp-slider[data-frames='16']", timeout=5000)
        sent = page.evaluate("() => [window.lwSent.length, window.lwSaved.length]")
        page.focus(".lw-interp-slider")
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        frame = page.get_attribute(".lw-interp-frame", "data-frame")
        after = page.evaluate("() => [window.lwSent.length, window.lwSaved.length]")
        check("slider arrows step frames", frame == "5", frame)
        check("scrubbing sends nothing", sent == after, (sent, after))
        page.mouse.move(5, 5)
        page.screenshot(path=out / "interp.png")

        page.click(".lw-mode-box")
        r = page.eval_on_selector(".lw-map", "e => e.getBoundingClientRect().toJSON()")
        page.mouse.move(r["x"] + r["width"] * 0.1, r["y"] + r["height"] * 0.1)
        page.mouse.down()
        page.mouse.move(r["x"] + r["width"] * 0.3, r["y"] + r["height"] * 0.3, steps=8)
        page.mouse.move(r["x"] + r["width"] * 0.45, r["y"] + r["height"] * 0.6, steps=8)
        page.mouse.up()
        page.wait_for_function("() => window.lwState._selection.shape[0] > 1", timeout=3000)
        shape = page.evaluate("() => window.lwState._selection.shape")
        check("box selection writes _selection", shape[0] > 1, shape)
        check(
            "data-selected-count",
            data(page)["selectedCount"] == str(shape[0]),
            data(page)["selectedCount"],
        )
        page.screenshot(path=out / "box.png")

        saved = page.evaluate("() => window.lwSaved.length")
        page.evaluate(
            "() => window.lwPySet({_selection: {view: new DataView(new Uint32Array([1, 2, 3]).buffer),"
            " dtype: 'uint32', shape: [3]}})"
        )
        page.wait_for_function(
            "() => document.querySelector('.lw-explorer').dataset.selectedCount === '3'",
            timeout=2000,
        )
        check(
            "selection from Python, no echo", page.evaluate("() => window.lwSaved.length") == saved
        )
        page.focus(".lw-explorer")
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        check("escape clears", data(page)["selectedCount"] == "0", data(page)["selectedCount"])

        page.select_option(".lw-projection-select", "tsne")
        page.wait_for_selector(".lw-explorer[data-projection='tsne']", timeout=10_000)
        check("projection change redraws", True)
        page.select_option(".lw-color-select", "norm")
        page.wait_for_selector(".lw-legend[data-kind='continuous']", timeout=3000)
        time.sleep(0.8)
        page.screenshot(path=out / "tsne_norm.png")
        check("no page errors", not errors, errors)

        page.evaluate("() => window.lwCleanup()")
        left = page.evaluate("() => document.querySelectorAll('.lw-explorer').length")
        check("cleanup removes the widget", left == 0, left)
        leftovers = page.evaluate(RENDER_CYCLES)
        check("20 render/cleanup cycles leave nothing behind", leftovers == [0, 0], leftovers)

        run_operations(page, url + "?panels=all", out, errors)

        page.goto(url + "?dark=1&text=1")
        page.wait_for_selector(".lw-explorer[data-ready='1']", timeout=30_000)
        index = hover_some_point(page, (0.05, 0.05, 0.95, 0.95))
        page.wait_for_selector(f".lw-preview-image[data-index='{index}']", timeout=5000)
        page.screenshot(path=out / "dark_text.png")

        if big:
            start = time.time()
            page.goto(url + "?n=1000000")
            page.wait_for_selector(".lw-explorer[data-ready='1']", timeout=120_000)
            check(
                "1,000,000 points draw",
                data(page)["points"] == "1000000",
                f"{time.time() - start:.1f} s",
            )
            index = hover_some_point(page, (0.3, 0.3, 0.7, 0.7))
            check("hover at 1M points", index >= 0, index)
            page.screenshot(path=out / "million.png")
        browser.close()


def main() -> None:
    """Parse the command line and run the checks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("/tmp/lw-harness"))
    parser.add_argument("--big", action="store_true", help="also draw 1,000,000 points")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    run(serve(), args.out, args.big)
    if FAILED:
        print(f"{len(FAILED)} check(s) failed: {', '.join(FAILED)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
