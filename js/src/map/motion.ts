// How long the map's animations take. A switch to a computed projection glides the points to
// their new places, then frames them: both together land well within 500 ms (issue 19).

/** Points gliding to new coordinates (regl-scatterplot's draw transition). */
export const GLIDE_MS = 250;
/** The camera moving to frame the points or a selection. */
export const CAMERA_MS = 200;
