// A fake LatentExplorer model for developing the front end without Jupyter.
// Query parameters: n (points, default 2000), decoder=0 (no decoder), text=1 (text inputs),
// dark=1, delay (ms per preview and per command, default 40), height (px), worst=k (list the k
// "worst reconstructions" from the start), history=1 (three snapshots for the history slider).
// It answers every command the widget sends (preview, probe, manifold_command, sample_command,
// vector_command) and reacts to the traits it saves (pinned, neighbours_k, traverse_*, dims,
// projection, color_by, ...) with data from the stub model in stub-ops.js. From the console (or a
// check): lwPy.worst(k), lwPy.legendImages(), lwPy.history() do what Python's
// reconstruction_error(), cluster() and update(keep=True) would; lwPySet(patch) sets any trait.
import widget from "../../latentwidgets/static/widget.js";
import { DIMS, StubOps, SIZE as STUB_SIZE } from "./stub-ops.js";

const params = new URLSearchParams(location.search);
const N = Number(params.get("n") ?? 2000);
const HAS_DECODER = params.get("decoder") !== "0";
const TEXT_INPUTS = params.get("text") === "1";
const DELAY = Number(params.get("delay") ?? 40);
const SIZE = STUB_SIZE;
const CLASSES = 10;
const WORST = Number(params.get("worst") ?? 0);
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

