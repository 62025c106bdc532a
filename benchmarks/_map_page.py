"""Page-side instrumentation and interaction measurements of ``bench_map.py``.

Holds the init script installed in every page before it loads (``OBSERVER``: the first rendered
frame of each point count, hover, preview and ``points_in_view`` requests, gesture frames) with the
snippets that read what it records, and the hover, zoom and pan measurements
(``measure_hover``, ``measure_gestures``) with the constants they use. The module docstring of
``benchmarks/bench_map.py`` explains the figures.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tests.ui._lab import LabPage
from tests.ui._map import MAP_CANVAS, project_to_screen

HOVER_TIMEOUT_MS = 60_000
FRAME_TIMEOUT_MS = 60_000
ZOOM_POINTS_TIMEOUT_MS = 60_000
PAN_POINTS_TIMEOUT_MS = 30_000
# One wheel turn zooms by this (dom-2d-camera scales by exp(-deltaY / canvas height)).
ZOOM = 4.0
PAN_PX = 120
PAN_STEPS = 6

# Installed before any page script runs: records, on the page's clock, when the widget root's
# data-ready turns "1", each data-hover-index change (a microtask after the write, no polling), and
# when the first WebGL draw of each point count has finished (regl-scatterplot draws all points in
# one drawArrays(POINTS) call; the GPU works asynchronously, so a one-pixel readback waits for it,
# once per count). glPoints[D] is when the first frame with all D drawn points is rendered, for
# either widget. On performance.now()'s clock: the last pointermove's dispatch (a capturing
# listener on window runs before any of the page's) and timeStamp, the data-hover-index mutation,
# and each preview request leaving on a websocket (a comm message naming the "preview" command;
# Jupyter's v1 kernel protocol frames are binary, their JSON parts UTF-8).
# Gestures: the benchmark sets `gesture` ({type: 'wheel'} or {type: 'mousemove', x, y}, the end of
# a drag); the dispatch of that event records `gestureAt` and arms `finishNext`, which makes the
# next drawArrays(POINTS) wait for the GPU and record `drawAt` (with that draw's point count and
# the time the wait took). Every data-draws mutation (the widget's own redraws, e.g. with the
# view's points) is logged with data-view-points beside it, and so is each points_in_view request
# leaving and each response arriving (a listener added when the socket is made, so before Jupyter's
# own; a response is told by its content's keys, in the frame's first 64 kB, where the JSON parts
# of a v1 kernel protocol frame lie, before the buffers).
OBSERVER = """
window.__lw = {ready: null, hover: null, hoverValue: null, glPoints: {},
               moveAt: null, moveStamp: null, hoverAt: null, requestAt: null,
               gesture: null, gestureAt: null, gestureStamp: null, finishNext: false,
               drawAt: null, drawCount: null, waitMs: null, readbackMs: null, drawLog: [],
               viewRequests: [], viewResponses: []};
