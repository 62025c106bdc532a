// Hover from our own spatial index. The point under the pointer is found in the pointermove
// handler itself, so data-hover-index and the preview request leave before any redraw:
// regl-scatterplot's pointOver comes out of its own frame loop, 0.1-0.7 s late in software WebGL.
// The map itself is not redrawn for a hover: the overlay rings the point (map-view markHover), and
// a redraw of every point (0.1-0.8 s in software WebGL) would hold up the preview's response.
import KDBush from "kdbush";
import { Signal } from "../core/signal";
import { listen } from "../ui/dom";
import { PointerTrail, pointsAhead } from "./ahead";
import type { MapSurface } from "./map-surface";
import { fromScreen } from "./points";

/** Smallest pick radius (CSS px): tiny points of a dense map still take a few pixels to hit. */
export const MIN_PICK_RADIUS = 3;

/** A KDBush of normalised points with the arrays it was built from (its ids index them). */
export interface Pickable {
  index: KDBush;
  x: Float32Array;
  y: Float32Array;
}

/** The KDBush regl-scatterplot would build, built straight from the typed arrays. */
export function buildSpatialIndex(x: Float32Array, y: Float32Array): ArrayBuffer {
  const index = new KDBush(x.length, 64, Float32Array);
  for (let i = 0; i < x.length; i++) index.add(x[i], y[i]);
  index.finish();
  return index.data as ArrayBuffer;
}

export function pickable(buffer: ArrayBuffer, x: Float32Array, y: Float32Array): Pickable {
  return { index: KDBush.from(buffer), x, y };
}

/**
 * Diameter in CSS px of a point of `size` under a camera of scale `viewScale` (1 / distance),
 * regl-scatterplot's default "asinh" law: points grow slowly as one zooms in, shrink zooming out.
 */
export function pointSizeOnScreen(size: number, viewScale: number): number {
  if (viewScale > 1) return (size * Math.asinh(viewScale)) / Math.asinh(1);
  return size * Math.max(1 / Math.max(size, 1e-6), viewScale);
}

/** Screen pixels per normalised unit under `view` (a camera without rotation or shear). */
export function pixelsPerUnit(view: ArrayLike<number>, height: number): number {
  return (height / 2) * Math.hypot(view[1], view[5]);
}

/**
 * The point nearest to screen position (sx, sy) within `radiusPx` screen pixels, or -1: the
 * index is queried in data space around the cursor, the radius converted through the camera.
 */
export function nearestPoint(
  p: Pickable,
  view: ArrayLike<number>,
  width: number,
  height: number,
  sx: number,
  sy: number,
  radiusPx: number,
): number {
  const at = fromScreen(view, width, height, sx, sy);
  const scale = pixelsPerUnit(view, height);
  if (!at || !(scale > 0)) return -1;
  const r = radiusPx / scale;
  let best = -1;
  let bestD2 = r * r;
  for (const i of p.index.within(at[0], at[1], r)) {
    const dx = p.x[i] - at[0];
    const dy = p.y[i] - at[1];
    const d2 = dx * dx + dy * dy;
    // Ties go to the lower index, whatever order the tree returns them in.
    if (d2 < bestD2 || (d2 === bestD2 && i < best)) {
      best = i;
      bestD2 = d2;
    }
  }
  return best;
}

/** Pick radius (CSS px) for points drawn `drawn` px wide: the point's size, as regl-scatterplot did. */
export function pickRadius(drawn: number): number {
  return Math.max(drawn, MIN_PICK_RADIUS);
}

/** Points the picker names ahead of the pointer at most (the previews fetch the first few). */
export const AHEAD_LIMIT = 16;

/** Reports the point under the pointer at once, and the points it is heading for. */
export class HoverPicker {
  /** The points the pointer reaches next, nearest first (see ahead.ts), at each move over the map. */
  readonly ahead = new Signal<number[]>();
  private readonly stops: (() => void)[];
  private readonly trail = new PointerTrail();

  constructor(
    mapBox: HTMLElement,
    private readonly surface: () => MapSurface | null,
    private readonly onHover: (index: number) => void,
    /** The points of drawn points (the surface picks among those drawn). */
    private readonly toIndices: (drawn: number[]) => number[] = (drawn) => drawn,
  ) {
    this.stops = [
      listen(mapBox, "pointermove", (event) => this.move(event)),
      listen(mapBox, "pointerleave", () => this.leave()),
    ];
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private move(event: PointerEvent): void {
    // A drag pans or draws a lasso: no hovering meanwhile.
    if (event.buttons !== 0) return;
    const surface = this.surface();
    if (!surface) return;
    // Over the legend, a card or a control the map is not under the pointer.
    if (event.target !== surface.canvas) {
      this.leave();
      return;
    }
    const rect = surface.canvas.getBoundingClientRect();
    const [sx, sy] = [event.clientX - rect.left, event.clientY - rect.top];
    this.onHover(surface.pick(sx, sy));
    const [vx, vy] = this.trail.move(sx, sy, event.timeStamp);
    this.ahead.emit(this.toIndices(pointsAhead((x, y) => surface.pick(x, y), sx, sy, vx, vy, AHEAD_LIMIT)));
  }

  private leave(): void {
    this.trail.reset();
    this.onHover(-1);
  }
}
