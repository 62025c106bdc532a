// Pixels of the 2-D canvas map, computed in JS: points as discs and a density image of all points,
// composited into one premultiplied RGBA buffer, put on the canvas once a frame. A JS loop over
// typed arrays is several times faster than a canvas call per point in software-rendered Chromium.
import type { Projection } from "./canvas-camera";
import { parseColor } from "./colors";
import type { MapData } from "./map-surface";

/** Above this many points the canvas map draws a sample of this size over a density image of all. */
export const DRAW_LIMIT = 200_000;

/** A premultiplied RGBA image, components in [0, 1], row by row from the top. */
export interface Raster {
  width: number;
  height: number;
  data: Float32Array;
}

export function newRaster(width: number, height: number): Raster {
  return { width, height, data: new Float32Array(width * height * 4) };
}

/** Point colours: `palette` holds r, g, b in [0, 1] per entry; `codes` a palette entry per point (null: entry 0). */
export interface Colors {
  palette: Float32Array;
  codes: ArrayLike<number> | null;
}

function rgb(css: string): Float32Array {
  const c = parseColor(css) ?? [0.3, 0.4, 0.6, 1];
  return Float32Array.of(c[0], c[1], c[2]);
}

/** One colour for every point. */
export function plain(css: string): Colors {
  return { palette: rgb(css), codes: null };
}

/** The points' palette colours, codes clamped into the palette. */
export function colorsOf(data: MapData, accent: string): Colors {
  const colors = data.colors;
  if (!colors || colors.palette.length === 0) return plain(accent);
  const palette = new Float32Array(colors.palette.length * 3);
  for (const [i, css] of colors.palette.entries()) palette.set(rgb(css), 3 * i);
  const last = colors.palette.length - 1;
  const codes = new Uint16Array(colors.values.length);
  for (let i = 0; i < codes.length; i++) {
    const v = colors.values[i];
    codes[i] = v >= 0 && v <= last ? v : last;
  }
  return { palette, codes };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `size` distinct indices of 0..n-1 drawn uniformly at random (seeded, so a redraw keeps the same
 * sample), in increasing order; null when all n fit. A random draw, not every k-th point: points
 * ordered by class (labels = i % 10) would leave whole classes out of a stride.
 */
export function chooseSample(n: number, size: number, seed = 1): Uint32Array | null {
  if (n <= size) return null;
  const out = new Uint32Array(size);
  const random = mulberry32(seed);
  // Knuth's selection sampling: each index is taken with probability needed / remaining.
  let taken = 0;
  for (let i = 0; i < n && taken < size; i++) {
    if ((n - i) * random() < size - taken) out[taken++] = i;
  }
  return out;
}

/** A disc's pixels: offsets (dx, dy pairs) round its centre pixel and how much of each it covers. */
export interface Disc {
  offsets: Int32Array;
  coverage: Float32Array;
}

/** The pixels of a disc `diameter` px wide, its edge antialiased (coverage falls off over a pixel). */
export function disc(diameter: number): Disc {
  const r = Math.max(diameter, 1) / 2;
  const reach = Math.ceil(r + 0.5);
  const offsets: number[] = [];
  const coverage: number[] = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      const c = Math.min(1, Math.max(0, r + 0.5 - Math.hypot(dx, dy)));
      if (c <= 0) continue;
      offsets.push(dx, dy);
      coverage.push(c);
    }
  }
  return { offsets: Int32Array.from(offsets), coverage: Float32Array.from(coverage) };
}

/**
 * Composite discs of `diameter` device px at points `indices` (null: all) over `raster`, with
 * `alpha` (a disc under a pixel wide covers less of it: its alpha shrinks with its area).
 * Points flagged in `skip` are left out. Returns how many discs landed in the image.
 */
