// Between the screen and the map: a point's place on screen, the raw map coordinates under the
// pointer, and the region in view, through the renderer's camera and the points' normalisation.
import type { MapSurface } from "./map-surface";
import { denormalise, fromScreen, type Normalisation, normalise, type Region, toScreen, visibleRegion } from "./points";

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export interface CoordSource {
  map: MapSurface | null;
  norm: () => Normalisation | null;
  /** Normalised position of point `index`, null where it is not drawn. */
  pointAt: (index: number) => [number, number] | null;
}

export class MapCoords {
  constructor(private readonly source: CoordSource) {}

  /** The camera's view matrix and the canvas size (an identity view before there is a map). */
  get view(): { view: ArrayLike<number>; width: number; height: number } {
    const map = this.source.map;
    return { view: map?.view ?? IDENTITY, ...(map?.size ?? { width: 1, height: 1 }) };
  }

  /** Screen position (CSS px in the map) of point `index`, if drawn. */
  screenOf(index: number): [number, number] | null {
    const p = this.source.pointAt(index);
    const { view, width, height } = this.view;
    return p && this.source.map ? toScreen(view, width, height, ...p) : null;
  }

  /** Screen position (CSS px in the map) of raw map coordinates (the units of `_points`). */
  rawToScreen(x: number, y: number): [number, number] | null {
    const norm = this.source.norm();
    const { view, width, height } = this.view;
    return norm && this.source.map ? toScreen(view, width, height, ...normalise(norm, x, y)) : null;
  }

  /** Raw map coordinates (the units of `_points`) under screen position (sx, sy) in the map. */
  toMap(sx: number, sy: number): [number, number] | null {
    const norm = this.source.norm();
    const { view, width, height } = this.view;
    const p = norm && this.source.map ? fromScreen(view, width, height, sx, sy) : null;
    return p && norm ? denormalise(norm, ...p) : null;
  }

  /** The raw map region in view. */
  visibleRegion(): Region | null {
    const norm = this.source.norm();
    const { view, width, height } = this.view;
    return norm && this.source.map ? visibleRegion(norm, view, width, height) : null;
  }

  /** Screen rectangle [left, top, right, bottom] of a raw region. */
  regionToScreen(r: Region): [number, number, number, number] | null {
    const norm = this.source.norm();
    if (!norm || !this.source.map) return null;
    const { view, width, height } = this.view;
    const [left, top] = toScreen(view, width, height, ...normalise(norm, r.x0, r.y1));
    const [right, bottom] = toScreen(view, width, height, ...normalise(norm, r.x1, r.y0));
    return [left, top, right, bottom];
  }

  /** A polygon x0 y0 x1 y1 ... from normalised to raw map coordinates. */
  toRaw(polygon: readonly number[]): number[] {
    const norm = this.source.norm();
    const raw: number[] = [];
    if (norm) for (let i = 0; i + 1 < polygon.length; i += 2) raw.push(...denormalise(norm, polygon[i], polygon[i + 1]));
    return raw;
  }
}
