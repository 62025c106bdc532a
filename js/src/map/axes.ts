// The map's axis labels, for maps whose axes mean something ("PC1" / "PC2", "z3" / "z5"):
// `_axis_labels` along the bottom and left edges, none for t-SNE and UMAP.
import { h } from "../ui/dom";

export class AxisLabels {
  readonly x: HTMLElement;
  readonly y: HTMLElement;

  constructor(mapBox: HTMLElement) {
    this.x = h("div", { class: "lw-axis lw-axis-x", hidden: true });
    this.y = h("div", { class: "lw-axis lw-axis-y", hidden: true });
    mapBox.append(this.x, this.y);
  }

  /** Show `labels` ([x, y]); anything else hides both. */
  update(labels: unknown): void {
    const valid = Array.isArray(labels) && labels.length === 2 ? labels.map(String) : null;
    for (const [el, text] of [
      [this.x, valid?.[0]],
      [this.y, valid?.[1]],
    ] as const) {
      el.hidden = !text;
      el.textContent = text ?? "";
    }
  }
}
