// LatentExplorer.zoom_to(): a view action, not state, so it comes as a message rather than a trait.
import { decodeOptional } from "../wire/codecs";
import type { Region } from "./points";

export interface ZoomMessage {
  kind?: unknown;
  indices?: object | null;
  /** [x0, x1, y0, y1] on a sampled map, where the points may not be drawn. */
  region?: number[];
}

/** What a message asks to frame: a region, some points, all points (null indices), or nothing. */
export type ZoomRequest = { region: Region } | { indices: Uint32Array | null } | null;

export function parseZoomMessage(content: ZoomMessage, buffers?: DataView[]): ZoomRequest {
  if (content?.kind !== "lw-zoom") return null;
  const r = content.region;
  if (Array.isArray(r) && r.length === 4) return { region: { x0: r[0], x1: r[1], y0: r[2], y1: r[3] } };
  try {
    const indices = content.indices ? { ...content.indices, view: buffers?.[0] } : null;
    return { indices: decodeOptional("zoom_to indices", indices, { dtypes: ["uint32"], shape: [-1] })?.data ?? null };
  } catch (error) {
    console.warn("latentwidgets: ignoring a zoom", error);
    return null;
  }
}
