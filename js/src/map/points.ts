// Point geometry: raw projected coordinates -> regl-scatterplot's [-1, 1] space, sizes, screen mapping.

/** Maps raw (x, y) into [-1, 1]^2, same scale on both axes so shapes keep their aspect ratio. */
export interface Normalisation {
  cx: number;
  cy: number;
  /** Raw units per normalised unit. */
  scale: number;
  /** Half extents of the normalised data (boundsNormalisation makes the larger one 1). */
  halfWidth: number;
  halfHeight: number;
}

export interface NormalisedPoints {
  x: Float32Array;
  y: Float32Array;
  norm: Normalisation;
}

/**
 * Split interleaved [N, 2] coordinates into x and y arrays in [-1, 1], keeping the aspect ratio.
 * Non-finite coordinates are put at the centre so that they cannot break the GPU state.
 */
export function normalisePoints(xy: ArrayLike<number>): NormalisedPoints {
  return normaliseWith(xy, boundsNormalisation(xy));
}

/** The normalisation that maps the finite points of `xy` into [-1, 1]^2 (see normalisePoints). */
export function boundsNormalisation(xy: ArrayLike<number>): Normalisation {
  if (xy.length % 2 !== 0) throw new RangeError(`points need an even number of values; got ${xy.length}`);
  const n = xy.length / 2;
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (!(Number.isFinite(x) && Number.isFinite(y))) continue;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (xMin > xMax) {
    xMin = xMax = yMin = yMax = 0;
  }
  const half = Math.max(xMax - xMin, yMax - yMin) / 2;
  // One point, or all on one spot: any positive scale shows them at the centre.
  const scale = half > 0 ? half : 1;
  return {
    cx: (xMin + xMax) / 2,
    cy: (yMin + yMax) / 2,
    scale,
    halfWidth: (xMax - xMin) / 2 / scale,
    halfHeight: (yMax - yMin) / 2 / scale,
  };
}

/** Interleaved [N, 2] coordinates normalised with `norm` (another map's): e.g. a snapshot drawn in the live map's frame. */
export function normaliseWith(xy: ArrayLike<number>, norm: Normalisation): NormalisedPoints {
  const n = Math.floor(xy.length / 2);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const rx = xy[2 * i];
    const ry = xy[2 * i + 1];
    if (Number.isFinite(rx) && Number.isFinite(ry)) {
      x[i] = (rx - norm.cx) / norm.scale;
      y[i] = (ry - norm.cy) / norm.scale;
    }
  }
  return { x, y, norm };
}

/** Apply a normalisation to one raw point. */
export function normalise(norm: Normalisation, x: number, y: number): [number, number] {
  return [(x - norm.cx) / norm.scale, (y - norm.cy) / norm.scale];
}

/** Point size in CSS pixels for N points (regl-scatterplot multiplies by devicePixelRatio itself). */
export function autoPointSize(n: number): number {
  return clamp(7.5 - Math.log10(Math.max(n, 1)), 1.5, 7);
}

/** Point opacity for N points: dense clouds need translucency to show their density. */
export function autoOpacity(n: number): number {
  return clamp(0.9 - 0.18 * (Math.log10(Math.max(n, 1)) - 3), 0.3, 0.9);
}

export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

export interface Camera {
  target: [number, number];
  distance: number;
}

/** A rectangle in normalised map space: its centre and half extents. */
export interface Box {
  x: number;
  y: number;
  halfWidth: number;
  halfHeight: number;
}

/** Smallest half extent a zoom frames: a single point is shown within 1% of the data's span. */
export const MIN_ZOOM_HALF_EXTENT = 0.01;

/** The box around all normalised points. */
export function dataBox(norm: Normalisation): Box {
  return { x: 0, y: 0, halfWidth: norm.halfWidth, halfHeight: norm.halfHeight };
}

