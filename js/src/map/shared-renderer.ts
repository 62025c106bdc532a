// The one regl-scatterplot renderer that every WebGL map on the page shares (browsers allow only
// a handful of WebGL contexts per page), sized to the largest map rather than to the window.
//
// Every frame the renderer clears its canvas and a float framebuffer as large, draws the points,
// tone-maps the whole framebuffer onto the canvas and copies the map's part out. regl-scatterplot
// sizes them to the window (1400 x 1000 px: 1.4 M pixels, five times a 660 x 440 map), and in
// software WebGL a frame costs time in proportion to its pixels: gliding 10,000 points, frames
// came every 440-495 ms (median) on two heavily loaded cores, and every 135-190 ms sized to the
// map (benchmarks/bench_projection_switch.py).

import { createRenderer } from "regl-scatterplot";

export type Renderer = ReturnType<typeof createRenderer>;

let shared: Renderer | null = null;
/** Each map's size in CSS px, by the map. */
const sizes = new Map<object, [number, number]>();
/** The size the renderer has (CSS px and device pixel ratio), "" when not sized yet. */
let applied = "";

/** The page's renderer for `user` (a map); give it back with releaseRenderer(user). */
export function acquireRenderer(user: object, width: number, height: number): Renderer {
  if (!shared || shared.isDestroyed) {
    // Its own canvas: given none, regl-scatterplot sizes it to the window, and again on each
    // window resize.
    shared = createRenderer({ canvas: document.createElement("canvas") });
    sizes.clear();
    applied = "";
  }
  sizeRenderer(user, width, height);
  return shared;
}

/**
 * Map `user` is now `width` x `height` CSS px: the renderer takes the largest map's size (it draws
 * each map in its centre and copies that part out, so it may be larger than a map, never smaller).
 */
export function sizeRenderer(user: object, width: number, height: number): void {
  sizes.set(user, [Math.max(1, Math.ceil(width)), Math.max(1, Math.ceil(height))]);
  fitMaps();
}

/** Map `user` is gone: the renderer fits the maps left, and the last one destroys it. */
export function releaseRenderer(user: object, renderer: Renderer): void {
  if (renderer !== shared || !sizes.delete(user)) return;
  if (sizes.size > 0) {
    fitMaps();
    return;
  }
  shared.destroy();
  shared = null;
  applied = "";
}

function fitMaps(): void {
  if (!shared) return;
  let w = 1;
  let h = 1;
  for (const [mw, mh] of sizes.values()) {
    w = Math.max(w, mw);
    h = Math.max(h, mh);
  }
  const key = `${w}x${h}@${globalThis.devicePixelRatio ?? 1}`;
  if (key === applied) return;
  applied = key;
  shared.resize(w, h);
  shared.refresh();
}
