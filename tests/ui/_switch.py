"""Page instrumentation of a projection switch, shared by tests/ui/test_projection_switch.py and
benchmarks/bench_projection_switch.py.

``OBSERVER`` is installed before the page loads and records, on the page's clock
(performance.now()): comm messages naming ``projection`` leaving on the kernel's websocket, kernel
updates naming ``_points_projection`` arriving, every drawArrays(POINTS) call (a frame drawing
points), the widget's ``lw:*`` performance marks (``draw``, ``glide``, ``camera``:
js/src/map/motion.ts) and each ``data-projection`` / ``data-draws`` mutation.

``START`` clears the records and switches the projection select (or, given ``None``, only starts
the clock: the switch then comes from Python); ``LANDED`` waits until ``data-projection`` names
the projection with a new ``data-draws`` and returns each stage in ms from the start.
"""

from __future__ import annotations

OBSERVER = """
window.__sw = {t0: 0, draws: null, sends: [], answers: [], frames: [], marks: [], mutations: []};
const utf8 = new TextDecoder();
const head = (data) => typeof data === 'string' ? data
  : utf8.decode(data instanceof ArrayBuffer ? new Uint8Array(data, 0, Math.min(data.byteLength, 65536))
                : new Uint8Array(data.buffer, data.byteOffset, Math.min(data.byteLength, 65536)));
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const text = head(data);
  if (text.includes('comm_msg') && text.includes('"projection"'))
    window.__sw.sends.push(performance.now());
  return send.call(this, data);
};
window.WebSocket = class extends WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (event) => {
      if (head(event.data).includes('"_points_projection"'))
        window.__sw.answers.push(performance.now());
    });
  }
};
for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
  const drawArrays = proto.drawArrays;
  proto.drawArrays = function (mode, first, count) {
    if (mode === 0) window.__sw.frames.push(performance.now());
    return drawArrays.call(this, mode, first, count);
  };
}
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if (e.name.startsWith('lw:')) window.__sw.marks.push({name: e.name.slice(3), at: e.startTime});
}).observe({type: 'mark'});
new MutationObserver((records) => {
  const at = performance.now();
  for (const r of records)
    window.__sw.mutations.push({at, projection: r.target.dataset.projection ?? null,
                                draws: r.target.dataset.draws ?? null});
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-projection', 'data-draws']});
"""

START = """([root, value]) => {
  const sw = window.__sw;
  for (const key of ['sends', 'answers', 'frames', 'marks', 'mutations']) sw[key] = [];
  sw.draws = root.dataset.draws;
  sw.t0 = performance.now();
  if (value === null) return;
  const select = root.querySelector('.lw-projection-select');
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
}"""

# Stages in ms from START (null: did not happen): `moving` is the first frame drawing points after
# the glide was handed over, `frames` the frames drawing points from then until `landed`,
# `early_frames` those between the kernel's answer and the glide (none: it moves on the first).
LANDED = """([value, timeout]) => new Promise((resolve) => {
  const sw = window.__sw;
  const wait = () => {
    const landed = sw.mutations.find((m) => m.projection === value && m.draws !== sw.draws);
    if (!landed && performance.now() - sw.t0 < timeout) return requestAnimationFrame(wait);
    const at = (t) => t - sw.t0;
    const mark = (name) => sw.marks.filter((m) => m.name === name).map((m) => at(m.at));
    const frames = sw.frames.map(at);
    const answer = sw.answers.length ? at(sw.answers[0]) : null;
    const glide = mark('glide')[0] ?? null;
    const end = landed ? at(landed.at) : null;
    const gliding = frames.filter((f) => glide !== null && f >= glide && (end === null || f <= end));
    resolve({
      send: sw.sends.length ? at(sw.sends[0]) : null, kernel: answer,
      draw: mark('draw')[0] ?? null, glide, moving: gliding[0] ?? null,
      camera: mark('camera')[0] ?? null, landed: end, frames: gliding.length,
      early_frames: frames.filter((f) => answer !== null && glide !== null && f >= answer && f < glide).length,
      draws: mark('draw').length, glides: mark('glide').length, cameras: mark('camera').length,
      frame_times: frames.map(Math.round),
    });
  };
  wait();
})"""
