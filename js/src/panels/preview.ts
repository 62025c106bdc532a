// The preview panel: a point's input, then what the model decodes it to (the order peers and
// papers show reconstructions in, and the worst-reconstructions gallery's), or a probe's decoding.

import type { PreviewShown } from "../core/previews";
import { drawRgba, h } from "../ui/dom";
import type { Part } from "../wire/contract";
import type { ProbeResult } from "../wire/preview-codec";
import type { Preview, PreviewItem } from "../wire/types";
import type { Panel, PanelContext } from "./panel";
import { loadingHeading, previewHeading } from "./preview-heading";

/** One slot of the panel: a pixelated canvas or a text block, captioned. */
class Figure {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly text: HTMLElement;
  private readonly caption: HTMLElement;

  constructor(
    private readonly cls: string,
    caption: string,
  ) {
    this.canvas = h("canvas", { class: "lw-pixels", width: 1, height: 1 });
    this.text = h("div", { class: "lw-preview-text" });
    this.caption = h("figcaption", { text: caption });
    this.root = h("figure", { class: "lw-figure" }, [this.canvas, this.text, this.caption]);
  }

  /** Show `item` for point `index`, or for a probe at map coordinates `at` (as sent). */
  show(item: PreviewItem | null, index: number, caption?: string, at?: [string, string]): void {
    this.root.hidden = item === null;
    if (caption !== undefined) this.caption.textContent = caption;
    // The contract's class sits on whichever element shows the content.
    const active = item?.kind === "text" ? this.text : this.canvas;
    const idle = active === this.canvas ? this.text : this.canvas;
    idle.classList.remove(this.cls);
    for (const name of ["data-index", "data-source", "data-x", "data-y"]) idle.removeAttribute(name);
    idle.hidden = true;
    if (item === null) return;
    active.hidden = false;
    active.classList.add(this.cls);
    if (at) {
      active.removeAttribute("data-index");
      Object.assign(active.dataset, { source: "probe", x: at[0], y: at[1] });
    } else {
      active.removeAttribute("data-x");
      active.removeAttribute("data-y");
      Object.assign(active.dataset, { source: "point", index: String(index) });
    }
    if (item.kind === "image") drawRgba(this.canvas, item.image);
    else this.text.textContent = item.text;
  }
}

/** The preview panel: the input, then the decoded point. Previews decide what is on show. */
export class PreviewPanel implements Panel {
  readonly name = "preview";
  readonly title = "Preview";
  readonly place = "side";
  readonly parts: readonly Part[] = [];
  readonly root: HTMLElement;
  private readonly label: HTMLElement;
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly error: HTMLElement;
  private readonly main = new Figure("lw-preview-image", "decoded");
  private readonly input = new Figure("lw-preview-input", "input");
  private readonly stop: () => void;
  private imageCount = 0;

  constructor(private readonly ctx: PanelContext) {
    this.label = h("span", { class: "lw-panel-note" });
    this.empty = h("div", { class: "lw-empty", text: "Hover a point to decode it; click to pin it." });
    this.error = h("div", { class: "lw-preview-error", hidden: true });
    this.body = h("div", { class: "lw-preview-body", hidden: true }, [this.input.root, this.main.root]);
    // One fixed-size stage for the images, the hint and the error: hovering must not move the
    // panels (a control under the pointer would slip away).
    this.root = h("section", { class: "lw-panel lw-preview" }, [
      h("header", { class: "lw-panel-head" }, [h("span", { class: "lw-panel-title", text: "Preview" }), this.label]),
      h("div", { class: "lw-stage" }, [this.body, this.empty, this.error]),
    ]);
    this.stop = ctx.previews.shown.on((shown) => this.showNow(shown));
  }

  /** Everything it shows comes from `previews.shown`, not from traits. */
  apply(): void {}

  destroy(): void {
    this.stop();
  }

  private showNow(shown: PreviewShown): void {
    if (shown.kind === "point") {
      this.root.dataset.snapshot = String(shown.snapshot);
      const { preview } = shown;
      const pinned = preview.index === Number(this.ctx.model.get("pinned"));
      this.show(preview, previewHeading(preview.index, preview.fields, this.colorBy(), pinned), shown.hasDecoder);
    } else if (shown.kind === "probe") this.showProbe(shown.probe, shown.at);
    else if (shown.kind === "loading") this.loading(loadingHeading(shown.label, this.colorBy()));
    else if (shown.kind === "failed") this.fail(shown.source === "point" ? loadingHeading(shown.label, this.colorBy()) : shown.label, shown.message);
    else this.clear();
  }

  /** The column the map is coloured by ("" for none). */
  private colorBy(): string {
    const value = this.ctx.model.get("color_by");
    return typeof value === "string" ? value : "";
  }

  /** One more image drawn: `data-preview-count` counts them (the tests wait on it). */
  private counted(): void {
    this.ctx.report("previewCount", String(++this.imageCount));
  }

  /** Show a decoded preview; `hasDecoder` false shows the input as the main image. */
  private show(preview: Preview, label: string, hasDecoder: boolean): void {
    this.root.classList.remove("is-loading");
    this.error.hidden = true;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.label.textContent = label;
    const main = hasDecoder ? preview.recon : preview.input;
    const mainCaption = hasDecoder ? "decoded" : "input";
    this.main.show(main ?? preview.input, preview.index, main ? mainCaption : "input");
    this.input.show(hasDecoder && preview.recon ? preview.input : null, preview.index);
    this.counted();
  }

  /** Show a probe's decoded image for map coordinates `at` (the numbers sent, as text). */
  private showProbe(probe: ProbeResult, at: [string, string]): void {
    this.root.classList.remove("is-loading");
    this.error.hidden = true;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.label.textContent = `probe (${Number(at[0]).toPrecision(3)}, ${Number(at[1]).toPrecision(3)})${probe.exact ? "" : " · approximate"}`;
    this.main.show(probe.recon, -1, probe.exact ? "decoded here" : "approximate (nearest points mixed)", at);
    this.input.show(null, -1);
    this.counted();
  }

  /** A request for `index` is on its way: keep the last image, dimmed. */
  private loading(label: string): void {
    this.root.classList.add("is-loading");
    this.label.textContent = label;
  }

  private fail(label: string, message: string): void {
    this.root.classList.remove("is-loading");
    this.label.textContent = label;
    this.error.textContent = message;
    this.error.hidden = false;
  }

  private clear(): void {
    this.root.classList.remove("is-loading");
    this.label.textContent = "";
    this.body.hidden = true;
    this.error.hidden = true;
    this.empty.hidden = false;
  }
}
