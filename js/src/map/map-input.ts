// Mouse and keys on the widget: the point under the pointer, click to pin, picking the
// interpolation ends, and keyboard shortcuts kept away from JupyterLab.
import { Signal } from "../core/signal";
import type { FrameKey, Picking, PickTarget } from "../panels/panel";
import { listen } from "../ui/dom";
import { int, type Model, save } from "../wire/traits";

/** Pointer travel (px) beyond which a press is a drag, not a click. */
const CLICK_SLOP = 4;

export interface InputHooks {
  /** Whether points are on the map (a click on an empty map pins nothing). */
  hasPoints: () => boolean;
  selectionSize: () => number;
  clearSelection: () => void;
}

export class MapInput implements Picking {
  /** The point under the pointer changed (-1: none). */
  readonly hovered = new Signal<number>();
  readonly armed = new Signal<PickTarget | null>();
  /** Arrow keys and space on the widget itself: the frame player's. */
  readonly frameKeys = new Signal<FrameKey>();
  private hover = -1;
  private armedTarget: PickTarget | null = null;
  private pressAt: [number, number] | null = null;
  /** The press has travelled beyond CLICK_SLOP: a drag (a lasso may end where it began). */
  private dragged = false;
  private readonly stops: (() => void)[];

  constructor(
    private readonly model: Model,
    private readonly root: HTMLElement,
    mapBox: HTMLElement,
    private readonly hint: HTMLElement,
    private readonly hooks: InputHooks,
  ) {
    this.stops = [
      // Capture phase: decide about pin / pick before regl-scatterplot sees the click.
      listen(mapBox, "pointerdown", (event) => {
        this.pressAt = [event.clientX, event.clientY];
        this.dragged = false;
        root.focus({ preventScroll: true });
      }),
      listen(mapBox, "pointermove", (event) => {
        const start = this.pressAt;
        if (start && event.buttons !== 0 && Math.hypot(event.clientX - start[0], event.clientY - start[1]) > CLICK_SLOP) this.dragged = true;
      }),
      listen(mapBox, "click", (event) => this.onClick(event), { capture: true }),
      listen(mapBox, "pointerleave", () => this.setHover(-1)),
      listen(root, "keydown", (event) => this.onKey(event)),
    ];
  }

  /** The point under the pointer, or -1. */
  get hoverIndex(): number {
    return this.hover;
  }

  /** The end the next click on a point sets, if armed. */
  get target(): PickTarget | null {
    return this.armedTarget;
  }

  setHover(index: number): void {
    if (index === this.hover) return;
    this.hover = index;
    this.root.dataset.hoverIndex = String(index);
    this.hovered.emit(index);
  }

  /** Arm `target` for the next click, or disarm it when it is armed already. */
  toggle(target: PickTarget): void {
    this.arm(this.armedTarget === target ? null : target);
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private arm(target: PickTarget | null): void {
    this.armedTarget = target;
    this.root.classList.toggle("is-picking", target !== null);
    this.hint.hidden = target === null;
    if (target) this.hint.textContent = `Click a point to set ${target.toUpperCase()} · Esc cancels`;
    this.armed.emit(target);
  }

  private setEnd(target: PickTarget, index: number): void {
    this.arm(null);
    save(this.model, target === "a" ? { interp_a: index } : { interp_b: index });
  }

  private onClick(event: MouseEvent): void {
    // The resize handle on the map's edge (map-height.ts) is not the map: its clicks pin nothing.
    if ((event.target as Element).closest(".lw-resize")) return;
    const start = this.pressAt;
    this.pressAt = null;
    if (this.dragged || (start && Math.hypot(event.clientX - start[0], event.clientY - start[1]) > CLICK_SLOP)) {
      // A drag is never a click: regl-scatterplot would click-select the point under a lasso
      // that closes on the dot it started from.
      event.stopPropagation();
      return;
    }
    if (!this.hooks.hasPoints()) return;
    const index = this.hover;
    if (this.target) {
      // A pick must not change the selection, so regl-scatterplot never sees this click.
      event.stopPropagation();
      if (index >= 0) this.setEnd(this.target, index);
      return;
    }
    if (int(this.model.get("pinned")) !== index) save(this.model, { pinned: index });
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const inControl = target !== this.root && target.matches("input, select, textarea");
    const command = event.ctrlKey || event.metaKey;
    // JupyterLab acts on keys that bubble out of an output (arrows move cells, A inserts one);
    // it still gets Shift/Ctrl+Enter and, outside our inputs, its Ctrl/Cmd shortcuts.
    const runsCell = event.key === "Enter" && (event.shiftKey || command);
    if (!runsCell && !(command && !inControl)) event.stopPropagation();
    if (inControl || event.altKey || command) return;
    const key = event.key.toLowerCase();
    if (key === "escape") {
      if (this.target) this.arm(null);
      else {
        if (int(this.model.get("pinned")) >= 0) save(this.model, { pinned: -1 });
        if (this.hooks.selectionSize() > 0) this.hooks.clearSelection();
      }
    } else if (key === "a" || key === "b") {
      if (this.hover >= 0) this.setEnd(key, this.hover);
      else this.toggle(key);
    } else if (target === this.root && (key === "arrowleft" || key === "arrowright")) {
      event.preventDefault();
      this.frameKeys.emit(key === "arrowleft" ? -1 : 1);
    } else if (target === this.root && key === " ") {
      event.preventDefault();
      this.frameKeys.emit("play");
    }
  }
}
