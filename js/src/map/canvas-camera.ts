// The 2-D canvas map's camera: regl-scatterplot's (a target and a distance, y spanning
// [-d, d] around the target), so that points.ts, the overlay and the tests map it the same way.
import { type Camera, clamp } from "./points";

const MIN_DISTANCE = 1e-4;
const MAX_DISTANCE = 1e3;

/** regl-scatterplot's view matrix (column-major 4x4) of `camera`. */
export function viewMatrix({ target, distance }: Camera): number[] {
  const s = 1 / distance;
  return [s, 0, 0, 0, 0, s, 0, 0, 0, 0, 1, 0, -target[0] * s, -target[1] * s, 0, 1];
}

/** Screen position = (a * x + bx, -a * y + by) for a canvas `height` px tall, `width` wide. */
export interface Projection {
  a: number;
  bx: number;
  by: number;
}

/** The affine map of normalised points to screen pixels (scale by `dpr` for device pixels). */
export function projection({ target, distance }: Camera, width: number, height: number, dpr = 1): Projection {
  const a = (height * dpr) / 2 / distance;
  return { a, bx: (width * dpr) / 2 - a * target[0], by: (height * dpr) / 2 + a * target[1] };
}

/** The camera moved by a drag of (dx, dy) CSS px: the data under the pointer follows it. */
export function panBy(camera: Camera, dx: number, dy: number, height: number): Camera {
  const unit = (2 * camera.distance) / height;
  return { target: [camera.target[0] - dx * unit, camera.target[1] + dy * unit], distance: camera.distance };
}

/** The camera zoomed by `factor` (> 1 zooms in) about screen point (sx, sy), which stays put. */
export function zoomAt(camera: Camera, factor: number, sx: number, sy: number, width: number, height: number): Camera {
  const distance = clamp(camera.distance / factor, MIN_DISTANCE, MAX_DISTANCE);
  const before = (2 * camera.distance) / height;
  const after = (2 * distance) / height;
  const ox = sx - width / 2;
  const oy = height / 2 - sy;
  // The data point under the pointer, x = target + o * unit, is the same before and after.
  return {
    target: [camera.target[0] + ox * (before - after), camera.target[1] + oy * (before - after)],
    distance,
  };
}

/** Zoom factor of a wheel event: a notch (100 px, or 3 lines) zooms by about 1.2. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-clamp(pixels, -400, 400) * 0.0018);
}

export function sameCamera(a: Camera, b: Camera): boolean {
  const near = (u: number, v: number) => Math.abs(u - v) <= 1e-6 * b.distance;
  return near(a.distance, b.distance) && near(a.target[0], b.target[0]) && near(a.target[1], b.target[1]);
}
