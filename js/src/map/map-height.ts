// The map's height: the `height` trait (0: from the width the map is given), and the handle on the
// map's bottom edge `.lw-resize` with which the person sizes it: a drag, ArrowUp/ArrowDown, and a
// double-click back to the automatic height. What the person sets is written to `height`.
import { h, listen } from "../ui/dom";
import { BOUNDS } from "../wire/contract";
import { int, type Model, save } from "../wire/traits";
import "./map-height.css";

/** The least height the map is drawn at, whatever `height` asks: the toolbar and a few points fit. */
export const MIN_MAP_HEIGHT = 200;
/** Pixels one ArrowUp / ArrowDown on the handle takes off or adds. */
export const KEY_STEP = 20;

/** The automatic height (`height` 0): 0.6 of the map's width, from 440 px (a map up to 733 px wide) to 900 px. */
export const AUTO_HEIGHT = { ratio: 0.6, low: 440, high: 900 } as const;

/** The map's height where Python leaves it to the page (`height` 0): from its width, within reason. */
export function autoHeight(width: number): number {
  const { ratio, low, high } = AUTO_HEIGHT;
  return Math.round(Math.min(high, Math.max(low, width * ratio)));
}

/** A height the person asks for (px), as the map draws it and `height` accepts it. */
export function heightWithin(px: number): number {
  const [low, high] = BOUNDS.height;
  return Math.round(Math.min(high, Math.max(low, MIN_MAP_HEIGHT, px)));
}

export interface MapHeightHooks {
  /** The person is sizing the map: the camera keeps its centre and scale through the resizes. */
  sizing: () => void;
}

export class MapHeight {
  /** The drag handle on the map's bottom edge. */
  readonly handle: HTMLElement;
  private readonly stops: (() => void)[] = [];
  /** The width the automatic height was last taken from. */
  private width = 0;
  /** Where a drag started: the pointer's page y and the map's height then. */
  private drag: { y: number; height: number; pointer: number } | null = null;

  constructor(
    private readonly model: Model,
    private readonly mapBox: HTMLElement,
    private readonly root: HTMLElement,
    private readonly hooks: MapHeightHooks,
  ) {
    const [low, high] = BOUNDS.height;
    this.handle = h("div", {
      class: "lw-resize",
      role: "separator",
      tabindex: 0,
      "aria-orientation": "horizontal",
      "aria-label": "Map height: drag, or ArrowUp / ArrowDown; double-click for the automatic height",
      "aria-valuemin": Math.max(low, MIN_MAP_HEIGHT),
      "aria-valuemax": high,
      title: "Drag to resize the map · double-click: automatic height",
    });
    mapBox.append(this.handle);
    const handle = this.handle;
    this.stops.push(
      listen(handle, "pointerdown", (event) => this.startDrag(event)),
      listen(handle, "pointermove", (event) => this.moveDrag(event)),
      listen(handle, "pointerup", (event) => this.endDrag(event)),
      listen(handle, "pointercancel", (event) => this.endDrag(event)),
      listen(handle, "dblclick", (event) => {
        event.stopPropagation();
        this.hooks.sizing();
        save(this.model, { height: 0 });
      }),
      listen(handle, "keydown", (event) => this.onKey(event)),
    );
    this.followWidth();
  }

  /** Size the map from `height` (a change from Python, or the person's own coming back). */
  apply(): void {
    const set = int(this.model.get("height"), 0);
    this.show(set > 0 ? Math.max(MIN_MAP_HEIGHT, set) : autoHeight(this.mapBox.getBoundingClientRect().width));
    this.root.dataset.heightMode = set > 0 ? "fixed" : "auto";
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private show(height: number): void {
    this.mapBox.style.height = `${height}px`;
    this.root.style.setProperty("--lw-height", `${height}px`);
    this.handle.setAttribute("aria-valuenow", String(height));
  }

  /** With `height` 0 the map's height follows its width: a wider notebook gets a taller map. */
  private followWidth(): void {
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      const now = Math.round(this.mapBox.getBoundingClientRect().width);
      if (now === this.width) return; // its own height change: nothing to follow
      this.width = now;
      // During a drag the person's height holds, even where a scrollbar comes and goes.
      if (int(this.model.get("height"), 0) <= 0 && !this.drag) this.apply();
    });
    observer.observe(this.mapBox);
    this.stops.push(() => observer.disconnect());
  }

  private current(): number {
    return Math.round(this.mapBox.getBoundingClientRect().height);
  }

  private startDrag(event: PointerEvent): void {
    if (event.button !== 0) return;
    // Neither a pan nor a lasso starts under the handle (nor does a press focus it: Tab does).
    event.stopPropagation();
    event.preventDefault();
    this.handle.setPointerCapture(event.pointerId);
    this.hooks.sizing();
    this.drag = { y: event.clientY, height: this.current(), pointer: event.pointerId };
    this.root.classList.add("is-resizing");
  }

  private moveDrag(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    event.stopPropagation();
    // Live in the page; the kernel hears of it once, when the drag ends.
    this.show(heightWithin(drag.height + event.clientY - drag.y));
  }

  private endDrag(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointer) return;
    event.stopPropagation();
    this.drag = null;
    this.root.classList.remove("is-resizing");
    if (this.handle.hasPointerCapture(event.pointerId)) this.handle.releasePointerCapture(event.pointerId);
    const height = heightWithin(drag.height + event.clientY - drag.y);
    if (height !== drag.height) save(this.model, { height });
    else this.apply();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    // JupyterLab would move between cells, and the page would scroll.
    event.stopPropagation();
    event.preventDefault();
    this.hooks.sizing();
    const height = heightWithin(this.current() + (event.key === "ArrowDown" ? KEY_STEP : -KEY_STEP));
    save(this.model, { height });
  }
}
