// A fake LatentExplorer model for developing the front end without Jupyter.
// Query parameters: n (points, default 2000), decoder=0 (no decoder), text=1 (text inputs),
// dark=1, delay (ms per preview, default 40), height (px).
import widget from "../../latentwidgets/static/widget.js";

const params = new URLSearchParams(location.search);
const N = Number(params.get("n") ?? 2000);
const HAS_DECODER = params.get("decoder") !== "0";
const TEXT_INPUTS = params.get("text") === "1";
const DELAY = Number(params.get("delay") ?? 40);
const SIZE = 8;
const CLASSES = 10;
if (params.get("dark") === "1") document.body.classList.add("dark");

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An array as the wire sends it, deliberately a window into a larger buffer (non-zero byteOffset). */
function wire(typed, shape, dtype) {
  const pad = 16;
  const buffer = new ArrayBuffer(typed.byteLength + 2 * pad);
  new Uint8Array(buffer, pad, typed.byteLength).set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
  return { view: new DataView(buffer, pad, typed.byteLength), dtype, shape };
}

const random = rng(7);
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const labels = new Uint32Array(N);
const noise = new Float32Array(N * 2);
for (let i = 0; i < N; i++) {
  labels[i] = Math.floor(random() * CLASSES);
  noise[2 * i] = gauss();
  noise[2 * i + 1] = gauss();
}

function layout(projection) {
  const xy = new Float32Array(N * 2);
  for (let i = 0; i < N; i++) {
    const c = labels[i];
    let cx;
    let cy;
    let s;
    if (projection === "pca") {
      const t = (2 * Math.PI * c) / CLASSES;
      [cx, cy, s] = [40 * Math.cos(t) + 5, 18 * Math.sin(t) - 3, 5];
    } else {
      [cx, cy, s] = [(c % 5) * 14, Math.floor(c / 5) * 16, 3];
    }
    xy[2 * i] = cx + s * noise[2 * i];
    xy[2 * i + 1] = cy + s * noise[2 * i + 1];
  }
  return xy;
}

let raw = layout("pca");
function norms() {
  const v = new Float32Array(N);
  for (let i = 0; i < N; i++) v[i] = Math.hypot(noise[2 * i], noise[2 * i + 1]);
  return v;
}

/** An 8x8 "digit": a blob per class, shifted by the point's noise; recon is a smoothed copy. */
function image(index, smooth) {
  const c = labels[index];
  const t = (2 * Math.PI * c) / CLASSES;
  const cx = 3.5 + 2 * Math.cos(t) + 0.6 * noise[2 * index];
  const cy = 3.5 + 2 * Math.sin(t) + 0.6 * noise[2 * index + 1];
  const data = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d2 = (x - cx) ** 2 + (y - cy) ** 2;
      const ring = Math.exp(-((Math.sqrt(d2) - 2) ** 2) / (smooth ? 1.2 : 0.5));
      const v = Math.round(255 * Math.min(1, ring));
      const k = 4 * (y * SIZE + x);
      data.set([v, v, v, 255], k);
    }
  }
  return data;
}

const state = {
  _points: wire(raw, [N, 2], "float32"),
  _points_projection: "pca",
  projection: "pca",
  _projection_options: ["pca", "tsne", "umap", "dims"],
  color_by: "label",
  _color_options: ["label", "norm"],
  _colors: wire(labels, [N], "uint32"),
  _color_kind: "categorical",
  _color_categories: Array.from({ length: CLASSES }, (_, i) => String(i)),
  _color_range: [0, 0],
  _selection: wire(new Uint32Array(0), [0], "uint32"),
  pinned: -1,
  interp_a: -1,
  interp_b: -1,
  interp_steps: 16,
  interp_method: "slerp",
  _frames: null,
  _path: null,
  _status: { state: "idle", message: `Ready: ${N.toLocaleString()} points`, progress: null },
  point_size: 0,
  opacity: 0,
  _has_decoder: HAS_DECODER,
  height: Number(params.get("height") ?? 440),
};

const listeners = new Map();
const sent = [];
const saved = [];
window.lwSent = sent;
window.lwListeners = listeners;
window.lwSaved = saved;

function emit(event, ...args) {
  for (const cb of [...(listeners.get(event) ?? [])]) cb(...args);
}

