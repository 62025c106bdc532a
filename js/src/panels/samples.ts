// Samples from the prior: a button asks the kernel's `sample` command for some; their decoded
// images arrive in `_samples`, their places on the map in `_sample_points`.
import { h, listen } from "../ui/dom";
import { Gallery } from "../ui/gallery";
import { type Decoded, decodeOptional } from "../wire/codecs";
import { COMMANDS, LIMITS, type Part } from "../wire/contract";
import { frameImage } from "../wire/trait-arrays";
import { clampTo } from "../wire/traits";
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
  readonly parts: readonly Part[] = ["samples", "controls"];
  private readonly gallery: Gallery;
  private readonly button: HTMLButtonElement;
  private readonly stops: (() => void)[] = [];
  private images: Decoded<"uint8"> | null = null;
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
      empty: "Decode random codes and see where they land on the map.",
      head: [this.button],
      onHover: (sample) => ctx.marks.set({ highlight: sample >= 0 ? { sample } : null }),
    });
    this.stops.push(listen(this.button, "click", () => void this.ask()));
  }

  get root(): HTMLElement {
    return this.gallery.root;
  }

  apply(changed: ReadonlySet<Part>): void {
    // Samples are decoded codes: without a decoder there are none.
    this.root.classList.toggle("is-unavailable", this.ctx.model.get("_has_decoder") === false);
    if (!changed.has("samples")) return;
    this.ctx.marks.set({ samples: this.points() });
    let images: Decoded<"uint8"> | null = null;
    try {
      images = decodeOptional("_samples", this.ctx.model.get("_samples"), { dtypes: ["uint8"], shape: [-1, -1, -1, 4] });
    } catch (error) {
      console.warn("latentwidgets: ignoring _samples", error);
    }
    const fresh = images !== this.images;
    this.images = images;
    const count = images?.shape[0] ?? 0;
    // New samples reuse the numbers 0..S-1: clear the items so that each is drawn afresh.
    if (fresh) this.gallery.set([], null);
    this.gallery.set(
      Array.from({ length: count }, (_, i) => i),
      images ? async (i) => [{ kind: "image", image: frameImage(images, i) }] : null,
    );
  }

  close(): void {
    this.ctx.marks.set({ samples: null, highlight: null });
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
