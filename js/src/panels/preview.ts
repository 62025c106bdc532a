// The preview panel: a point's input, then what the model decodes it to (the order peers and
// papers show reconstructions in, and the worst-reconstructions gallery's), or a probe's decoding.

import type { PreviewShown } from "../core/previews";
import { audioPlayer } from "../ui/audio-player";
import { h } from "../ui/dom";
import type { Part } from "../wire/contract";
import type { ProbeResult } from "../wire/preview-codec";
import { int } from "../wire/traits";
import type { Preview } from "../wire/types";
import type { Panel, PanelContext } from "./panel";
import { Figure } from "./preview-figure";
import { loadingHeading, previewHeading } from "./preview-heading";

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
  /** Pins seen: a later pin's sound wins over an earlier one still on its way. */
  private pins = 0;

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
    const onPin = () => this.playPinned();
    ctx.model.on("change:pinned", onPin);
    const stopShown = ctx.previews.shown.on((shown) => this.showNow(shown));
    this.stop = () => {
      stopShown();
      ctx.model.off("change:pinned", onPin);
    };
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

  /**
   * A point of an audio model was pinned by the user's hand (a click on the map or in a gallery, a
   * key): play it, as a sampler pad plays what is struck. A pin set from Python, with no gesture
   * in the page, stays silent (browsers refuse sound without one anyway).
   */
  private playPinned(): void {
    const { model, previews } = this.ctx;
    const pinned = int(model.get("pinned"));
    const wanted = ++this.pins;
    if (pinned < 0 || model.get("_preview_modality") !== "audio" || !userGesture()) return;
    const hasDecoder = model.get("_has_decoder") !== false;
    previews
      .get(pinned)
      .then((preview) => {
        const item = hasDecoder ? (preview.recon ?? preview.input) : preview.input;
        if (wanted !== this.pins || item?.kind !== "image" || !item.audio) return;
        return audioPlayer(this.root).play(item.audio.wav, { source: hasDecoder && preview.recon ? "decoded" : "input", index: String(pinned) });
      })
      // A failed preview shows in the panel and the status line already.
      .catch(() => undefined);
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
    const role = main && hasDecoder ? "decoded" : "input";
    const source = { index: preview.index };
    this.main.show(main ?? preview.input, source, role, role);
    this.body.classList.toggle("is-text", (main ?? preview.input)?.kind === "text");
    this.input.show(hasDecoder && preview.recon ? preview.input : null, source, "input", "input");
    this.counted();
  }

  /** Show a probe's decoded image for map coordinates `at` (the numbers sent, as text). */
  private showProbe(probe: ProbeResult, at: [string, string]): void {
    this.root.classList.remove("is-loading");
    this.error.hidden = true;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.label.textContent = `probe (${Number(at[0]).toPrecision(3)}, ${Number(at[1]).toPrecision(3)})${probe.exact ? "" : " · approximate"}`;
    this.main.show(probe.recon, { index: -1, at }, "decoded", probe.exact ? "decoded here" : "approximate (nearest points mixed)");
    this.body.classList.toggle("is-text", probe.recon?.kind === "text");
    this.input.show(null, { index: -1 }, "input");
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

/** Whether the page is handling a user's gesture now (true where the browser cannot say). */
function userGesture(): boolean {
  return navigator.userActivation?.isActive ?? true;
}
