// What the rest of the widget uses of a map renderer: regl-scatterplot (scatter.ts) where the
// browser has WebGL, a 2-D canvas (canvas-map.ts) where it has not.
import type { PointColors } from "./colors";
import type { Box, Normalisation } from "./points";

/** Probe pans and zooms like pan; hovering empty space decodes it (probe.ts). */
export type MapMode = "pan" | "lasso" | "box" | "probe";

export interface MapCallbacks {
  onSelect: (indices: number[]) => void;
  /** A lasso or box just selected: its polygon, x0 y0 x1 y1 ... in normalised space. */
  onLasso?: (polygon: number[]) => void;
  onView: () => void;
}

export interface MapTheme {
  /** RGBA in [0, 1]: the map's background, used for the ring around selected points. */
  background: [number, number, number, number];
  /** Uncoloured points and the lasso. */
  accent: string;
  /** Hovered point colour when the points are uncoloured. */
  hover: string;
  dark: boolean;
}

export interface MapData {
  x: Float32Array;
  y: Float32Array;
  norm: Normalisation;
  colors: PointColors | null;
}

/** What `data-renderer` says. */
export type RendererName = "webgl" | "canvas";

export interface MapSurface {
  readonly renderer: RendererName;
  /** The canvas the points are drawn on (`.lw-map-canvas`); events on it are events on the map. */
  readonly canvas: HTMLCanvasElement;
  readonly size: { width: number; height: number };
  /** The camera as regl-scatterplot's view matrix (column-major 4x4): points.ts maps through it. */
  readonly view: ArrayLike<number>;
  /** How many points are drawn one by one (the rest only shaded); null: all of them. */
  readonly drawnCount: number | null;
  /** The point under (sx, sy), CSS px in the canvas, from all points: -1 for none. */
  pick(sx: number, sy: number): number;
  /**
   * The canvas is now `width` x `height` CSS px. A view still as the last fit left it is framed
   * again for the new size; any other keeps its centre and scale (see keepView).
   */
  resize(width: number, height: number): void;
  /** The person sizes the map: from now until the next fit, resizes keep the centre and scale. */
  keepView(): void;
  setTheme(theme: MapTheme): void;
  setStyle(size: number, opacity: number): void;
  setMode(mode: MapMode): void;
  /**
   * Draw new points; `keepIndex`: only the colours changed; `glide`: the same points moved;
   * `reframe`: frame them too, the camera moving while they glide. Resolves
   * whether the points were framed (false: `reframe` was not asked, or the map could not).
   */
  draw(data: MapData, selection: readonly number[], accent: string, keepIndex?: boolean, glide?: boolean, reframe?: boolean): Promise<boolean>;
  clear(): void;
  /** An image drawn under the points over the normalised square [-1, 1]^2; null: none. */
  setDensity(image: HTMLCanvasElement | null): void;
  /** Show `indices` as selected without reporting them back. */
  select(indices: readonly number[]): void;
  /** Show `index` (-1: none) as hovered without reporting it back. */
  hover(index: number): void;
  /** Frame all points; resolves whether the camera got there. */
  fit(transition?: boolean): Promise<boolean>;
  /** Frame `box` (normalised space); resolves like fit(). */
  zoomTo(box: Box, transition?: boolean): Promise<boolean>;
  destroy(): void;
}
