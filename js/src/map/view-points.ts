// The points of the current view that the sample leaves out: after a pan or zoom comes to rest the
// kernel's `points_in_view` command sends them (index, uint16 position in the view box, colour:
// 9 bytes a point), so that zooming in reveals every point. Debounced and latest-wins.
import { decodeArray, type TypedArrayOf } from "../wire/codecs";
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { LatestOnly } from "../wire/latest-only";
import { int, type Model } from "../wire/traits";
import type { Dtype } from "../wire/types";
import type { Region } from "./points";

const DEBOUNCE_MS = 200;
/** A request for fewer points than this share of the draw budget is not worth a redraw. */
const MIN_SHARE = 0.02;

/** Points of a view, beside the sample. */
export interface ViewPoints {
  /** Point indices, ascending. */
  indices: Uint32Array;
  /** Raw map coordinates, x0 y0 x1 y1 ... */
  xy: Float32Array;
  /** Colour values as `_colors` carries them, or null. */
  colors: ArrayLike<number> | null;
  /** Points of the view outside the sample, sent or not. */
  count: number;
  /** Whether every point of the view is drawn now. */
  complete: boolean;
}

const COLOR_DTYPES = ["uint8", "uint16", "uint32", "int32", "float32"] as const;

/** One response buffer as a typed array of `length` elements (decodeArray copies a misaligned one). */
function typed<D extends Dtype>(dtype: D, view: DataView | undefined, length: number, name: string): TypedArrayOf<D> {
  return decodeArray(`points_in_view ${name}`, { view: view ?? new DataView(new ArrayBuffer(0)), dtype, shape: [length] }, { dtypes: [dtype] }).data;
}

/** Decode a `points_in_view` response; `colorDtype` is `_colors`' dtype (null: no colours). */
export function parseViewPoints(response: unknown, buffers: readonly DataView[], colorDtype: string | null): ViewPoints {
  if (typeof response !== "object" || response === null) throw new TypeError("points_in_view response must be an object");
  const r = response as Record<string, unknown>;
  if (typeof r.error === "string" && r.error) throw new Error(r.error);
  const sent = Number(r.sent);
  const box = r.box as number[];
  if (!Number.isInteger(sent) || sent < 0 || !Array.isArray(box) || box.length !== 4) throw new RangeError("points_in_view: bad response");
  const indices = typed("uint32", buffers[0], sent, "indices");
  const packed = typed("uint16", buffers[1], 2 * sent, "positions");
  const [x0, x1, y0, y1] = box.map(Number);
  const xy = new Float32Array(2 * sent);
  const sx = (x1 - x0) / 65535;
  const sy = (y1 - y0) / 65535;
  for (let i = 0; i < sent; i++) {
    xy[2 * i] = x0 + packed[2 * i] * sx;
    xy[2 * i + 1] = y0 + packed[2 * i + 1] * sy;
  }
  const dtype = COLOR_DTYPES.find((d) => d === colorDtype);
  const colors = dtype && sent > 0 ? typed(dtype, buffers[2], sent, "colours") : null;
  return { indices, xy, colors, count: Number(r.count), complete: r.complete === true };
}

export interface ViewPointsHooks {
  /** Whether the map draws a sample (else there is nothing to ask for). */
  sampled: () => boolean;
  region: () => Region | null;
  /** How many more points the view may take (the draw budget less the sample points in view). */
  room: () => number;
  show: (points: ViewPoints | null) => void;
  fail: (message: string) => void;
}

/** Asks for the points of the view each time the camera rests. */
export class ViewPointsLoader {
  private readonly requests: LatestOnly<number>;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private serial = 0;
  /** The view and limit of the points on show: a camera back where it was asks nothing. */
  private answered = "";

  constructor(
    private readonly invoke: Invoke,
    private readonly model: Model,
    private readonly hooks: ViewPointsHooks,
  ) {
    this.requests = new LatestOnly((key) => this.fetch(key), (error, key) => {
      if (this.requests.isLatest(key) && !this.controller.signal.aborted) this.hooks.fail(error instanceof Error ? error.message : String(error));
    });
  }

  /** The camera moved: ask again once it rests. */
  viewChanged(): void {
    if (!this.hooks.sampled()) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.request(false), DEBOUNCE_MS);
  }

  /** Ask now; `fresh`: new points or colours are drawn, so even the same view is asked again. */
  request(fresh = true): void {
    clearTimeout(this.timer);
    if (fresh) this.answered = "";
    if (!this.hooks.sampled()) return;
    this.requests.want(++this.serial);
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.controller.abort(new Error("view points loader destroyed"));
  }

  private async fetch(key: number): Promise<void> {
    const region = this.hooks.region();
    const limit = Math.floor(this.hooks.room());
    if (!region || !this.hooks.sampled()) return;
    const asked = JSON.stringify([region, limit]);
    if (asked === this.answered) return;
    if (limit < MIN_SHARE * int(this.model.get("max_drawn"), 250_000)) {
      // The sample alone fills the view's budget: the view is drawn as the whole map is.
      if (this.requests.isLatest(key)) this.hooks.show(null);
      return;
    }
    const colors = this.model.get("_color_kind") === "none" ? null : this.model.get("_colors");
    const colorDtype = colors?.dtype ?? null;
    const [response, buffers] = await this.invoke<unknown>(COMMANDS.pointsInView, { ...region, limit }, { signal: this.controller.signal });
    if (!this.requests.isLatest(key) || this.controller.signal.aborted) return;
    this.hooks.show(parseViewPoints(response, buffers, colorDtype));
    this.answered = asked;
  }
}
