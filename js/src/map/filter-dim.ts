// The filter on the map: which points pass (one bit per point, `_filter_mask`), the drawn points
// that fail it dimmed (their colour faded towards the map's background, never removed), and the
// points a lasso, a box or a legend click may select (those that pass).
import { decodeOptional } from "../wire/codecs";
import type { Model } from "../wire/traits";
import { type ColorArrays, parseColor } from "./colors";
import type { DrawnSet } from "./drawn-set";
import type { MapTheme } from "./map-surface";

/** How far a failing point's colour moves towards the background (0: not at all, 1: gone). */
export const DIM_AMOUNT = 0.82;

/** The points that pass the filter, one bit each (most significant bit first, as numpy packs). */
export class PassMask {
  constructor(private readonly bits: Uint8Array) {}

  passes(index: number): boolean {
    return ((this.bits[index >> 3] >> (7 - (index & 7))) & 1) === 1;
  }

  /** The indices that pass, in the order given. */
  keep(indices: readonly number[]): number[] {
    return indices.filter((i) => this.passes(i));
  }
}

let lastValue: unknown = null;
let lastMask: PassMask | null = null;

/** The model's pass mask; null when no filter is on (or the trait is malformed: all pass). */
export function passMask(model: Model): PassMask | null {
  const value = model.get("_filter_mask");
  if (value === lastValue) return lastMask;
  let mask: PassMask | null = null;
  try {
    const decoded = decodeOptional("_filter_mask", value, { dtypes: ["uint8"], shape: [-1] });
    mask = decoded ? new PassMask(decoded.data) : null;
  } catch (error) {
    console.warn("latentwidgets: ignoring _filter_mask", error);
  }
  lastValue = value;
  lastMask = mask;
  return mask;
}

/**
 * The drawn points' colours with those that fail `mask` faded: the palette is doubled, its second
 * half faded towards the theme's background, and a failing point's value moves there. Uncoloured
 * points (no colours) get a palette of the accent and its faded twin. The category codes stay.
 * How many drawn points are dim goes on `root` as `data-dimmed`.
 */
export function dimFailing(arrays: ColorArrays, mask: PassMask | null, drawn: DrawnSet, theme: MapTheme, root: HTMLElement): ColorArrays {
  root.dataset.dimmed = "0";
  const { colors, codes } = arrays;
  if (!mask) return arrays;
  const { accent, background } = theme;
  const size = drawn.size;
  const palette = colors?.palette ?? [accent];
  const shift = palette.length;
  const values = new Float32Array(size);
  let dimmed = 0;
  for (let d = 0; d < size; d++) {
    const index = drawn.toIndex(d);
    const value = colors ? colors.values[d] : 0;
    const fails = index >= 0 && !mask.passes(index);
    if (fails) dimmed++;
    values[d] = fails ? value + shift : value;
  }
  root.dataset.dimmed = String(dimmed);
  const faded = palette.map((color) => fade(color, background, DIM_AMOUNT));
  return { colors: { values, dataType: "categorical", palette: [...palette, ...faded] }, codes };
}

/** `css` moved `amount` of the way towards `background` (RGBA in [0, 1]), as #rrggbb. */
export function fade(css: string, background: readonly number[], amount: number): string {
  const color = parseColor(css);
  if (!color) return css;
  const hex = [0, 1, 2].map((k) => {
    const mixed = color[k] * (1 - amount) + (background[k] ?? 1) * amount;
    return Math.round(Math.min(1, Math.max(0, mixed)) * 255)
      .toString(16)
      .padStart(2, "0");
  });
  return `#${hex.join("")}`;
}
