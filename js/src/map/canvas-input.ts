// Gestures on the 2-D canvas map, as regl-scatterplot answers them on the WebGL one: drag pans
// (lasso and box modes draw instead), the wheel zooms about the pointer, a click selects the point
// under it, a double click deselects.

import { listen } from "../ui/dom";
import { panBy, wheelFactor, zoomAt } from "./canvas-camera";
import type { MapMode } from "./map-surface";
import type { Camera } from "./points";

/** Pointer travel (px) beyond which a press is a drag, not a click. */
const CLICK_SLOP = 4;
/** A lasso keeps a point per this many px of pointer travel. */
const LASSO_STEP = 2;

export interface GestureHooks {
  mode: () => MapMode;
  camera: () => Camera;
  setCamera: (camera: Camera) => void;
  size: () => { width: number; height: number };
  pick: (sx: number, sy: number) => number;
  /** Select what a polygon in screen px (x0 y0 x1 y1 ...) holds; `merge` adds it to the selection. */
  selectPolygon: (polygon: number[], merge: boolean) => void;
  selectPoint: (index: number, merge: boolean) => void;
  deselect: () => void;
  /** Show the lasso (screen px, x0 y0 ...) being drawn; null: none. */
  showLasso: (polygon: number[] | null) => void;
}

interface Press {
  id: number;
  start: [number, number];
  camera: Camera;
  /** Lasso or box: screen polygon so far. */
  polygon: number[] | null;
  dragged: boolean;
}

export class CanvasGestures {
  private press: Press | null = null;
  /** The last press ended as a drag: the click that follows it is no click. */
  private dragEnded = false;
  private readonly stops: (() => void)[];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly hooks: GestureHooks,
  ) {
    this.stops = [
      listen(canvas, "pointerdown", (event) => this.down(event)),
      listen(canvas, "pointermove", (event) => this.move(event)),
      listen(canvas, "pointerup", (event) => this.up(event)),
      listen(canvas, "pointercancel", () => this.cancel()),
      listen(canvas, "click", (event) => this.click(event)),
      listen(canvas, "dblclick", () => hooks.deselect()),
      listen(canvas, "wheel", (event) => this.wheel(event), { passive: false }),
    ];
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private local(event: MouseEvent): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  private down(event: PointerEvent): void {
    if (event.button !== 0) return;
    const at = this.local(event);
    const drawing = this.hooks.mode() === "lasso" || this.hooks.mode() === "box";
    this.press = { id: event.pointerId, start: at, camera: this.hooks.camera(), polygon: drawing ? [...at] : null, dragged: false };
    this.canvas.setPointerCapture?.(event.pointerId);
  }

  private move(event: PointerEvent): void {
    const press = this.press;
    if (!press || press.id !== event.pointerId) return;
    const at = this.local(event);
    const dx = at[0] - press.start[0];
    const dy = at[1] - press.start[1];
    if (!press.dragged && Math.hypot(dx, dy) <= CLICK_SLOP) return;
    press.dragged = true;
    if (!press.polygon) {
      this.hooks.setCamera(panBy(press.camera, dx, dy, this.hooks.size().height));
    } else if (this.hooks.mode() === "box") {
      const [x0, y0] = press.start;
      press.polygon = [x0, y0, at[0], y0, at[0], at[1], x0, at[1]];
      this.hooks.showLasso(press.polygon);
    } else {
      const p = press.polygon;
      if (Math.hypot(at[0] - p[p.length - 2], at[1] - p[p.length - 1]) >= LASSO_STEP) p.push(...at);
      this.hooks.showLasso(p);
    }
  }

  private up(event: PointerEvent): void {
    const press = this.press;
    if (!press || press.id !== event.pointerId) return;
    this.press = null;
    this.dragEnded = press.dragged;
    if (press.polygon && press.dragged) {
      this.hooks.showLasso(null);
      this.hooks.selectPolygon(press.polygon, event.shiftKey);
    }
  }

  private cancel(): void {
    this.press = null;
    this.hooks.showLasso(null);
  }

  private click(event: MouseEvent): void {
    const dragged = this.dragEnded;
    this.dragEnded = false;
    if (dragged) return;
    const index = this.hooks.pick(...this.local(event));
    if (index >= 0) this.hooks.selectPoint(index, event.shiftKey || event.metaKey || event.ctrlKey);
  }

  private wheel(event: WheelEvent): void {
    event.preventDefault();
    const [sx, sy] = this.local(event);
    const { width, height } = this.hooks.size();
    this.hooks.setCamera(zoomAt(this.hooks.camera(), wheelFactor(event.deltaY, event.deltaMode), sx, sy, width, height));
  }
}
