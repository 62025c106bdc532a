// The latent operations of the stub kernel behind harness.js: plausible data of the shapes and
// dtypes the Python side sends (docs/widget-contract.md), computed from a tiny made-up model.
//
// Every point has a 4-d "code" [nx, ny, 3 cos t, 3 sin t] (its noise and its class angle t); an
// image is an 8x8 ring whose centre and radius follow the code. Map places (probe, manifold,
// samples, traversal paths) go back and forth through the "pca" layout of harness.js, so what is
// decoded at a place looks like the points drawn there.

export const SIZE = 8;
export const DIMS = 4;

/** An 8x8 RGBA ring centred at (cx, cy) (pixels) of radius r; `smooth` blurs it (a "decoder"). */
export function ring(cx, cy, r, smooth) {
  const data = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const v = Math.round(255 * Math.min(1, Math.exp(-((d - r) ** 2) / (smooth ? 1.2 : 0.5))));
      data.set([v, v, v, 255], 4 * (y * SIZE + x));
    }
  }
  return data;
}

/** The image of a code [nx, ny, a, b]: the class angle from (a, b), shifted by the noise. */
export function decode(code, smooth = true) {
  const t = Math.atan2(code[3], code[2]);
  const radius = Math.max(0.8, Math.min(3, Math.hypot(code[2], code[3]) * (2 / 3)));
  // far-out codes (map corners, long walks) keep the ring inside the 8x8 image
  const shift = (v) => 0.6 * Math.max(-2.5, Math.min(2.5, v));
  return ring(3.5 + 2 * Math.cos(t) + shift(code[0]), 3.5 + 2 * Math.sin(t) + shift(code[1]), radius, smooth);
}

/** Images stacked into one uint8 [F, H, W, 4] array. */
export function stack(images) {
  const out = new Uint8Array(images.length * SIZE * SIZE * 4);
  images.forEach((image, f) => out.set(image, f * SIZE * SIZE * 4));
  return out;
}

/** The "pca" place of a code, the units of `_points` (harness.js lays points out the same way). */
export function place(code) {
  const t = Math.atan2(code[3], code[2]);
  return [40 * Math.cos(t) + 5 + 5 * code[0], 18 * Math.sin(t) - 3 + 5 * code[1]];
}

/** The code at a "pca" map place: exact, as a PCA inverse is (noise kept within the ring). */
export function codeAt(x, y) {
  const u = (x - 5) / 40;
  const v = (y + 3) / 18;
  const t = Math.atan2(v, u);
  const nx = (x - (40 * Math.cos(t) + 5)) / 5;
  const ny = (y - (18 * Math.sin(t) - 3)) / 5;
  return [nx, ny, 3 * Math.cos(t), 3 * Math.sin(t)];
}

export class StubOps {
  /**
   * @param {Uint32Array} labels class of each point
   * @param {Float32Array} noise two values per point
   * @param {number} classes number of classes
   */
  constructor(labels, noise, classes) {
    this.labels = labels;
    this.noise = noise;
    this.classes = classes;
    this.n = labels.length;
    this.vectors = new Map();
  }

  code(i) {
    const t = (2 * Math.PI * this.labels[i]) / this.classes;
    return [this.noise[2 * i], this.noise[2 * i + 1], 3 * Math.cos(t), 3 * Math.sin(t)];
  }

  /** `_traverse_options`: the dimensions, three principal directions, the saved vectors. */
  traverseOptions() {
    return [...Array.from({ length: DIMS }, (_, d) => `dim ${d}`), "pc1", "pc2", "pc3", ...this.vectors.keys()];
  }

  /** The unit direction an option names (null: unknown). */
  direction(option) {
    if (option.startsWith("dim ")) {
      const d = Number(option.slice(4));
      return Array.from({ length: DIMS }, (_, k) => (k === d ? 1 : 0));
    }
    const principal = { pc1: [0, 0, 1, 0], pc2: [0, 0, 0, 1], pc3: [1, 0, 0, 0] }[option];
    return principal ?? this.vectors.get(option) ?? null;
  }

  /** The k nearest codes to point p (p left out), nearest first; a partial insertion sort. */
  nearest(p, k, distance) {
    const best = [];
    for (let i = 0; i < this.n; i++) {
      if (i === p) continue;
      const d = distance(i);
      if (best.length === k && d >= best[k - 1][0]) continue;
      let j = best.length < k ? best.length : k - 1;
      best[j] = [d, i];
      while (j > 0 && best[j - 1][0] > d) {
        [best[j - 1], best[j]] = [best[j], best[j - 1]];
        j--;
      }
    }
    return best.map(([, i]) => i);
  }

  /** `_neighbours` of point p in code space and how many are also nearest on the 2-D map. */
  neighbours(p, k, raw) {
    const c = this.code(p);
    const latent = this.nearest(p, k, (i) => {
      const q = this.code(i);
      return q.reduce((s, v, d) => s + (v - c[d]) ** 2, 0);
    });
    const onMap = new Set(this.nearest(p, k, (i) => (raw[2 * i] - raw[2 * p]) ** 2 + (raw[2 * i + 1] - raw[2 * p + 1]) ** 2));
    return { indices: Uint32Array.from(latent), overlap: latent.filter((i) => onMap.has(i)).length };
  }

