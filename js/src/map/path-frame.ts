// Traversal and interpolation paths in view: when one is shown, the map zooms out (never in) so
// that the whole path is on it.
import { pathArray } from "../wire/trait-arrays";
import type { Model } from "../wire/traits";
import { type Box, fromScreen, type Normalisation, normalise, toScreen } from "./points";

/** Screen px a path keeps from the map's edges. */
const EDGE = 24;

/**
 * The box (normalised space) to frame so that the path (normalised x0 y0 x1 y1 ...) shows whole
 * together with what is in view now, or null when it is in view already (`EDGE` px from the edges).
 */
export function pathFrame(path: ArrayLike<number>, view: ArrayLike<number>, width: number, height: number): Box | null {
  if (path.length < 2 || width <= 2 * EDGE || height <= 2 * EDGE) return null;
  let outside = false;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 1 < path.length; i += 2) {
    const x = path[i];
    const y = path[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const [sx, sy] = toScreen(view, width, height, x, y);
    if (sx < EDGE || sx > width - EDGE || sy < EDGE || sy > height - EDGE) outside = true;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (!outside) return null;
  // What is in view now stays in view: the path's box joined with the view's.
  for (const [sx, sy] of [
    [0, 0],
    [width, height],
  ]) {
    const p = fromScreen(view, width, height, sx, sy);
    if (!p) return null;
    x0 = Math.min(x0, p[0]);
    x1 = Math.max(x1, p[0]);
    y0 = Math.min(y0, p[1]);
    y1 = Math.max(y1, p[1]);
  }
  // fitCamera adds 8 %; the edge margin needs a little more.
  const pad = 1 + (2 * EDGE) / Math.min(width, height);
  return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, halfWidth: ((x1 - x0) / 2) * pad, halfHeight: ((y1 - y0) / 2) * pad };
}

/**
 * Normalised points (x0 y0 x1 y1 ...) of the interpolation and traversal paths that changed since
 * `framed` (each path's last key, updated here): the paths a map frames anew.
 */
export function newPathPoints(model: Model, norm: Normalisation, framed: Record<string, string>): number[] {
  const fresh: number[] = [];
  for (const name of ["_path", "_traverse_path"] as const) {
    const raw = pathArray(model, name);
    const key = raw ? raw.join() : "";
    if (key === framed[name]) continue;
    framed[name] = key;
    if (!raw) continue;
    for (let i = 0; i + 1 < raw.length; i += 2) fresh.push(...normalise(norm, raw[i], raw[i + 1]));
  }
  return fresh;
}