/** The box around the points `indices` (out-of-range ones ignored); null when none is in range. */
export function boxOf(x: Float32Array, y: Float32Array, indices: Iterable<number>): Box | null {
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const i of indices) {
    if (!(i >= 0 && i < x.length)) continue;
    xMin = Math.min(xMin, x[i]);
    xMax = Math.max(xMax, x[i]);
    yMin = Math.min(yMin, y[i]);
    yMax = Math.max(yMax, y[i]);
  }
  if (xMin > xMax) return null;
  return {
    x: (xMin + xMax) / 2,
    y: (yMin + yMax) / 2,
    halfWidth: Math.max((xMax - xMin) / 2, MIN_ZOOM_HALF_EXTENT),
    halfHeight: Math.max((yMax - yMin) / 2, MIN_ZOOM_HALF_EXTENT),
  };
}

/** The room `fitCamera` leaves round what it frames: 8 % of it. */
export const FIT_MARGIN = 1.08;

/**
 * Camera that fits `box`, centred, into the whole width x height view with some margin (the legend
 * and colour bar float over the map and take no room from the points).
 * regl-scatterplot shows y in [-d, d] and x in [-d * aspect, d * aspect] around its target at
 * distance d.
 */
export function fitCamera(box: Box, width: number, height: number, margin = FIT_MARGIN): Camera {
  const aspect = width > 0 && height > 0 ? width / height : 1;
  const d = Math.max(box.halfHeight, box.halfWidth / aspect) * margin;
  return { target: [box.x, box.y], distance: d > 0 ? d : 1 };
}

/**
 * Screen position (CSS px from the top left) of a normalised point, given regl-scatterplot's
 * camera view matrix (column-major 4x4) and the canvas size. Same maths as its getScreenPosition.
 */
export function toScreen(
  view: ArrayLike<number>,
  width: number,
  height: number,
  x: number,
  y: number,
): [number, number] {
  const aspect = width / height;
  const clipX = (view[0] * x + view[4] * y + view[12]) / aspect;
  const clipY = view[1] * x + view[5] * y + view[13];
  return [(width * (clipX + 1)) / 2, height * (0.5 - clipY / 2)];
}

/** Undo a normalisation: raw map coordinates (the units of `_points`) of a normalised point. */
export function denormalise(norm: Normalisation, x: number, y: number): [number, number] {
  return [x * norm.scale + norm.cx, y * norm.scale + norm.cy];
}

/**
 * The normalised point drawn at screen position (sx, sy) (CSS px from the canvas's top left):
 * `toScreen` inverted for the same camera view matrix and canvas size. Null for a degenerate view.
 */
export function fromScreen(
  view: ArrayLike<number>,
  width: number,
  height: number,
  sx: number,
  sy: number,
): [number, number] | null {
  const aspect = width / height;
  const clipX = (2 * sx) / width - 1;
  const clipY = 2 * (0.5 - sy / height);
  // Solve [v0 v4; v1 v5] [x y]' = [clipX * aspect - v12, clipY - v13]'.
  const a = view[0];
  const b = view[4];
  const c = view[1];
  const d = view[5];
  const det = a * d - b * c;
  if (!Number.isFinite(det) || det === 0) return null;
  const rx = clipX * aspect - view[12];
  const ry = clipY - view[13];
  return [(d * rx - b * ry) / det, (a * ry - c * rx) / det];
}

/** A region of the map in raw coordinates (x0 < x1, y0 < y1). */
export interface Region {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The raw map region a width x height canvas shows through the camera `view`. */
export function visibleRegion(norm: Normalisation, view: ArrayLike<number>, width: number, height: number): Region | null {
  const topLeft = fromScreen(view, width, height, 0, 0);
  const bottomRight = fromScreen(view, width, height, width, height);
  if (!topLeft || !bottomRight) return null;
  const [x0, y1] = denormalise(norm, ...topLeft);
  const [x1, y0] = denormalise(norm, ...bottomRight);
  return { x0: Math.min(x0, x1), x1: Math.max(x0, x1), y0: Math.min(y0, y1), y1: Math.max(y0, y1) };
}
