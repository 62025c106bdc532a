// Latent traversal: a direction, a span and a number of steps; the kernel decodes every frame
// into `_traverse_frames` at once, so the slider scrubs them here with no kernel message.
import type { Decoded } from "./codecs";
import { decodeOptional } from "./codecs";
import { drawRgba, h, listen } from "./dom";
import { frameImage } from "./interp";
import { int, type Model, save } from "./traits";

export const MIN_TRAVERSE_STEPS = 2;
export const MAX_TRAVERSE_STEPS = 64;

/** The offset (in standard deviations) of frame `f` of `count`, frames spread -span..+span. */
export function frameOffset(f: number, count: number, span: number): number {
  return count < 2 ? 0 : -span + (2 * span * f) / (count - 1);
}

/** "+1.5 σ" */
export function formatOffset(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return `${rounded > 0 ? "+" : rounded < 0 ? "−" : "±"}${Math.abs(rounded)} σ`;
}

export interface TraverseHooks {
  /** The frame on show changed (the map marks its place on the path). */
  onFrame: (frame: number) => void;
}

export class TraversePanel {
  readonly root: HTMLElement;
  private readonly direction: HTMLSelectElement;
  private readonly span: HTMLInputElement;
  private readonly steps: HTMLInputElement;
  private readonly slider: HTMLInputElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly empty: HTMLElement;
  private readonly counter: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private frames: Decoded<"uint8"> | null = null;
  private frame = 0;

  constructor(
    private readonly model: Model,
    private readonly hooks: TraverseHooks,
  ) {
    this.direction = h("select", { class: "lw-select lw-traverse-direction", title: "Direction to walk from the pinned point" });
    this.span = h("input", { type: "number", class: "lw-number lw-traverse-span", min: 0.1, max: 20, step: 0.5, title: "Span (standard deviations each way)" });
    this.steps = h("input", { type: "number", class: "lw-number lw-traverse-steps", min: MIN_TRAVERSE_STEPS, max: MAX_TRAVERSE_STEPS, step: 1, title: "Number of frames" });
    this.slider = h("input", { type: "range", class: "lw-traverse-slider", min: 0, max: 0, step: 1, value: 0, disabled: true, "aria-label": "Traversal frame" });
    this.canvas = h("canvas", { class: "lw-traverse-frame lw-pixels", width: 1, height: 1, "data-source": "traverse", hidden: true });
    this.empty = h("div", { class: "lw-empty", text: "Pin a point and choose a direction to walk the latent space from it." });
    this.counter = h("span", { class: "lw-frame-counter" });
    this.root = h("section", { class: "lw-panel lw-traverse" }, [
      h("header", { class: "lw-panel-head" }, [
        h("span", { class: "lw-panel-title", text: "Traverse" }),
        h("span", { class: "lw-interp-settings" }, [
          this.direction,
          h("label", { class: "lw-steps-label", title: "Span in standard deviations" }, [this.span, h("span", { text: "σ" })]),
          h("label", { class: "lw-steps-label" }, [this.steps, h("span", { text: "steps" })]),
        ]),
      ]),
      h("div", { class: "lw-frame-box" }, [this.canvas, this.empty]),
      h("div", { class: "lw-player" }, [this.slider, this.counter]),
    ]);
    this.stops.push(
      listen(this.direction, "change", () => save(model, { traverse_direction: this.direction.value })),
      listen(this.span, "change", () => {
        const span = Number(this.span.value);
        if (Number.isFinite(span) && span > 0) save(model, { traverse_span: span });
      }),
      listen(this.steps, "change", () => {
        const steps = Math.round(Number(this.steps.value));
        if (!Number.isFinite(steps)) return;
        const clamped = Math.min(MAX_TRAVERSE_STEPS, Math.max(MIN_TRAVERSE_STEPS, steps));
        this.steps.value = String(clamped);
        save(model, { traverse_steps: clamped });
      }),
      listen(this.slider, "input", () => this.show(Number(this.slider.value))),
    );
  }

  /** The frame on show. */
  get current(): number {
    return this.frame;
  }

  /** The controls from the model (direction, span, steps and their options). */
  applyControls(): void {
    const options = (this.model.get("_traverse_options") ?? []) as string[];
    const value = String(this.model.get("traverse_direction") ?? "");
    const wanted = ["", ...options];
    const have = Array.from(this.direction.options, (o) => o.value);
    if (have.join("\u0000") !== wanted.join("\u0000")) {
      this.direction.replaceChildren(...wanted.map((o) => h("option", { value: o, text: o || "direction: off" })));
    }
    if (value && !options.includes(value)) this.direction.append(h("option", { value, text: value }));
    this.direction.value = value;
    this.direction.disabled = options.length === 0;
    if (document.activeElement !== this.span) this.span.value = String(Number(this.model.get("traverse_span") ?? 3));
    if (document.activeElement !== this.steps) this.steps.value = String(int(this.model.get("traverse_steps"), 9));
  }

  /** New frames (or none); the frame index is kept where it still exists, else the middle one. */
  applyFrames(): void {
    let frames: Decoded<"uint8"> | null = null;
    try {
      frames = decodeOptional("_traverse_frames", this.model.get("_traverse_frames"), { dtypes: ["uint8"], shape: [-1, -1, -1, 4] });
    } catch (error) {
      console.warn("latentwidgets: ignoring _traverse_frames", error);
    }
    const count = frames?.shape[0] ?? 0;
    const previous = this.frames?.shape[0] ?? 0;
    this.frames = count > 0 ? frames : null;
    this.slider.max = String(Math.max(0, count - 1));
    this.slider.dataset.frames = String(count);
    this.slider.disabled = count === 0;
    this.canvas.hidden = count === 0;
    this.empty.hidden = count > 0;
    if (count === 0) {
      this.frame = 0;
      this.counter.textContent = "";
      delete this.canvas.dataset.frame;
      this.hooks.onFrame(0);
      return;
    }
    // A new walk starts where the pinned point is: the middle frame.
    this.show(previous === count ? Math.min(this.frame, count - 1) : Math.floor(count / 2));
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private show(f: number): void {
    if (!this.frames) return;
    const count = this.frames.shape[0];
    this.frame = f;
    this.slider.value = String(f);
    this.canvas.dataset.frame = String(f);
    const span = Number(this.model.get("traverse_span") ?? 3);
    this.counter.textContent = formatOffset(frameOffset(f, count, span));
    drawRgba(this.canvas, frameImage(this.frames, f));
    this.hooks.onFrame(f);
  }
}