function layout(projection, dims = [0, 1]) {
  const xy = new Float32Array(N * 2);
  if (projection === "dims") {
    for (let i = 0; i < N; i++) {
      const code = ops.code(i);
      xy[2 * i] = code[dims[0]];
      xy[2 * i + 1] = code[dims[1]];
    }
    return xy;
  }
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

const ops = new StubOps(labels, noise, CLASSES);
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
  _neighbours: null,
  _neighbour_overlap: -1,
  neighbours_k: 10,
  traverse_direction: "",
  _traverse_options: HAS_DECODER ? ops.traverseOptions() : [],
  traverse_span: 3,
  traverse_steps: 9,
  _traverse_frames: null,
  _traverse_path: null,
  _samples: null,
  _sample_points: null,
  _worst: WORST > 0 ? wire(ops.worst(WORST), [WORST], "uint32") : null,
  color_scale: "linear",
  _color_ticks: [],
  _probe_exact: true,
  dims: [0, 1],
  projection_params: { tsne: { perplexity: 30 }, umap: { n_neighbors: 15, min_dist: 0.1 } },
  _axis_labels: ["PC1", "PC2"],
  _legend_images: null,
  _link_group: "",
  // the panels open: `panels=all`, a comma-separated list, or (left out) the widget's default
  panels: params.get("panels") === "all" ? ["preview", "interpolation", "neighbours", "traverse", "samples", "worst"] : params.get("panels")?.split(",") ?? ["preview", "interpolation"],
  _history: null,
  _history_names: [],
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
    if (content?.kind === "anywidget-command") command(content);
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

/** Answer a command after DELAY ms, as `@command` handlers do: `{id, response}` plus buffers. */
function command({ id, name, msg }) {
  if (name === "preview") {
    previewCommand({ id, msg });
    return;
  }
  const respond = (response, buffers = []) =>
    emit("msg:custom", { id, kind: "anywidget-command-response", response }, buffers.map((b) => new DataView(b.buffer, b.byteOffset, b.byteLength)));
  setTimeout(() => {
    if (!HAS_DECODER && name !== "vector_command") {
      respond({ error: "ValueError: this LatentModel has no decoder: pass decoder= to decode codes" });
    } else if (name === "probe") {
      respond(...ops.probe(Number(msg.x), Number(msg.y)));
    } else if (name === "manifold_command") {
      respond(...ops.manifold(msg));
    } else if (name === "sample_command") {
      const n = Number(msg?.n ?? 16);
      const { images, points } = ops.sample(n, random, gauss);
      pySet({ _samples: wire(images, [n, SIZE, SIZE, 4], "uint8"), _sample_points: wire(points, [n, 2], "float32") });
      respond({ count: n });
    } else if (name === "vector_command") {
      const response = ops.vector(msg, selected(), state._color_categories);
      if (!response.error) pySet({ _traverse_options: ops.traverseOptions() });
      respond(response);
    } else {
      respond({ error: `KeyError: no command ${JSON.stringify(name)} in the harness` });
    }
  }, DELAY);
}

function selected() {
  const s = state._selection;
  return s ? Array.from(new Uint32Array(s.view.buffer, s.view.byteOffset, s.shape[0])) : [];
}

function kernel(keys) {
  if (keys.some((k) => k.startsWith("interp_"))) setTimeout(interpolate, 30);
  if (keys.includes("projection") || keys.includes("dims")) project(state.projection);
  if (keys.includes("color_by") || keys.includes("color_scale")) recolor(state.color_by);
  if (keys.includes("pinned") || keys.includes("neighbours_k")) setTimeout(neighbours, 20);
  if (keys.includes("pinned") || keys.some((k) => k.startsWith("traverse_"))) setTimeout(traverse, 20);
  if (keys.includes("projection_params")) {
    pySet({ _status: { state: "idle", message: `Parameters saved: ${JSON.stringify(state.projection_params)}`, progress: null } });
  }
}

function neighbours() {
  const p = state.pinned;
  if (p < 0) {
    pySet({ _neighbours: null, _neighbour_overlap: -1 });
    return;
  }
  const k = Math.min(state.neighbours_k, N - 1);
  const { indices, overlap } = ops.neighbours(p, k, raw);
  pySet({ _neighbours: wire(indices, [indices.length], "uint32"), _neighbour_overlap: overlap });
}

function traverse() {
  const { pinned: p, traverse_direction: option, traverse_span: span, traverse_steps: steps } = state;
  const walk = p >= 0 && option && HAS_DECODER ? ops.traverse(p, option, span, steps) : null;
  pySet({
    _traverse_frames: walk ? wire(walk.frames, [steps, SIZE, SIZE, 4], "uint8") : null,
    // The path is in "pca" units: drawn on the other layouts it only shows where it would go.
    _traverse_path: walk ? wire(walk.path, [steps, 2], "float32") : null,
  });
}

/** What Python calls do to the traits, for trying the views they feed. */
window.lwPy = {
  /** reconstruction_error(worst=k): the colour column and the worst-k gallery. */
  worst(k = 16) {
    const worst = ops.worst(k);
    if (!state._color_options.includes("recon_error")) pySet({ _color_options: [...state._color_options, "recon_error"] });
    pySet({ _worst: k > 0 ? wire(worst, [worst.length], "uint32") : null });
    return Array.from(worst);
  },
  /** cluster(): a picture of each category beside the legend swatches. */
  legendImages() {
    pySet({ _legend_images: wire(ops.classImages(), [CLASSES, SIZE, SIZE, 4], "uint8") });
  },
  /** update(keep=True) three times: three snapshots, the last one the live map. */
  history() {
    const names = ["epoch 1", "epoch 2", "epoch 3"];
    const maps = new Float32Array(names.length * N * 2);
    names.forEach((_, s) => {
      const shrink = 0.4 + (0.6 * s) / (names.length - 1);
      for (let i = 0; i < 2 * N; i++) maps[s * 2 * N + i] = raw[i] * shrink;
    });
    pySet({ _history: wire(maps, [names.length, N, 2], "float32"), _history_names: names });
  },
};

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
  const [d0, d1] = state.dims;
  if (projection === "dims" && !(d0 >= 0 && d1 >= 0 && d0 < DIMS && d1 < DIMS && d0 !== d1)) {
    pySet({ _status: { state: "error", message: `dims must be two different dimensions in [0, ${DIMS}); got ${state.dims}`, progress: null } });
    return;
  }
  const timer = setInterval(() => {
    progress += 0.25;
    if (progress < 1) {
      pySet({ _status: { state: "busy", message: `Computing ${projection}…`, progress } });
      return;
    }
    clearInterval(timer);
    raw = layout(projection, state.dims);
    const axes = { pca: ["PC1", "PC2"], dims: [`z${d0}`, `z${d1}`] }[projection] ?? [];
    pySet({
      _points: wire(raw, [N, 2], "float32"),
      _points_projection: projection,
      _axis_labels: axes,
      _probe_exact: projection === "pca",
      _status: { state: "idle", message: `Projected with ${projection}`, progress: null },
    });
    if (state.interp_a >= 0 && state.interp_b >= 0) interpolate();
  }, 120);
}

function recolor(column) {
  if (column === "label") {
    pySet({ _colors: wire(labels, [N], "uint32"), _color_kind: "categorical" });
  } else if (column === "recon_error") {
    const v = new Float32Array(N);
    for (let i = 0; i < N; i++) v[i] = Math.hypot(noise[2 * i], noise[2 * i + 1]) ** 2 / 10;
    pySet({ _colors: wire(v, [N], "float32"), _color_kind: "continuous", _color_range: [0, 1.2] });
  } else if (column === "norm") {
    const v = norms();
    pySet({ _colors: wire(v, [N], "float32"), _color_kind: "continuous", _color_range: [0, 3.5] });
  } else {
    pySet({ _colors: null, _color_kind: "none" });
  }
}

if (params.get("history") === "1") window.lwPy.history();

const t0 = performance.now();
const cleanup = widget.render({ model, el: document.getElementById("widget") });
window.lwCleanup = cleanup;
window.lwStart = t0;
