// How long the map's animations take, and the stages of a map change marked on the page's
// performance timeline. A switch to a computed projection glides the points straight to their
// framed places (switch-frame.ts): one transition of GLIDE_MS, whose first frame comes with the
// kernel's answer, so that it lands within 500 ms (issue 19). A camera that has to move as well
// (the person had zoomed) moves within the same transition (WebglMap.frameWhileGliding). Where
// the map's frames are slower than half the glide (100k points in software WebGL), the points and
// the camera land at once instead (WebglMap.draw).

/** Points gliding to new coordinates (regl-scatterplot's draw transition). */
export const GLIDE_MS = 250;
/** The camera moving to frame the points or a selection. */
export const CAMERA_MS = 200;

/**
 * A stage of drawing new points: "draw" (the map was handed them, decoded), "glide" (their
 * transition is handed to regl-scatterplot), "camera" (the camera starts to frame them).
 */
export type MapStage = "draw" | "glide" | "camera";

/**
 * Mark `stage` on the page's performance timeline as `lw:<stage>`, where DevTools and
 * benchmarks/bench_projection_switch.py (a PerformanceObserver) read it. Only the latest mark of
 * each stage is kept, so that a long session does not pile them up.
 */
export function markStage(stage: MapStage): void {
  const name = `lw:${stage}`;
  performance.clearMarks(name);
  performance.mark(name);
}
