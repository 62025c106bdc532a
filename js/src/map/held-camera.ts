// The camera through a resize the person makes: the same centre at the same scale, so that the
// points stay where they were relative to the centre of the map.
import type { Camera } from "./points";

/**
 * `camera` for a canvas resized from `before` to `after` px tall showing the same centre at the same
 * pixels per unit. regl-scatterplot's camera spans y over [-d, d] whatever the height, so the
 * distance grows with the height. A height that is not positive leaves the camera as it is.
 */
export function heldCamera(camera: Camera, before: number, after: number): Camera {
  if (!(before > 0 && after > 0) || before === after) return camera;
  return { target: [camera.target[0], camera.target[1]], distance: (camera.distance * after) / before };
}
