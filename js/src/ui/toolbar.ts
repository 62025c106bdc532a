// The bar above the map: mouse mode, fit, projection and colour menus, and the selection count.

import type { MapMode } from "../map/map-surface";
import type { ColorScale } from "../wire/types";
import { formatCount, h, icon, listen } from "./dom";

export const COLOR_SCALES: ColorScale[] = ["linear", "log", "quantile"];

export const PROJECTION_LABELS: Record<string, string> = { pca: "PCA", tsne: "t-SNE", umap: "UMAP", dims: "Latent dims" };

/** "tsne (running)" reads "t-SNE (running)": a projection's name for people. */
export function projectionLabel(name: string): string {
  const [base = "", ...rest] = name.split(" ");
  return [PROJECTION_LABELS[base] ?? base, ...rest].join(" ");
}

export interface ToolbarActions {
  mode: (mode: MapMode) => void;
  fit: () => void;
  projection: (name: string) => void;
  colorBy: (column: string) => void;
  colorScale: (scale: ColorScale) => void;
  clearSelection: () => void;
  zoomToSelection: () => void;
}

export class Toolbar {
  readonly root: HTMLElement;
  private readonly modeButtons: Record<MapMode, HTMLButtonElement>;
  private readonly fitButton: HTMLButtonElement;
  private readonly zoomButton: HTMLButtonElement;
  private readonly projectionSelect: HTMLSelectElement;
  private readonly colorSelect: HTMLSelectElement;
  private readonly scaleSelect: HTMLSelectElement;
  private readonly extra: HTMLElement;
  private readonly projectionTools: HTMLElement;
  private readonly trailing: HTMLElement;
  private readonly selectionInfo: HTMLElement;
  private readonly selectionCount: HTMLElement;
  private readonly stops: (() => void)[] = [];

  constructor(actions: ToolbarActions) {
    this.modeButtons = {
      pan: toolButton("lw-mode-pan", "pan", "Pan & zoom (drag, wheel). Shift-drag lassoes."),
      lasso: toolButton("lw-mode-lasso", "lasso", "Lasso select (drag around points)"),
      box: toolButton("lw-mode-box", "box", "Box select (drag a rectangle)"),
      probe: toolButton("lw-tool-probe", "probe", "Probe: hover empty map space to decode what lies there"),
    };
    this.fitButton = toolButton("lw-fit", "fit", "Fit the view to the points");
    this.projectionSelect = h("select", { class: "lw-select lw-projection-select", title: "Projection" });
    this.colorSelect = h("select", { class: "lw-select lw-color-select", title: "Colour by" });
    this.scaleSelect = h(
      "select",
      { class: "lw-select lw-color-scale", title: "How values map to colours", hidden: true },
      COLOR_SCALES.map((s) => h("option", { value: s, text: s })),
    );
    this.extra = h("span", { class: "lw-tools" });
    this.projectionTools = h("span", { class: "lw-tools" });
    this.trailing = h("span", { class: "lw-tools lw-toolbar-end" });
    this.selectionCount = h("span", { class: "lw-selection-count" });
    this.zoomButton = h("button", { type: "button", class: "lw-button lw-icon lw-zoom-selection", title: "Zoom to the selection" }, [
      icon("zoom"),
    ]);
    const clear = h("button", { type: "button", class: "lw-button lw-icon lw-clear-selection", title: "Clear the selection (Esc)" }, [
      icon("close"),
    ]);
    this.selectionInfo = h("span", { class: "lw-selection", hidden: true }, [this.selectionCount, this.zoomButton, clear]);
    this.root = h("div", { class: "lw-toolbar" }, [
      h("div", { class: "lw-segmented", role: "group", "aria-label": "Mouse mode" }, Object.values(this.modeButtons)),
      this.fitButton,
      h("span", { class: "lw-separator" }),
      h("label", { class: "lw-field" }, [h("span", { text: "Projection" }), this.projectionSelect]),
      this.projectionTools,
      h("label", { class: "lw-field" }, [h("span", { text: "Colour" }), this.colorSelect, this.scaleSelect]),
      this.extra,
      h("span", { class: "lw-spacer" }),
      this.selectionInfo,
      this.trailing,
    ]);
    for (const [mode, button] of Object.entries(this.modeButtons)) {
      this.stops.push(listen(button, "click", () => actions.mode(mode as MapMode)));
    }
    this.stops.push(
      listen(this.fitButton, "click", () => actions.fit()),
      listen(clear, "click", () => actions.clearSelection()),
      listen(this.zoomButton, "click", () => actions.zoomToSelection()),
      listen(this.projectionSelect, "change", () => actions.projection(this.projectionSelect.value)),
      listen(this.colorSelect, "change", () => actions.colorBy(this.colorSelect.value)),
      listen(this.scaleSelect, "change", () => actions.colorScale(this.scaleSelect.value as ColorScale)),
    );
  }