export function stampPoints(
  raster: Raster,
  x: Float32Array,
  y: Float32Array,
  indices: ArrayLike<number> | null,
  colors: Colors,
  proj: Projection,
  diameter: number,
  alpha: number,
  skip: Uint8Array | null = null,
): number {
  const { width, height, data } = raster;
  const { offsets, coverage } = disc(diameter);
  const a = diameter < 1 ? alpha * diameter * diameter : alpha;
  const reach = Math.ceil(Math.max(diameter, 1) / 2 + 0.5);
  const { palette, codes } = colors;
  const count = indices ? indices.length : x.length;
  let drawn = 0;
  for (let k = 0; k < count; k++) {
    const i = indices ? indices[k] : k;
    if (skip?.[i]) continue;
    const cx = Math.round(proj.a * x[i] + proj.bx);
    const cy = Math.round(-proj.a * y[i] + proj.by);
    if (cx < -reach || cy < -reach || cx >= width + reach || cy >= height + reach) continue;
    const c = 3 * (codes ? codes[i] : 0);
    const r = palette[c];
    const g = palette[c + 1];
    const b = palette[c + 2];
    for (let o = 0; o < offsets.length; o += 2) {
      const px = cx + offsets[o];
      const py = cy + offsets[o + 1];
      if (px < 0 || py < 0 || px >= width || py >= height) continue;
      const p = 4 * (py * width + px);
      const pa = a * coverage[o >> 1];
      const keep = 1 - pa;
      data[p] = r * pa + data[p] * keep;
      data[p + 1] = g * pa + data[p + 1] * keep;
      data[p + 2] = b * pa + data[p + 2] * keep;
      data[p + 3] = pa + data[p + 3] * keep;
    }
    drawn++;
  }
  return drawn;
}

/** Per pixel: how many points fall in it and the sum of their colours. */
export interface Bins {
  counts: Float32Array;
  rgb: Float32Array;
  max: number;
}

/** Bin every point into the raster's pixels (points outside are dropped). */
export function binPoints(width: number, height: number, x: Float32Array, y: Float32Array, colors: Colors, proj: Projection): Bins {
  const counts = new Float32Array(width * height);
  const rgb = new Float32Array(width * height * 3);
  const { palette, codes } = colors;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const px = Math.floor(proj.a * x[i] + proj.bx);
    const py = Math.floor(-proj.a * y[i] + proj.by);
    if (px < 0 || py < 0 || px >= width || py >= height) continue;
    const k = py * width + px;
    const n = ++counts[k];
    if (n > max) max = n;
    const c = 3 * (codes ? codes[i] : 0);
    rgb[3 * k] += palette[c];
    rgb[3 * k + 1] += palette[c + 1];
    rgb[3 * k + 2] += palette[c + 2];
  }
  return { counts, rgb, max };
}

/** Opacity of a pixel holding `count` of at most `max` points: logarithmic, so one point still shows. */
export function toneMap(count: number, max: number, maxAlpha: number): number {
  if (count <= 0 || max <= 0) return 0;
  return max <= 1 ? maxAlpha : (maxAlpha * (0.25 + 0.75 * Math.log1p(count - 1) / Math.log1p(max - 1)));
}

/** Composite the bins over `raster`: each pixel the mean colour of its points, tone-mapped. */
export function shadeDensity(raster: Raster, bins: Bins, maxAlpha: number): void {
  const { data } = raster;
  const { counts, rgb, max } = bins;
  for (let k = 0; k < counts.length; k++) {
    const n = counts[k];
    if (n === 0) continue;
    const a = toneMap(n, max, maxAlpha);
    const keep = 1 - a;
    const p = 4 * k;
    data[p] = (rgb[3 * k] / n) * a + data[p] * keep;
    data[p + 1] = (rgb[3 * k + 1] / n) * a + data[p + 1] * keep;
    data[p + 2] = (rgb[3 * k + 2] / n) * a + data[p + 2] * keep;
    data[p + 3] = a + data[p + 3] * keep;
  }
}

/** The raster as ImageData bytes (straight alpha, 0..255), into `out`. */
export function toBytes(raster: Raster, out: Uint8ClampedArray): void {
  const { data } = raster;
  for (let p = 0; p < data.length; p += 4) {
    const a = data[p + 3];
    if (a <= 0) {
      out[p + 3] = 0;
      continue;
    }
    const s = 255 / a;
    out[p] = data[p] * s;
    out[p + 1] = data[p + 1] * s;
    out[p + 2] = data[p + 2] * s;
    out[p + 3] = a * 255;
  }
}
