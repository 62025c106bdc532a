// Lasso and box selection of the 2-D canvas map, from the same spatial index as hover.
import type { Pickable } from "./pick";

/** Whether (x, y) lies inside the polygon x0 y0 x1 y1 ... (even-odd rule). */
export function pointInPolygon(polygon: ArrayLike<number>, x: number, y: number): boolean {
  let inside = false;
  const n = Math.floor(polygon.length / 2);
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i];
    const yi = polygon[2 * i + 1];
    const xj = polygon[2 * j];
    const yj = polygon[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The points inside a polygon (normalised coordinates, x0 y0 x1 y1 ...), in increasing order. */
export function selectInPolygon(p: Pickable, polygon: ArrayLike<number>): number[] {
  if (polygon.length < 6) return [];
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 1 < polygon.length; i += 2) {
    x0 = Math.min(x0, polygon[i]);
    x1 = Math.max(x1, polygon[i]);
    y0 = Math.min(y0, polygon[i + 1]);
    y1 = Math.max(y1, polygon[i + 1]);
  }
  const inside = p.index.range(x0, y0, x1, y1).filter((i) => pointInPolygon(polygon, p.x[i], p.y[i]));
  return inside.sort((a, b) => a - b);
}

/** The polygon of the box with corners (x0, y0) and (x1, y1). */
export function boxPolygon(x0: number, y0: number, x1: number, y1: number): number[] {
  return [x0, y0, x1, y0, x1, y1, x0, y1];
}
