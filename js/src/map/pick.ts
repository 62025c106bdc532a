// Hover from our own spatial index. The point under the pointer is found in the pointermove
// handler itself, so data-hover-index and the preview request leave before any redraw:
// regl-scatterplot's pointOver comes out of its own frame loop, 0.1-0.7 s late in software WebGL.
// The highlight follows on the next animation frame.
import KDBush from "kdbush";
import { listen } from "../ui/dom";
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

/** Reports the point under the pointer at once; highlights it on the map a frame later. */
export class HoverPicker {
  private readonly stops: (() => void)[];
  private pending = -1;
  private raf = 0;

  constructor(
    mapBox: HTMLElement,
    private readonly surface: () => MapSurface | null,
    private readonly onHover: (index: number) => void,
  ) {
    this.stops = [
      listen(mapBox, "pointermove", (event) => this.move(event)),
      listen(mapBox, "pointerleave", () => this.report(-1)),
    ];
  }

  /** Show `index` hovered on the map at the next frame (many moves a frame cost one redraw). */
  highlight(index: number): void {
    this.pending = index;
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.surface()?.hover(this.pending);
    });
  }

  destroy(): void {
    cancelAnimationFrame(this.raf);
    for (const stop of this.stops) stop();
  }

  private move(event: PointerEvent): void {
    // A drag pans or draws a lasso: no hovering meanwhile.
    if (event.buttons !== 0) return;
    const surface = this.surface();
    if (!surface) return;
    // Over the legend, a card or a control the map is not under the pointer.
    if (event.target !== surface.canvas) {
      this.report(-1);
      return;
    }
    const rect = surface.canvas.getBoundingClientRect();
    this.report(surface.pick(event.clientX - rect.left, event.clientY - rect.top));
  }

  private report(index: number): void {
    this.onHover(index);
    if (index !== this.pending) this.highlight(index);
  }
}