  showMode(mode: MapMode): void {
    for (const [m, button] of Object.entries(this.modeButtons)) {
      button.classList.toggle("is-active", m === mode);
      button.setAttribute("aria-pressed", String(m === mode));
    }
  }

  /** Without a map (no WebGL) the map's tools do nothing. */
  disableMapTools(): void {
    for (const button of [...Object.values(this.modeButtons), this.fitButton, this.zoomButton]) button.disabled = true;
  }

  setProjections(options: readonly string[], current: string): void {
    fillSelect(
      this.projectionSelect,
      options.map((o) => [o, PROJECTION_LABELS[o] ?? o]),
      current,
    );
    // One projection to choose from is no choice.
    this.projectionSelect.disabled = options.length <= 1;
  }

  setColumns(columns: readonly string[], current: string): void {
    fillSelect(this.colorSelect, [["", "None"], ...columns.map((c): [string, string] => [c, c])], current);
  }

  /** The continuous colour scale: shown only while the colours are continuous. */
  setColorScale(scale: ColorScale, continuous: boolean): void {
    this.scaleSelect.hidden = !continuous;
    this.scaleSelect.value = COLOR_SCALES.includes(scale) ? scale : "linear";
  }

  /** Controls of the projection (dims picker, parameters), right of its select. */
  addProjectionTools(...nodes: Node[]): void {
    this.projectionTools.append(...nodes);
  }

  /** Controls of other views that belong in the bar (the manifold layer's). */
  addTools(...nodes: Node[]): void {
    this.extra.append(...nodes);
  }

  /** Controls at the bar's right end (the panels menu). */
  addTrailingTools(...nodes: Node[]): void {
    this.trailing.append(...nodes);
  }

  setSelectionCount(count: number): void {
    this.selectionInfo.hidden = count === 0;
    this.selectionCount.textContent = `${formatCount(count)} selected`;
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }
}

function toolButton(cls: string, name: "pan" | "lasso" | "box" | "probe" | "fit", title: string): HTMLButtonElement {
  return h("button", { type: "button", class: `lw-button lw-icon ${cls}`, title, "aria-label": title }, [icon(name)]);
}

/** Fill `select` with `options` ([value, text]) unless it has them already, and select `value`. */
function fillSelect(select: HTMLSelectElement, options: [string, string][], value: string): void {
  const current = Array.from(select.options, (o) => `${o.value}\u0000${o.text}`).join("\u0001");
  const wanted = options.map(([v, t]) => `${v}\u0000${t}`).join("\u0001");
  if (current !== wanted) {
    select.replaceChildren(...options.map(([v, t]) => h("option", { value: v, text: t })));
  }
  // A value the options lack (a projection set from Python that is not offered) is still shown.
  if (value && !options.some(([v]) => v === value)) select.append(h("option", { value, text: projectionLabel(value) }));
  select.value = value;
}