  /** `_traverse_frames` and `_traverse_path`: `steps` codes from -span to +span along `option`. */
  traverse(p, option, span, steps) {
    const dir = this.direction(option);
    if (!dir) return null;
    const c = this.code(p);
    const images = [];
    const path = new Float32Array(steps * 2);
    for (let f = 0; f < steps; f++) {
      const offset = steps < 2 ? 0 : -span + (2 * span * f) / (steps - 1);
      const code = c.map((v, d) => v + 0.5 * offset * dir[d]);
      images.push(decode(code));
      path.set(place(code), 2 * f);
    }
    return { frames: stack(images), path };
  }

  /** A `probe` response and its buffers. */
  probe(x, y) {
    return [{ x, y, exact: true, recon: { kind: "image", width: SIZE, height: SIZE, buffer: 0 } }, [decode(codeAt(x, y))]];
  }

  /** A `manifold_command` response: grid x grid tiles, row by row from the top (largest y). */
  manifold({ x0, x1, y0, y1, grid }) {
    if (!Number.isInteger(grid) || grid < 2 || grid > 32) return [{ error: `ValueError: grid must be an int in [2, 32]; got ${grid}` }, []];
    const images = [];
    for (let row = 0; row < grid; row++) {
      for (let col = 0; col < grid; col++) {
        const x = x0 + ((col + 0.5) * (x1 - x0)) / grid;
        const y = y1 - ((row + 0.5) * (y1 - y0)) / grid;
        images.push(decode(codeAt(x, y)));
      }
    }
    return [{ grid, width: SIZE, height: SIZE, exact: true, buffer: 0, x0, x1, y0, y1 }, [stack(images)]];
  }

  /** `n` codes from the prior: `_samples` and `_sample_points`. */
  sample(n, random, gauss) {
    const images = [];
    const points = new Float32Array(n * 2);
    for (let s = 0; s < n; s++) {
      const t = 2 * Math.PI * random();
      const code = [gauss(), gauss(), 3 * Math.cos(t), 3 * Math.sin(t)];
      images.push(decode(code));
      points.set(place(code), 2 * s);
    }
    return { images: stack(images), points };
  }

  /**
   * A `vector_command`: the mean code of group a minus group b, saved under `name`.
   * Returns the response (`{name}` or `{error}`), as the Python handler does.
   */
  vector({ name, a, b }, selection, categories) {
    if (typeof name !== "string" || !name || name.startsWith("dim ") || name.startsWith("pc")) {
      return { error: `ValueError: name must be a non-empty str not starting with 'dim ' or 'pc'; got ${JSON.stringify(name)}` };
    }
    const group = (spec, which) => {
      if (spec?.selection === true && which === "a") return new Set(selection);
      if (spec?.rest === true && which === "b") return null;
      if (typeof spec?.label === "string") {
        const code = categories.indexOf(spec.label);
        if (code < 0) throw new Error(`ValueError: ${which}: no label ${JSON.stringify(spec.label)}`);
        return new Set(Array.from(this.labels.keys()).filter((i) => this.labels[i] === code));
      }
      throw new Error(`ValueError: ${which} must be {'selection': true}, {'rest': true} or {'label': name}`);
    };
    try {
      const inA = group(a, "a");
      const inB = group(b, "b");
      if (inA.size === 0) return { error: "ValueError: a: the group is empty (select points first)" };
      const sums = [new Array(DIMS).fill(0), new Array(DIMS).fill(0)];
      const counts = [0, 0];
      for (let i = 0; i < this.n; i++) {
        const side = inA.has(i) ? 0 : inB === null || inB.has(i) ? 1 : -1;
        if (side < 0) continue;
        counts[side]++;
        this.code(i).forEach((v, d) => {
          sums[side][d] += v;
        });
      }
      const diff = sums[0].map((s, d) => s / counts[0] - sums[1][d] / Math.max(1, counts[1]));
      const norm = Math.hypot(...diff) || 1;
      this.vectors.set(name, diff.map((v) => v / norm));
      return { name };
    } catch (error) {
      return { error: error.message };
    }
  }

  /** `_worst`: the k points with the largest stub "reconstruction error" (their noise). */
  worst(k) {
    const order = Array.from({ length: this.n }, (_, i) => i);
    const error = (i) => Math.hypot(this.noise[2 * i], this.noise[2 * i + 1]);
    order.sort((p, q) => error(q) - error(p));
    return Uint32Array.from(order.slice(0, k));
  }

  /** A picture of each class (the legend's `_legend_images`, as after `cluster(k)`). */
  classImages() {
    return stack(Array.from({ length: this.classes }, (_, c) => {
      const t = (2 * Math.PI * c) / this.classes;
      return decode([0, 0, 3 * Math.cos(t), 3 * Math.sin(t)]);
    }));
  }
}
