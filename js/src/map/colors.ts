// Colour encodings: categorical palette, continuous ramp, and per-point values for regl-scatterplot,
// read from the colour traits.
import { decodeOptional } from "../wire/codecs";
import { type Model, strings } from "../wire/traits";
import type { ColorKind } from "../wire/types";
import { clamp } from "./points";

// The palettes are latentwidgets/colors.py's (the export colours with those): tests/test_colors.py
// reads the arrays and constants below and compares them with Python's.

/** Tableau 10, then its lighter companions (Tableau 20's second halves). */
export const CATEGORICAL = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  "#a0cbe8", "#ffbe7d", "#ff9d9a", "#8cd17d", "#b6992d",
  "#f1ce63", "#86bcb6", "#d37295", "#fabfd2", "#d4a6c8",
] as const;

/** Category of values lumped together past colors.py's MAX_CATEGORIES, and its colour. */
export const OTHER_LABEL = "(other)";
export const OTHER_COLOR = "#d9d9d9";

/** Category of missing values (None, NaN), and the colour of missing values of either kind. */
export const MISSING_LABEL = "(missing)";
export const MISSING_COLOR = "#7f7f7f";

/** Viridis through ten even stops, linearly interpolated to 64 colours, low to high. */
export const RAMP = [
  "#440154", "#450759", "#450c5e", "#461263", "#461769", "#471d6e", "#472273", "#482878",
  "#472d7a", "#45317d", "#44367f", "#423b82", "#414084", "#3f4487", "#3e4989", "#3c4d8a",
  "#3a528a", "#38568b", "#375b8c", "#355f8d", "#33648d", "#31688e", "#2f6c8e", "#2e6f8e",
  "#2c738e", "#2b778e", "#297b8e", "#287e8e", "#26828e", "#25868d", "#248a8d", "#238e8c",
  "#22928b", "#21968a", "#209a8a", "#1f9e89", "#22a287", "#25a584", "#28a982", "#2cac80",
  "#2fb07e", "#32b37b", "#35b779", "#3dba74", "#45be70", "#4dc16b", "#56c466", "#5ec761",
  "#66cb5d", "#6ece58", "#78d052", "#82d34b", "#8cd545", "#97d73e", "#a1d938", "#abdc31",
  "#b5de2b", "#bfdf2a", "#cae129", "#d4e228", "#dee328", "#e8e427", "#f3e626", "#fde725",
] as const;

export const RAMP_SIZE = RAMP.length;

function parseHex(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Colour of category `code`, cycling through the palette beyond its end; the categories named
 * OTHER_LABEL and MISSING_LABEL have colours of their own (pass `name` to get them).
 */
export function categoryColor(code: number, name?: string): string {
  if (name === MISSING_LABEL) return MISSING_COLOR;
  if (name === OTHER_LABEL) return OTHER_COLOR;
  return CATEGORICAL[((code % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}

/** Colours for `count` categories named `categories` (at least one: regl-scatterplot needs one). */
export function categoricalPalette(count: number, categories: readonly string[] = []): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => categoryColor(i, categories[i]));
}

/**
 * Index into RAMP of a continuous value mapped over [lo, hi], RAMP_SIZE (the missing colour) for
 * NaN. Bokeh's LinearColorMapper rule, written the same way so the export's page agrees to the
 * last bit: floor((v - lo) * (1 / span) / (1 / n)), hi itself in the top colour, clamped.
 */
export function rampIndex(value: number, lo: number, hi: number): number {
  if (Number.isNaN(value)) return RAMP_SIZE;
  if (value === hi) return RAMP_SIZE - 1;
  const index = Math.floor(((value - lo) * (1 / (hi - lo))) / (1 / RAMP_SIZE));
  return clamp(Number.isNaN(index) ? 0 : index, 0, RAMP_SIZE - 1);
}

/** Colour at t in [0, 1] on the ramp (NaN: the low end). */
export function rampColor(t: number): string {
  return RAMP[rampIndex(Number.isNaN(t) ? 0 : clamp(t, 0, 1), 0, 1)];
}

/** The ramp's colours, first = low, last = high. */
export function rampPalette(): string[] {
  return [...RAMP];
}

/** CSS linear-gradient of the ramp, for the colour bar. */
export function rampGradient(direction = "to right"): string {
  return `linear-gradient(${direction}, ${RAMP.join(", ")})`;
}

export interface PointColors {
  /** regl-scatterplot's valueA per point: an index into `palette`. */
  values: Float32Array;
  /** Always "categorical": the values are palette indices, for continuous columns too. */
  dataType: "categorical" | "continuous";
  palette: string[];
}

/**
 * Per-point colour values for regl-scatterplot's `colorBy: 'valueA'`.
 *
 * Categorical codes index the palette directly. Continuous values are binned here, not by
 * regl-scatterplot (whose rule differs from the export's Bokeh): `rampIndex` over `range` into
 * RAMP followed by MISSING_COLOR, where NaN values go.
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
      palette: categoricalPalette(Math.max(categories.length, maxCode + 1), categories),
    };
  }
  const [lo, hi] = continuousRange(colors, range);
  for (let i = 0; i < count; i++) values[i] = rampIndex(colors[i], lo, hi);
  return { values, dataType: "categorical", palette: [...RAMP, MISSING_COLOR] };
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

export interface ColorArrays {
  /** Per-point colour input for regl-scatterplot (palette positions), or null for no colour. */
  colors: ReturnType<typeof pointColors>;
  /** Category code of each point, for picking by category; null unless categorical. */
  codes: ArrayLike<number> | null;
}

/**
 * The points' colours as the colour traits say; a malformed `_colors` is ignored, with a warning.
 * `extra` holds the colour values of more points drawn after the `n` of `_colors` (`count` in all).
 */
export function colorArrays(model: Model, n: number, extra: ArrayLike<number> | null = null, count = n): ColorArrays {
  const kind = model.get("_color_kind");
  if (kind !== "categorical" && kind !== "continuous") return { colors: null, codes: null };
  let data: ArrayLike<number> | null;
  try {
    data =
      decodeOptional("_colors", model.get("_colors"), {
        dtypes: kind === "categorical" ? ["uint32", "int32", "uint16", "uint8"] : ["float32"],
        shape: [-1],
      })?.data ?? null;
  } catch (error) {
    console.warn("latentwidgets: ignoring _colors", error);
    return { colors: null, codes: null };
  }
  if (data && data.length === n && count > n) {
    const all = new Float32Array(count).fill(Number.NaN);
    all.set(data);
    if (extra && extra.length === count - n) all.set(extra, n);
    data = all;
  }
  const range = (model.get("_color_range") ?? []) as number[];
  const colors = pointColors(kind, data, count, range, strings(model, "_color_categories"));
  return { colors, codes: colors && kind === "categorical" ? data : null };
}