/** Python-side changes: all values land first, then the change events (as Backbone does). */
function pySet(patch) {
  const changed = Object.keys(patch).filter((k) => state[k] !== patch[k]);
  Object.assign(state, patch);
  for (const k of changed) emit(`change:${k}`);
}

const model = {
  get: (key) => state[key],
  set(key, value) {
    if (state[key] === value) return;
    state[key] = value;
    emit(`change:${key}`);
    pendingSave.add(key);
  },
  on(event, cb) {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event).add(cb);
  },
  off(event, cb) {
    if (!event) listeners.clear();
    else if (!cb) listeners.delete(event);
    else listeners.get(event)?.delete(cb);
  },
  save_changes() {
    const keys = [...pendingSave];
    pendingSave.clear();
    saved.push(Object.fromEntries(keys.map((k) => [k, state[k]])));
    kernel(keys);
  },
  send(content, _callbacks, buffers) {
    sent.push(content);
    if (content?.kind === "anywidget-command" && content.name === "preview") previewCommand(content);
  },
};
const pendingSave = new Set();
window.lwModel = model;
window.lwState = state;
window.lwPySet = pySet;

function previewCommand({ id, msg }) {
  const index = msg.index;
  setTimeout(() => {
    const buffers = [];
    const item = (data) => {
      buffers.push(new DataView(data.buffer));
      return { kind: "image", width: SIZE, height: SIZE, buffer: buffers.length - 1 };
    };
    const input = TEXT_INPUTS ? { kind: "text", text: `item ${index}: class ${labels[index]}` } : item(image(index, false));
    const recon = HAS_DECODER ? item(image(index, true)) : null;
    emit("msg:custom", { id, kind: "anywidget-command-response", response: { index, recon, input } }, buffers);
  }, DELAY);
}

function kernel(keys) {
  if (keys.some((k) => k.startsWith("interp_"))) setTimeout(interpolate, 30);
  if (keys.includes("projection")) project(state.projection);
  if (keys.includes("color_by")) recolor(state.color_by);
}

function interpolate() {
  const { interp_a: a, interp_b: b, interp_steps: steps } = state;
  if (a < 0 || b < 0) return;
  const ia = image(a, true);
  const ib = image(b, true);
  const frames = new Uint8Array(steps * SIZE * SIZE * 4);
  const path = new Float32Array(steps * 2);
  for (let f = 0; f < steps; f++) {
    const t = f / (steps - 1);
    for (let k = 0; k < ia.length; k++) frames[f * ia.length + k] = Math.round(ia[k] * (1 - t) + ib[k] * t);
    const bend = Math.sin(Math.PI * t) * 6;
    path[2 * f] = raw[2 * a] * (1 - t) + raw[2 * b] * t;
    path[2 * f + 1] = raw[2 * a + 1] * (1 - t) + raw[2 * b + 1] * t + bend;
  }
  pySet({
    _frames: wire(frames, [steps, SIZE, SIZE, 4], "uint8"),
    _path: wire(path, [steps, 2], "float32"),
    _status: { state: "idle", message: `Interpolated #${a} → #${b} (${state.interp_method}, ${steps} frames)`, progress: null },
  });
}

function project(projection) {
  let progress = 0;
  const timer = setInterval(() => {
    progress += 0.25;
    if (progress < 1) {
      pySet({ _status: { state: "busy", message: `Computing ${projection}…`, progress } });
      return;
    }
    clearInterval(timer);
    raw = layout(projection);
    pySet({
      _points: wire(raw, [N, 2], "float32"),
      _points_projection: projection,
      _status: { state: "idle", message: `Projected with ${projection}`, progress: null },
    });
    if (state.interp_a >= 0 && state.interp_b >= 0) interpolate();
  }, 120);
}

function recolor(column) {
  if (column === "label") {
    pySet({ _colors: wire(labels, [N], "uint32"), _color_kind: "categorical" });
  } else if (column === "norm") {
    const v = norms();
    pySet({ _colors: wire(v, [N], "float32"), _color_kind: "continuous", _color_range: [0, 3.5] });
  } else {
    pySet({ _colors: null, _color_kind: "none" });
  }
}

const t0 = performance.now();
const cleanup = widget.render({ model, el: document.getElementById("widget") });
window.lwCleanup = cleanup;
window.lwStart = t0;
