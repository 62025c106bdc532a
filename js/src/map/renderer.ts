// Which map renderer a browser gets: regl-scatterplot with WebGL, else a 2-D canvas.
import { CanvasMap } from "./canvas-map";
import type { MapCallbacks, MapSurface } from "./map-surface";
import { hasWebGL, WebglMap } from "./webgl-map";

/** The map for `container`, or null where it cannot be drawn at all. */
export function createMap(container: HTMLElement, callbacks: MapCallbacks): MapSurface | null {
  if (hasWebGL()) {
    try {
      return new WebglMap(container, callbacks);
    } catch (error) {
      console.error("latentwidgets: could not start the WebGL map", error);
    }
  }
  try {
    return new CanvasMap(container, callbacks);
  } catch (error) {
    console.error("latentwidgets: could not start the canvas map", error);
    return null;
  }
}
