// Samples from the prior: a button asks the kernel's `sample` command for some; their decoded
// images arrive in `_samples`, their places on the map in `_sample_points`. In audio mode a click
// on a sample plays it; in text mode the samples are their strings (`_frame_texts.samples`).
import "./sound-text-gallery.css";
import { playButton } from "../ui/audio-player";
import { h, listen } from "../ui/dom";
import { Gallery, type SlotLoader } from "../ui/gallery";
import { type Decoded, decodeOptional } from "../wire/codecs";
import { COMMANDS, LIMITS, type Part } from "../wire/contract";
import { frameImage } from "../wire/trait-arrays";
import { clampTo } from "../wire/traits";
import { FrameSounds } from "./frame-sounds";
import { frameTexts, sameTexts } from "./frame-texts";
import type { Panel, PanelContext } from "./panel";

/** Samples asked for at a click. */
export const SAMPLE_COUNT = clampTo(LIMITS.sample_n, 16);

/** The caption of sample `i` (its `data-index`, from 0): "sample 1" for the first. */
export function sampleCaption(i: number): string {
  return `sample ${i + 1}`;
}

export class SamplesPanel implements Panel {
  readonly name = "samples";
  readonly title = "Samples";
  readonly place = "below";
  readonly parts: readonly Part[] = ["samples", "controls", "decoder"];
  private readonly gallery: Gallery;
  private readonly button: HTMLButtonElement;
  private readonly stops: (() => void)[] = [];
  private readonly sounds: FrameSounds;
  // The `_samples` value and the strings on show: new ones are drawn (and heard) afresh.
  private samplesValue: unknown = null;
  private texts: string[] | null = null;
  private readonly controller = new AbortController();

  constructor(private readonly ctx: PanelContext) {
    this.button = h("button", { type: "button", class: "lw-button lw-sample-button", text: `Sample ${SAMPLE_COUNT}`, title: "Decode codes drawn from the prior" });
    this.gallery = new Gallery({
      title: "Samples",
      panelClass: "lw-samples",
      itemClass: "lw-sample",
      slots: [{ caption: "sample", source: "sample" }],
      // Samples are no data points: "sample 1", never "#0", which reads as point 0.
      itemCaption: sampleCaption,
      textClass: "lw-sample-text",
      empty: "Decode random codes and see where they land on the map.",
      head: [this.button],
      onHover: (sample) => ctx.marks.set({ highlight: sample >= 0 ? { sample } : null }),
      onPick: (sample) => this.play(sample),
    });
    this.sounds = new FrameSounds("samples", ctx.invoke, this.gallery.root);
    this.stops.push(listen(this.button, "click", () => void this.ask()));
  }

  get root(): HTMLElement {
    return this.gallery.root;
  }

  apply(changed: ReadonlySet<Part>): void {
    const { model } = this.ctx;
    // Samples are decoded codes: without a decoder there are none.
    this.root.classList.toggle("is-unavailable", model.get("_has_decoder") === false);
    const modality = model.get("_preview_modality");
    this.root.classList.toggle("is-audio", modality === "audio");
    if (!changed.has("samples") && !changed.has("decoder")) return;
    this.ctx.marks.set({ samples: this.points() });
    let images: Decoded<"uint8"> | null = null;
    try {
      images = decodeOptional("_samples", model.get("_samples"), { dtypes: ["uint8"], shape: [-1, -1, -1, 4] });
    } catch (error) {
      console.warn("latentwidgets: ignoring _samples", error);
    }
    const texts = modality === "text" ? frameTexts(model, "samples") : null;
    const value = model.get("_samples");
    const fresh = value !== this.samplesValue || !sameTexts(texts, this.texts);
    if (value !== this.samplesValue) this.sounds.renew();
    this.samplesValue = value;
    this.texts = texts;
    this.root.classList.toggle("is-text", texts !== null);
    const count = images?.shape[0] ?? 0;
    // New samples reuse the numbers 0..S-1: clear the items so that each is drawn afresh.
    if (fresh) this.gallery.set([], null);
    this.gallery.set(Array.from({ length: count }, (_, i) => i), images ? this.loader(images, texts) : null);
    this.showPlayButtons(modality === "audio");
    if (!this.button.disabled) this.gallery.note.textContent = modality === "audio" && count > 0 ? "Click a sample to hear it." : "";
  }

  close(): void {
    this.ctx.marks.set({ samples: null, highlight: null });
    this.sounds.stop();
  }

  /** Each sample's picture, or its string in text mode. */
  private loader(images: Decoded<"uint8">, texts: string[] | null): SlotLoader {
    return async (i) => [texts ? { kind: "text", text: texts[i] ?? "" } : { kind: "image", image: frameImage(images, i) }];
  }

  /** In audio mode, a play button in each sample's caption ("Play sample 3"), beside its number. */
  private showPlayButtons(audio: boolean): void {
    for (const caption of this.root.querySelectorAll<HTMLElement>(".lw-sample figcaption")) {
      const button = caption.querySelector(".lw-play-audio");
      if (!audio) button?.remove();
      if (!audio || button) continue;
      const sample = Number(caption.closest<HTMLElement>(".lw-sample")?.dataset.index);
      caption.append(playButton(`Play ${sampleCaption(sample)}`, () => this.play(sample), { iconOnly: true }));
    }
  }

  /** Play sample `sample`'s sound (audio mode only; a click elsewhere only highlights it). */
  private play(sample: number): void {
    if (this.ctx.model.get("_preview_modality") === "audio") this.sounds.want(sample);
  }

  /** Map coordinates of the samples, x0 y0 x1 y1 ... (null: none). */
  private points(): Float32Array | null {
    try {
      return decodeOptional("_sample_points", this.ctx.model.get("_sample_points"), { dtypes: ["float32"], shape: [-1, 2] })?.data ?? null;
    } catch (error) {
      console.warn("latentwidgets: ignoring _sample_points", error);
      return null;
    }
  }

  destroy(): void {
    this.controller.abort(new Error("samples view closed"));
    this.sounds.destroy();
    for (const stop of this.stops) stop();
    this.gallery.destroy();
  }

  private async ask(): Promise<void> {
    this.button.disabled = true;
    this.gallery.note.textContent = "Sampling…";
    try {
      const [response] = await this.ctx.invoke<{ count?: number; error?: string }>(COMMANDS.sample, { n: SAMPLE_COUNT }, { signal: this.controller.signal });
      this.gallery.note.textContent = response?.error ? response.error : "";
    } catch (error) {
      if (!this.controller.signal.aborted) this.gallery.note.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      this.button.disabled = false;
    }
  }
}