addEventListener('pointermove', (event) => {
  window.__lw.moveAt = performance.now();
  window.__lw.moveStamp = event.timeStamp;
}, {capture: true});
const gestureEvent = (event) => {
  const g = window.__lw.gesture;
  if (!g || g.type !== event.type) return;
  if (g.type === 'mousemove' && (Math.abs(event.clientX - g.x) >= 0.5
                                 || Math.abs(event.clientY - g.y) >= 0.5)) return;
  window.__lw.gesture = null;
  window.__lw.gestureAt = performance.now();
  window.__lw.gestureStamp = event.timeStamp;
  window.__lw.drawAt = null;
  window.__lw.finishNext = true;
};
addEventListener('wheel', gestureEvent, {capture: true, passive: true});
addEventListener('mousemove', gestureEvent, {capture: true, passive: true});
const send = WebSocket.prototype.send;
const utf8 = new TextDecoder();
WebSocket.prototype.send = function (data) {
  const now = performance.now();
  const text = typeof data === 'string' ? data
    : utf8.decode(data instanceof ArrayBuffer ? new Uint8Array(data)
                  : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (window.__lw.requestAt === null && text.includes('anywidget-command')
      && text.includes('"preview"')) window.__lw.requestAt = now;
  if (text.includes('anywidget-command') && text.includes('"points_in_view"'))
    window.__lw.viewRequests.push(now);
  return send.call(this, data);
};
const onMessage = (event) => {
  const data = event.data;
  if (!(data instanceof ArrayBuffer)) return;
  const head = utf8.decode(new Uint8Array(data, 0, Math.min(data.byteLength, 65536)));
  if (head.includes('anywidget-command-response') && head.includes('"sent"')
      && head.includes('"complete"'))
    window.__lw.viewResponses.push({at: performance.now(), bytes: data.byteLength});
};
window.WebSocket = class extends WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', onMessage);
  }
};
// Chromium's WebGL finish() is only a flush; reading a pixel back from the framebuffer being
// drawn waits until the draw is done (in the read format that framebuffer allows: regl-scatterplot
// draws into a float one).
// A framebuffer that allows no such read (a GL error, or a throw) falls back to finish(); the
// count of fallbacks is kept in window.__lw.syncFallbacks.
const syncGpu = (gl) => {
  try {
    const format = gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT);
    const type = gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE);
    const pixel = type === gl.FLOAT ? new Float32Array(4)
      : type === gl.UNSIGNED_BYTE ? new Uint8Array(4) : new Uint16Array(4);
    gl.readPixels(0, 0, 1, 1, format, type, pixel);
    if (gl.getError() === gl.NO_ERROR) return;
  } catch (error) {}
  window.__lw.syncFallbacks = (window.__lw.syncFallbacks || 0) + 1;
  gl.finish();
};
for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
  const drawArrays = proto.drawArrays;
  proto.drawArrays = function (mode, first, count) {
    const result = drawArrays.call(this, mode, first, count);
    if (mode === 0 && window.__lw.finishNext) {
      window.__lw.finishNext = false;
      const start = performance.now();
      syncGpu(this);
      window.__lw.drawAt = performance.now();
      window.__lw.drawCount = count;
      window.__lw.waitMs = window.__lw.drawAt - start;
      // a second readback, with nothing left to wait for: what reading back costs by itself
      syncGpu(this);
      window.__lw.readbackMs = performance.now() - window.__lw.drawAt;
    }
    if (mode === 0 && !(count in window.__lw.glPoints)) {
      syncGpu(this);
      window.__lw.glPoints[count] = Date.now();
    }
    return result;
  };
}
new MutationObserver((records) => {
  const now = Date.now();
  const at = performance.now();
  for (const r of records) {
    if (r.attributeName === 'data-ready' && r.target.dataset.ready === '1' && !window.__lw.ready)
      window.__lw.ready = now;
    if (r.attributeName === 'data-hover-index') {
      window.__lw.hoverAt = at;
      window.__lw.hover = now;
      window.__lw.hoverValue = r.target.dataset.hoverIndex;
    }
    if (r.attributeName === 'data-draws')
      window.__lw.drawLog.push({at, draws: r.target.dataset.draws,
                                viewPoints: r.target.dataset.viewPoints ?? null});
  }
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-ready', 'data-hover-index', 'data-draws']});
"""
# The drawn points (all, or the sample when _draw_threshold is nonzero) and their coordinates.
DRAWN_CELL = """\
from latentwidgets._engine.drawn import sample_indices as _lw_sample_indices
_lw_drawn = _lw_sample_indices(len(explorer.coords), int(explorer._draw_threshold))
_lw_drawn_xy = explorer.coords[_lw_drawn]
"""

# The extreme drawn points in eight directions (few neighbours compete for the pointer there), and
# all coordinates' bounds, which frame the map (a sampled map frames its _extent, all points').
HOVER_TARGETS = """(lambda c, d, a: (lambda idx: {
    "indices": [int(d[i]) for i in idx], "points": c[idx].tolist(),
    "lo": explorer.coords.min(0).tolist(), "hi": explorer.coords.max(0).tolist(),
})([int((c @ [np.cos(t), np.sin(t)]).argmax()) for t in a]))(
    _lw_drawn_xy, _lw_drawn, np.arange(8) * np.pi / 4)"""

# The drawn point nearest raw map coordinates (x, y): its index and coordinates.
NEAREST_DRAWN = """(lambda i: {{"index": int(_lw_drawn[i]), "point": _lw_drawn_xy[i].tolist()}})(
    int((((_lw_drawn_xy - np.array([{x!r}, {y!r}], np.float32)) ** 2).sum(1)).argmin()))"""

# What is under a page position: the map canvas, or something over it (the legend).
ON_CANVAS = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  return !!el && el.classList.contains('lw-map-canvas');
}"""
HOVER_SAMPLES = 4
# Where the hover after the zoom aims, as fractions of the canvas from its centre (the first of
# them on the canvas, not under the legend).
AFTER_ZOOM_OFFSETS = ((0.2, 0.15), (-0.2, 0.15), (0.2, -0.15), (-0.2, -0.15), (0.1, 0.1))

# The redraw with the view's points after a gesture at `at` (see gesture_figures), or null.
NO_REQUEST_MS = 5_000
VIEW_POINTS_DRAWN = """([at, wait]) => {
  const lw = window.__lw;
  const request = lw.viewRequests.find((t) => t > at);
  if (request === undefined && performance.now() - at < wait) return null;
  const response = request === undefined ? undefined
    : lw.viewResponses.find((r) => r.at > request);
  if (request !== undefined && response === undefined) return null;
  const draw = lw.drawLog.find((e) => e.at > (response === undefined ? at : response.at));
  return draw ? {request: request ?? null, response: response ?? null, draw} : null;
}"""

# The widget root's sample figures (a sampled map's note; null where the front end sets none).
SAMPLE_STATE = """(root) => ({
  drawn: root.dataset.drawn ?? null, total: root.dataset.total ?? null,
  sampled: root.dataset.sampled ?? null, viewPoints: root.dataset.viewPoints ?? null,
  draws: root.dataset.draws ?? null,
  note: (() => { const n = root.querySelector('.lw-sample-note');
                 return n && !n.hidden ? n.textContent : null; })(),
})"""


def hover_once(lab: LabPage, root: Any, target: int, x: float, y: float) -> dict[str, Any]:
    """Hover page position (x, y); time the hover and its preview request, then let it settle."""
    before = root.get_attribute("data-hover-index")
    lab.page.evaluate("() => { window.__lw.requestAt = null; window.__lw.moveAt = null; }")
    start = lab.page.evaluate("Date.now()")
    lab.page.mouse.move(x, y)
    lab.page.wait_for_function(
        "(before) => window.__lw.hover !== null && window.__lw.hoverValue !== before",
        arg=before,
        timeout=HOVER_TIMEOUT_MS,
    )
    lab.page.wait_for_function("() => window.__lw.requestAt !== null", timeout=HOVER_TIMEOUT_MS)
    state = lab.page.evaluate("window.__lw")
    # the next hover starts with no request in flight (latest-wins would hold it back)
    root.locator(f'.lw-hover-card[data-index="{state["hoverValue"]}"]').wait_for(
        state="attached", timeout=HOVER_TIMEOUT_MS
    )
    return {
        "target": target,
        "hovered": int(state["hoverValue"]),
        "hover_ms": state["hover"] - start,
        "move_to_request_ms": state["requestAt"] - state["moveAt"],
        "input_to_request_ms": state["requestAt"] - state["moveStamp"],
        "move_to_attribute_ms": state["hoverAt"] - state["moveAt"],
    }


def measure_hover(lab: LabPage, root: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Hover up to four extreme drawn points on the canvas in turn; time each hover and request.

    Also returns the targets (with the bounds that frame the map) for the later gestures.
    """
    root.scroll_into_view_if_needed()
    lab.run_python(DRAWN_CELL)
    targets = lab.evaluate(HOVER_TARGETS)
    box = root.locator(MAP_CANVAS).bounding_box()
    framed = np.array([targets["lo"], targets["hi"], *targets["points"]], dtype=np.float64)
    positions = project_to_screen(framed, box)[2:]
    seen: set[int] = set()
    samples = []
    for index, (x, y) in zip(targets["indices"], positions, strict=True):
        if index in seen or not lab.page.evaluate(ON_CANVAS, [float(x), float(y)]):
            continue
        seen.add(index)
        samples.append(hover_once(lab, root, index, float(x), float(y)))
        if len(samples) == HOVER_SAMPLES:
            break
    return samples, targets


def settle_hover(lab: LabPage, root: Any) -> None:
    """Wait until the point under the pointer (if any) has its preview on show."""
    index = root.get_attribute("data-hover-index")
    if index is None or int(index) < 0:
        return
    try:
        root.locator(f'.lw-hover-card[data-index="{index}"]').wait_for(
            state="attached", timeout=HOVER_TIMEOUT_MS
        )
    except Exception as error:  # a figure is still worth taking
        print(f"  hover card of {index} never showed: {error}")


def gesture_figures(
    lab: LabPage, root: Any, gesture: str, sampled: bool, draws_timeout_ms: int
) -> dict[str, Any]:
    """After an armed gesture: its frame time; on a sampled map, the redraw with the view's points.

    That redraw is the first ``data-draws`` mutation after the response to the first
    ``points_in_view`` request made after the gesture (a response to a request made mid-drag may be
    drawn before it); with no request within ``NO_REQUEST_MS``, the first redraw after the gesture.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page = lab.page
    page.wait_for_function(
        "() => window.__lw.gesture === null && window.__lw.drawAt !== null",
        timeout=FRAME_TIMEOUT_MS,
    )
    state = page.evaluate(
        "({at: window.__lw.gestureAt, stamp: window.__lw.gestureStamp, draw: window.__lw.drawAt,"
        " count: window.__lw.drawCount, wait: window.__lw.waitMs,"
        " readback: window.__lw.readbackMs})"
    )
    figures: dict[str, Any] = {
        f"{gesture}_frame_ms": state["draw"] - state["at"],
        f"{gesture}_input_frame_ms": state["draw"] - state["stamp"],
        f"{gesture}_frame_points": state["count"],
        f"{gesture}_frame_wait_ms": state["wait"],
        f"{gesture}_readback_ms": state["readback"],
    }
    if not sampled:
        return figures
    before = page.evaluate(
        "(at) => window.__lw.drawLog.filter((e) => e.at < at).slice(-1)[0] ?? null", state["at"]
    )
    try:
        handle = page.wait_for_function(
            VIEW_POINTS_DRAWN, arg=[state["at"], NO_REQUEST_MS], timeout=draws_timeout_ms
        )
        found = handle.json_value()
        entry = found["draw"]
        figures[f"{gesture}_points_ms"] = entry["at"] - state["at"]
        figures[f"{gesture}_request_ms"] = (
            None if found["request"] is None else found["request"] - state["at"]
        )
        response = found["response"]
        figures[f"{gesture}_response_ms"] = (
            None if response is None else response["at"] - state["at"]
        )
        figures["response_bytes"] = None if response is None else response["bytes"]
        figures["view_points"] = int(entry["viewPoints"]) if entry["viewPoints"] else None
        figures["view_points_changed"] = (
            before is None or entry["viewPoints"] != before["viewPoints"]
        )
    except PlaywrightTimeoutError:  # recorded as null
        figures[f"{gesture}_points_ms"] = None
        figures["view_points"] = None
        figures["view_points_changed"] = None
    figures["after"] = root.evaluate(SAMPLE_STATE)
    return figures


def measure_gestures(
    lab: LabPage, root: Any, targets: dict[str, Any], sampled: bool
) -> dict[str, Any]:
    """Zoom by a wheel turn over the centre, hover a point the zoom moved, then pan by a drag."""
    page = lab.page
    box = root.locator(MAP_CANVAS).bounding_box()
    centre = np.array([round(box["x"] + box["width"] / 2), round(box["y"] + box["height"] / 2)])
    out: dict[str, Any] = {"centre_on_canvas": page.evaluate(ON_CANVAS, centre.tolist())}
    # zoom
    page.mouse.move(*map(float, centre))
    settle_hover(lab, root)
    delta = -round(box["height"] * math.log(ZOOM))
    page.evaluate("() => { window.__lw.gestureAt = null; window.__lw.gesture = {type: 'wheel'}; }")
    page.mouse.wheel(0, delta)
    out["zoom"] = {"delta_y": delta} | gesture_figures(
        lab, root, "zoom", sampled, ZOOM_POINTS_TIMEOUT_MS
    )
    # a hover after the zoom: a drawn point that the zoom law puts off the centre
    scale = math.exp(-delta / box["height"])
    lo, hi = np.array(targets["lo"]), np.array(targets["hi"])
    anchor = project_to_screen(np.array([lo, hi, (lo + hi) / 2, (lo + hi) / 2 + 1]), box)[2:]
    per_unit = anchor[1] - anchor[0]  # page px per raw unit, x and y (y negative)

    def to_raw(page_xy: np.ndarray) -> np.ndarray:
        return (lo + hi) / 2 + (page_xy - anchor[0]) / per_unit

    def to_page(raw: np.ndarray) -> np.ndarray:
        return anchor[0] + (raw - (lo + hi) / 2) * per_unit

    out["hover_after_zoom"] = None
    for fx, fy in AFTER_ZOOM_OFFSETS:
        aim = centre + np.array([fx * box["width"], fy * box["height"]])
        raw = to_raw(centre + (aim - centre) / scale)
        near = lab.evaluate(NEAREST_DRAWN.format(x=float(raw[0]), y=float(raw[1])))
        x, y = centre + scale * (to_page(np.array(near["point"])) - centre)
        if page.evaluate(ON_CANVAS, [float(x), float(y)]):
            out["hover_after_zoom"] = hover_once(lab, root, near["index"], float(x), float(y))
            break
    # pan
    end = centre + np.array([PAN_PX, 0])
    page.mouse.move(*map(float, centre))
    settle_hover(lab, root)
    page.mouse.down()
    page.evaluate(
        "([x, y]) => { window.__lw.gestureAt = null;"
        " window.__lw.gesture = {type: 'mousemove', x, y}; }",
        end.tolist(),
    )
    page.mouse.move(*map(float, end), steps=PAN_STEPS)
    page.mouse.up()
    out["pan"] = {"px": PAN_PX, "steps": PAN_STEPS} | gesture_figures(
        lab, root, "pan", sampled, PAN_POINTS_TIMEOUT_MS
    )
    return out
