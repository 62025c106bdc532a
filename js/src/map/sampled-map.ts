// A map of more points than `max_drawn`: the sample the kernel sends, the points of the view it
// sends on demand, the density image of all points under them, and the note that says so.

import { formatCount, h } from "../ui/dom";
import { decodeOptional } from "../wire/codecs";
import { int, type Model } from "../wire/traits";
import { DrawnSet, sampleIndices } from "./drawn-set";
import type { MapTheme } from "./map-surface";
import { boundsNormalisation, type Normalisation, type NormalisedPoints, normalise, type Region } from "./points";
import type { ViewPoints } from "./view-points";

/** Opacity of the density ink: the faintest occupied cell, and the densest. */
const INK_MIN = 0.14;
const INK_MAX = 0.72;

/** The square of raw coordinates a density image covers, as `normalisePoints` frames `_extent`. */
export function extentNormalisation(extent: readonly number[]): Normalisation | null {
  if (extent.length !== 4 || !extent.every(Number.isFinite)) return null;
  const [x0, x1, y0, y1] = extent;
  return boundsNormalisation([x0, y0, x1, y1]);
}

/**
 * RGBA pixels of a density grid (row 0 on top): the background where no point falls, else an ink
 * over it whose opacity grows with the cell's (log) count.
 */
export function shadeGrid(grid: ArrayLike<number>, size: number, theme: MapTheme): Uint8ClampedArray {
  const [br, bg, bb] = theme.background.map((c) => c * 255);
  const ink = theme.dark ? [226, 232, 240] : [51, 65, 85];
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const v = grid[i];
    const a = v > 0 ? INK_MIN + ((INK_MAX - INK_MIN) * (v - 1)) / 254 : 0;
    rgba[4 * i] = br + (ink[0] - br) * a;
    rgba[4 * i + 1] = bg + (ink[1] - bg) * a;
    rgba[4 * i + 2] = bb + (ink[2] - bb) * a;
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

/** What is drawn of a map, by drawn position; `_points` holds the sample's rows. */
export class Sampling {
  readonly note: HTMLElement;
  private set = new DrawnSet(0);
  private key = "";
  private view: ViewPoints | null = null;
  private densityOf: unknown = null;
  private densityTheme = "";
  private densityImage: HTMLCanvasElement | null = null;

  constructor(private readonly model: Model) {
    this.note = h("div", { class: "lw-sample-note", hidden: true });
  }

  /** The drawn points: the sample (or all points) and, unless `baseOnly`, the view's points. */
  drawn(baseOnly = false): DrawnSet {
    return baseOnly || !this.view ? this.set : this.set.withExtra(this.view.indices);
  }

  get sampled(): boolean {
    return this.set.sampled;
  }

  get total(): number {
    return this.set.total;
  }

  get viewPoints(): ViewPoints | null {
    return this.view;
  }

  /**
   * Take `_n_points` and `_draw_threshold` for the `n` rows of `_points`. Throws when the sample
   * they define does not have `n` points (the kernel and this page disagree on the hash).
   */
  update(n: number): void {
    const total = Math.max(int(this.model.get("_n_points"), n), n);
    const threshold = int(this.model.get("_draw_threshold"), 0);
    const key = `${total}:${threshold}:${n}`;
    if (key === this.key) return;
    this.key = key;
    this.view = null;
    if (threshold <= 0 || total <= n) {
      this.set = new DrawnSet(n);
      return;
    }
    const base = sampleIndices(total, threshold);
    if (base.length !== n) {
      this.set = new DrawnSet(n);
      throw new RangeError(`_points has ${n} rows, but the sample of ${total} points below ${threshold} has ${base.length}`);
    }
    this.set = new DrawnSet(total, base);
  }

  /** New points of the view (null: none). */
  setView(points: ViewPoints | null): void {
    this.view = this.set.sampled ? points : null;
  }

  /** How the raw coordinates map to the view: all points' extent when sampled, else null (the points'). */
  normalisation(): Normalisation | null {
    return this.set.sampled ? extentNormalisation((this.model.get("_extent") ?? []) as number[]) : null;
  }

  /** The sample's raw coordinates (`_points`) followed by the view's points', x0 y0 x1 y1 ... */
  withViewXY(sample: Float32Array): Float32Array {
    if (!this.view) return sample;
    const out = new Float32Array(sample.length + this.view.xy.length);
    out.set(sample);
    out.set(this.view.xy, sample.length);
    return out;
  }

  /** Points the view may take beyond the sample's points in it, within `max_drawn`. */
  room(points: NormalisedPoints | null, region: Region | null): number {
    if (!points || !region || !this.set.base) return 0;
    const [ax, ay] = normalise(points.norm, region.x0, region.y0);
    const [bx, by] = normalise(points.norm, region.x1, region.y1);
    const { x, y } = points;
    let inView = 0;
    for (let i = 0; i < this.set.base.length; i++) if (x[i] >= ax && x[i] <= bx && y[i] >= ay && y[i] <= by) inView++;
    return int(this.model.get("max_drawn"), 250_000) - inView;
  }

  /**
   * The density image of all points in the theme: null when not sampled, or when every point of
   * the view is drawn (it would only blur under them).
   */
  density(theme: MapTheme): HTMLCanvasElement | null {
    if (this.view?.complete) return null;
    const value = this.set.sampled ? this.model.get("_density") : null;
    const themeKey = `${theme.background.join()}:${theme.dark}`;
    if (value === this.densityOf && themeKey === this.densityTheme) return this.densityImage;
    this.densityOf = value;
    this.densityTheme = themeKey;
    this.densityImage = null;
    const grid = decodeOptional("_density", value, { dtypes: ["uint8"], shape: [-1, -1] });
    if (!grid || grid.shape[0] !== grid.shape[1] || grid.shape[0] === 0) return null;
    const size = grid.shape[0];
    const canvas = h("canvas", { width: size, height: size });
    const ctx = canvas.getContext("2d");
    if (!ctx) return null;
    const image = ctx.createImageData(size, size);
    image.data.set(shadeGrid(grid.data, size, theme));
    ctx.putImageData(image, 0, 0);
    this.densityImage = canvas;
    return canvas;
  }

  /** Say how many points are drawn, and set the root's data attributes. */
  report(root: HTMLElement, drawn: number): void {
    const view = this.view;
    Object.assign(root.dataset, { total: String(this.set.total), sampled: this.set.sampled ? "1" : "0", viewPoints: String(view?.indices.length ?? 0) });
    this.note.hidden = !this.set.sampled;
    if (!this.set.sampled) return;
    this.note.textContent =
      view?.complete
        ? `All points in view drawn (${formatCount(drawn)} of ${formatCount(this.set.total)} on the map)`
        : `Drawing ${formatCount(drawn)} of ${formatCount(this.set.total)} points · shading shows all · zoom in for the rest`;
  }
}
