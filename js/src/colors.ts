// Colour encodings: categorical palette, continuous ramp, and per-point values for regl-scatterplot.
import { clamp } from "./points";
import type { ColorKind } from "./types";

/** Tableau 10, then its lighter companions (Tableau 20's second halves). */
export const CATEGORICAL = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  "#a0cbe8", "#ffbe7d", "#ff9d9a", "#8cd17d", "#b6992d",
  "#f1ce63", "#86bcb6", "#d37295", "#fabfd2", "#d4a6c8",
] as const;

// Viridis sampled at ten even stops; the ramp interpolates between them.
const VIRIDIS_STOPS = [
  "#440154", "#482878", "#3e4989", "#31688e", "#26828e",
  "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725",
] as const;

export const RAMP_SIZE = 64;

function parseHex(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function toHex([r, g, b]: readonly number[]): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** Colour of category `code`, cycling through the palette beyond its end. */
export function categoryColor(code: number): string {
  return CATEGORICAL[((code % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}

/** Colours for `count` categories (at least one entry: regl-scatterplot needs a non-empty map). */
export function categoricalPalette(count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => categoryColor(i));
}

/** Colour at t in [0, 1] on the viridis ramp. */
export function rampColor(t: number): string {
  const stops = VIRIDIS_STOPS.map(parseHex);
  const pos = clamp(Number.isFinite(t) ? t : 0, 0, 1) * (stops.length - 1);
  const i = Math.min(Math.floor(pos), stops.length - 2);
  const f = pos - i;
  return toHex(stops[i].map((c, k) => c + (stops[i + 1][k] - c) * f));
}

/** `size` evenly spaced colours of the ramp, first = low, last = high. */
export function rampPalette(size = RAMP_SIZE): string[] {
  return Array.from({ length: size }, (_, i) => rampColor(size > 1 ? i / (size - 1) : 0));
}

/** CSS linear-gradient of the ramp, for the colour bar. */
export function rampGradient(direction = "to right"): string {
  return `linear-gradient(${direction}, ${VIRIDIS_STOPS.join(", ")})`;
}

export interface PointColors {
  /** regl-scatterplot's valueA per point: category codes, or continuous values in [0, 1]. */
  values: Float32Array;
  dataType: "categorical" | "continuous";
  palette: string[];
}

/**
 * Per-point colour values for regl-scatterplot's `colorBy: 'valueA'`.
 *
 * Categorical codes index the palette directly; continuous values are mapped to [0, 1] by `range`
 * (regl-scatterplot picks colour floor(v * (palette.length - 1))). Non-finite values get the low end.
 * Returns null when there is nothing to colour by or the array does not match the points.
 */
export function pointColors(
  kind: ColorKind,
  colors: ArrayLike<number> | null,
  count: number,
  range: readonly number[],
  categories: readonly string[],
): PointColors | null {
  if (kind === "none" || colors === null || colors.length !== count) return null;
  const values = new Float32Array(count);
  if (kind === "categorical") {
    let maxCode = -1;
    for (let i = 0; i < count; i++) {
      const code = colors[i];
      values[i] = code;
      if (code > maxCode) maxCode = code;
    }
    return {
      values,
      dataType: "categorical",
      palette: categoricalPalette(Math.max(categories.length, maxCode + 1)),
    };
  }
  const [lo, hi] = continuousRange(colors, range);
  const span = hi - lo;
  for (let i = 0; i < count; i++) {
    const v = (colors[i] - lo) / span;
    values[i] = Number.isFinite(v) ? clamp(v, 0, 1) : 0;
  }
  return { values, dataType: "continuous", palette: rampPalette() };
}

/** The [min, max] to map continuous colours with: the trait's, or the data's when that is unusable. */
export function continuousRange(colors: ArrayLike<number>, range: readonly number[]): [number, number] {
  let [lo, hi] = range.length === 2 ? [Number(range[0]), Number(range[1])] : [Number.NaN, Number.NaN];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo)) {
    lo = Number.POSITIVE_INFINITY;
    hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < colors.length; i++) {
      const v = colors[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) return [0, 1];
  }
  // A constant column would divide by zero; widen it so every point sits mid-ramp.
  return hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5];
}

/** A CSS rgb()/rgba()/#hex colour as [r, g, b, a] in [0, 1] (regl-scatterplot reads only hex and arrays). */
export function parseColor(css: string): [number, number, number, number] | null {
  const m = css.match(/rgba?\(([^)]+)\)/);
  if (m) {
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    if (parts.length < 3 || !parts.slice(0, 3).every(Number.isFinite)) return null;
    const alpha = parts.length >= 4 && Number.isFinite(parts[3]) ? parts[3] : 1;
    return [parts[0] / 255, parts[1] / 255, parts[2] / 255, alpha];
  }
  if (/^#[0-9a-f]{6}$/i.test(css.trim())) {
    const [r, g, b] = parseHex(css.trim());
    return [r / 255, g / 255, b / 255, 1];
  }
  return null;
}

/** Relative luminance (0 dark .. 1 light) of a CSS rgb()/rgba()/#hex colour; null if unparsable. */
export function luminance(css: string): number | null {
  const color = parseColor(css);
  if (!color || color[3] === 0) return null;
  const [r, g, b] = color.slice(0, 3).map((s) => (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
