// Category names written on the map (`map_labels`), DataMapPlot-style: each at the densest place of
// its points (the kernel's `_label_places`), larger for bigger categories, in a halo that reads on
// the light and the dark theme. Laid out again on every pan, zoom, draw and resize: the biggest
// categories first, a label that would overlap one already shown, the legend, the axis labels, the
// sample note, or the map's edge is hidden; all of them while a history snapshot is on show. The
// toolbar's select `.lw-map-labels` chooses the column.
import "./labels.css";
import type { View } from "../core/router";
import { h, listen } from "../ui/dom";
import type { Part } from "../wire/contract";
import type { Model } from "../wire/traits";
import { type LabelPlaces, labelFontSize, layoutLabels, NO_PLACES, parsePlaces, type Rect } from "./labels-layout";

export interface MapLabelsHooks {
  /** Screen position (CSS px in the map) of raw map coordinates; null while there is no map. */
  toScreen: (x: number, y: number) => [number, number] | null;
  /** Elements over the map that labels keep clear of (the legend, the axis labels, the sample note). */
  avoid: () => readonly HTMLElement[];
  /** The user chose a column in the select ("" for none). */
  choose: (column: string) => void;
}

interface Label {
  el: HTMLElement;
  width: number;
  height: number;
}

export class MapLabels implements View {
  /** "colors": the legend, which labels keep clear of, may have changed size. */
  readonly parts: readonly Part[] = ["labels", "colors"];
  /** The layer the labels are written on, over the points. */
  readonly layer: HTMLElement;
  /** The toolbar's field: "Labels" and its select. */
  readonly control: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly stops: (() => void)[] = [];
  private places: LabelPlaces = NO_PLACES;
  private labels: Label[] = [];
  private layouts = 0;
  private frame = 0;

  constructor(
    private readonly model: Model,
    private readonly hooks: MapLabelsHooks,
  ) {
    this.layer = h("div", { class: "lw-map-labels-layer", "aria-hidden": "true", "data-column": "", "data-total": "0", "data-shown": "0", "data-layouts": "0", "data-snapshot": "0" });
    this.select = h("select", { class: "lw-select lw-map-labels", title: "Write each category's name where its points are densest" });
    this.control = h("label", { class: "lw-field lw-map-labels-field", hidden: true }, [h("span", { text: "Labels" }), this.select]);
    this.stops.push(listen(this.select, "change", () => hooks.choose(this.select.value)));
    if (typeof ResizeObserver !== "undefined") {
      const observer = new ResizeObserver(() => this.schedule());
      observer.observe(this.layer);
      this.stops.push(() => observer.disconnect());
    }
  }

  apply(changed: ReadonlySet<Part>): void {
    if (!changed.has("labels")) return void this.schedule();
    this.showOptions();
    const places = parsePlaces(this.model.get("_label_places"));
    // Places of another column than the one chosen are on their way out: show none meanwhile.
    this.setPlaces(places.column === String(this.model.get("map_labels") ?? "") ? places : NO_PLACES);
  }

  /** Lay the labels out again at the next frame (the camera moved, the map was drawn). */
  schedule(): void {
    if (this.frame || typeof requestAnimationFrame === "undefined") return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.layout();
    });
  }

  /**
   * A history snapshot is on show (true) or the live map again (false). The places are the live
   * map's, which on a snapshot's map would sit where other points are: the labels hide meanwhile.
   */
  showSnapshot(on: boolean): void {
    this.layer.hidden = on;
    this.layer.dataset.snapshot = on ? "1" : "0";
    if (!on) this.schedule();
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    for (const stop of this.stops) stop();
    this.layer.remove();
  }

  private showOptions(): void {
    const raw = this.model.get("_map_label_options");
    const columns = Array.isArray(raw) ? raw.map(String) : [];
    const current = String(this.model.get("map_labels") ?? "");
    const options = ["", ...columns];
    if (current && !columns.includes(current)) options.push(current);
    const wanted = options.join("\u0000");
    if (Array.from(this.select.options, (o) => o.value).join("\u0000") !== wanted) {
      this.select.replaceChildren(...options.map((c) => h("option", { value: c, text: c || "None" })));
    }
    this.select.value = current;
    this.control.hidden = columns.length === 0;
  }

  private setPlaces(places: LabelPlaces): void {
    this.places = places;
    const largest = Math.max(0, ...places.count);
    this.labels = places.names.map((name, i) => {
      const el = h("div", { class: "lw-map-label", text: name, "data-name": name, "data-count": places.count[i], "data-shown": "0" });
      el.style.fontSize = `${labelFontSize(places.count[i], largest)}px`;
      return { el, width: 0, height: 0 };
    });
    this.layer.replaceChildren(...this.labels.map((label) => label.el));
    this.layer.dataset.column = places.column;
    this.layer.dataset.total = String(places.names.length);
    this.schedule();
  }

  private layout(): void {
    const { places, labels, layer } = this;
    const width = layer.clientWidth;
    const height = layer.clientHeight;
    // Measured once, all in one pass (a hidden label keeps its box: visibility, not display).
    for (const label of labels) {
      if (label.width > 0) continue;
      label.width = label.el.offsetWidth;
      label.height = label.el.offsetHeight;
    }
    const screen = labels.map((_, i) => this.hooks.toScreen(places.x[i], places.y[i]));
    const boxes = labels.map((label, i) => {
      const at = screen[i] ?? [Number.NaN, Number.NaN];
      return { x: at[0], y: at[1], width: label.width, height: label.height, weight: places.count[i] };
    });
    const shown = width > 0 && height > 0 ? layoutLabels(boxes, width, height, this.obstacles()) : boxes.map(() => false);
    let count = 0;
    labels.forEach((label, i) => {
      label.el.dataset.shown = shown[i] ? "1" : "0";
      if (shown[i]) count++;
      // A hidden label is placed too: its box says where it would be (for people and tests).
      const { x, y, width: w, height: hgt } = boxes[i];
      if (Number.isFinite(x) && Number.isFinite(y)) label.el.style.transform = `translate(${Math.round(x - w / 2)}px, ${Math.round(y - hgt / 2)}px)`;
    });
    layer.dataset.shown = String(count);
    layer.dataset.layouts = String(++this.layouts);
  }

  /** The rectangles, in the layer's px, of the elements labels keep clear of. */
  private obstacles(): Rect[] {
    const origin = this.layer.getBoundingClientRect();
    return this.hooks
      .avoid()
      .filter((el) => !el.hidden && el.isConnected)
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r): Rect => [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]);
  }
}
