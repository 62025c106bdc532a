// The camera as the `view` trait: the page writes the region on show when the camera rests, and
// moves there when the kernel sets another (from Python, or a loaded session).
import type { Signal } from "../core/signal";
import type { Part } from "../wire/contract";
import { type Model, save } from "../wire/traits";
import { FIT_MARGIN, type Region } from "./points";
import type { ZoomMessage } from "./zoom-message";

/** How long the camera rests before its region is written. */
export const CAMERA_REST_MS = 300;

export interface CameraAccess {
  readonly moved: Signal<void>;
  visibleRegion(): Region | null;
  zoomMessage(content: ZoomMessage): void;
}

/** Whether two regions are the same to within a thousandth of their size. */
export function sameRegion(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== 4 || b.length !== 4) return a.length === b.length;
  const scale = Math.max(Math.abs(a[1] - a[0]), Math.abs(a[3] - a[2]), 1e-12);
  return a.every((v, i) => Math.abs(v - b[i]) <= scale * 1e-3);
}

export class CameraSync {
  readonly parts: readonly Part[] = ["camera"];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private written: number[] = [];
  private readonly stop: () => void;

  constructor(
    private readonly model: Model,
    private readonly camera: CameraAccess,
    /** Puts the region on show on the root as `data-view` (x0,x1,y0,y1), for tests. */
    private readonly report: (value: string) => void,
  ) {
    this.stop = camera.moved.on(() => {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.write(), CAMERA_REST_MS);
    });
  }

  apply(changed: ReadonlySet<Part>): void {
    if (!changed.has("camera")) return;
    const wanted = (this.model.get("view") ?? []) as number[];
    if (wanted.length !== 4 || sameRegion(wanted, this.written)) return;
    const shown = this.camera.visibleRegion();
    if (shown && sameRegion(wanted, [shown.x0, shown.x1, shown.y0, shown.y1])) return;
    this.written = wanted.slice();
    // Framing adds a margin; a view is the region itself, so ask for it less that margin.
    const [x0, x1, y0, y1] = wanted;
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const hx = (x1 - x0) / 2 / FIT_MARGIN;
    const hy = (y1 - y0) / 2 / FIT_MARGIN;
    this.camera.zoomMessage({ kind: "lw-zoom", region: [cx - hx, cx + hx, cy - hy, cy + hy] });
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.stop();
  }

  private write(): void {
    this.timer = null;
    const region = this.camera.visibleRegion();
    if (!region) return;
    const value = [region.x0, region.x1, region.y0, region.y1];
    if (!value.every(Number.isFinite)) return;
    this.report(value.map((v) => v.toPrecision(6)).join(","));
    if (sameRegion(value, this.written)) return;
    this.written = value;
    save(this.model, { view: value });
  }
}
