// New coordinates on the map (another projection, a live layout's next step), normalised so that
// the camera that framed the points before frames them too: the points glide straight to their
// framed places, and no camera move has to follow (issue 19: a projection switch lands in one
// animation, not a glide then a camera move).

import { boundsNormalisation, dataBox, fitCamera, type Normalisation } from "./points";

/**
 * The normalisation of raw coordinates `xy` (x0 y0 x1 y1 ...): centred on their bounds, like
 * `boundsNormalisation`, and scaled so that the camera framing `previous` in a `width` x `height`
 * canvas frames them as well (their bounds alone where there is no previous map).
 */
export function framedNormalisation(
  xy: ArrayLike<number>,
  previous: Normalisation | null,
  { width, height }: { width: number; height: number },
): Normalisation {
  const norm = boundsNormalisation(xy);
  if (!previous) return norm;
  // fitCamera's distance grows with the half extents: scale them by `k` and it grows by `k`.
  const k = fitCamera(dataBox(previous), width, height).distance / fitCamera(dataBox(norm), width, height).distance;
  if (!(k > 0 && Number.isFinite(k))) return norm;
  return { cx: norm.cx, cy: norm.cy, scale: norm.scale / k, halfWidth: norm.halfWidth * k, halfHeight: norm.halfHeight * k };
}
