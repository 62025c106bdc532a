// Latent traversal: a direction, a span and a number of steps; the kernel decodes every frame
// into `_traverse_frames` at once, so the slider scrubs them here with no kernel message. The
// attribute-vector form below adds directions.
import { drawRgba, h, listen } from "../ui/dom";
import { type Decoded, decodeOptional } from "../wire/codecs";
import { BOUNDS, type Part } from "../wire/contract";
import { frameImage } from "../wire/trait-arrays";
import { clampTo, int, save } from "../wire/traits";
import { FrameAudio } from "./frame-audio";
import { FrameTextList, frameTexts } from "./frame-texts";
import type { Panel, PanelContext } from "./panel";
import { VectorForm } from "./vector-form";

/** The offset (in standard deviations) of frame `f` of `count`, frames spread -span..+span. */
export function frameOffset(f: number, count: number, span: number): number {
  return count < 2 ? 0 : -span + (2 * span * f) / (count - 1);
}

/** "+1.5 σ" */
export function formatOffset(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return `${rounded > 0 ? "+" : rounded < 0 ? "−" : "±"}${Math.abs(rounded)} σ`;
}

export class TraversePanel implements Panel {
  readonly name = "traverse";
  readonly title = "Traverse";
  readonly place = "below";
  readonly parts: readonly Part[] = ["traverse", "traverseFrames", "colors", "controls", "decoder"];
  readonly root: HTMLElement;
  private readonly vectorForm: VectorForm;
  private readonly direction: HTMLSelectElement;
  private readonly span: HTMLInputElement;
  private readonly steps: HTMLInputElement;
  private readonly slider: HTMLInputElement;
  private readonly frameBox: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly empty: HTMLElement;
  private readonly texts: FrameTextList;
  private readonly audio: FrameAudio;
  private readonly counter: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private frames: Decoded<"uint8"> | null = null;
  // The `_traverse_frames` value on show: a new one is new frames, whose sounds are asked afresh.
  private framesValue: unknown = null;
  private frame = 0;

  constructor(private readonly ctx: PanelContext) {
    const { model } = ctx;
    const [spanLow, spanHigh] = BOUNDS.traverse_span;
    const [stepsLow, stepsHigh] = BOUNDS.traverse_steps;
    this.direction = h("select", { class: "lw-select lw-traverse-direction", title: "Direction to walk from the pinned point" });
    this.span = h("input", { type: "number", class: "lw-number lw-traverse-span", min: spanLow, max: spanHigh, step: 0.5, title: "Span (standard deviations each way)" });
    this.steps = h("input", { type: "number", class: "lw-number lw-traverse-steps", min: stepsLow, max: stepsHigh, step: 1, title: "Number of frames" });
    this.slider = h("input", { type: "range", class: "lw-traverse-slider", min: 0, max: 0, step: 1, value: 0, disabled: true, "aria-label": "Traversal frame" });
    this.canvas = h("canvas", { class: "lw-traverse-frame lw-pixels", width: 1, height: 1, "data-source": "traverse", hidden: true });
    this.empty = h("div", { class: "lw-empty", text: "Pin a point and choose a direction to walk the latent space from it." });
    this.counter = h("span", { class: "lw-frame-counter" });
    this.texts = new FrameTextList("Traversal frames", (f) => this.userShows(f));
    this.frameBox = h("div", { class: "lw-frame-box" }, [this.canvas, this.empty]);
    this.root = h("section", { class: "lw-panel lw-traverse" }, [
      h("header", { class: "lw-panel-head" }, [
        h("span", { class: "lw-panel-title", text: "Traverse" }),
        h("span", { class: "lw-interp-settings" }, [
          this.direction,
          h("label", { class: "lw-steps-label", title: "Span in standard deviations" }, [this.span, h("span", { text: "σ" })]),
          h("label", { class: "lw-steps-label" }, [this.steps, h("span", { text: "steps" })]),
        ]),
      ]),
      this.frameBox,
      this.texts.root,
      h("div", { class: "lw-player" }, [this.slider, this.counter]),
    ]);
    this.audio = new FrameAudio("traverse", ctx.invoke, this.root, {
      frame: () => this.frame,
      count: () => this.frames?.shape[0] ?? 0,
      show: (f) => this.show(f),
    });
    // The frame's play button beside its picture, play all before the slider.
    this.frameBox.append(this.audio.playButton);
    this.slider.before(this.audio.playAllButton);
    this.vectorForm = new VectorForm(model, ctx.invoke, () => ctx.selection.indices.length);
    this.root.append(this.vectorForm.root);
    this.stops.push(
      listen(this.direction, "change", () => save(model, { traverse_direction: this.direction.value })),
      listen(this.span, "change", () => {
        const span = Number(this.span.value);
        if (!Number.isFinite(span)) return;
        const clamped = clampTo(BOUNDS.traverse_span, span, false);
        this.span.value = String(clamped);
        save(model, { traverse_span: clamped });
      }),
      listen(this.steps, "change", () => {
        const steps = Number(this.steps.value);
        if (!Number.isFinite(steps)) return;
        const clamped = clampTo(BOUNDS.traverse_steps, steps);
        this.steps.value = String(clamped);
        save(model, { traverse_steps: clamped });
      }),
      listen(this.slider, "input", () => this.userShows(Number(this.slider.value))),
      listen(this.slider, "pointerdown", () => this.audio.interrupt()),
      ctx.selection.changed.on(() => this.vectorForm.refresh()),
    );
  }

  apply(changed: ReadonlySet<Part>): void {
    // The frames are decoded codes: without a decoder there are none.
    this.root.classList.toggle("is-unavailable", this.ctx.model.get("_has_decoder") === false);
    if (changed.has("traverse")) this.applyControls();
    if (changed.has("decoder") || changed.has("traverseFrames")) this.applyModality();
    if (changed.has("traverseFrames")) this.applyFrames();
    if (changed.has("colors")) this.vectorForm.apply();
  }

  close(): void {
    this.ctx.marks.setTraverseFrame(0);
    this.audio.stop();
  }

  /** Audio mode: the frames play; text mode: they are read as a list of strings. */
  private applyModality(): void {
    const modality = this.ctx.model.get("_preview_modality");
    const texts = modality === "text" ? frameTexts(this.ctx.model, "traverse") : null;
    this.texts.set(texts);
    this.root.classList.toggle("is-text", texts !== null);
    this.root.classList.toggle("is-audio", modality === "audio");
    this.frameBox.hidden = texts !== null;
    this.audio.setEnabled(modality === "audio");
  }

  /** The controls from the model (direction, span, steps and their options). */
  private applyControls(): void {
    const options = (this.ctx.model.get("_traverse_options") ?? []) as string[];
    const value = String(this.ctx.model.get("traverse_direction") ?? "");
    const wanted = ["", ...options];
    const have = Array.from(this.direction.options, (o) => o.value);
    if (have.join("\u0000") !== wanted.join("\u0000")) {
      this.direction.replaceChildren(...wanted.map((o) => h("option", { value: o, text: o || "direction: off" })));
    }
    if (value && !options.includes(value)) this.direction.append(h("option", { value, text: value }));
    this.direction.value = value;
    this.direction.disabled = options.length === 0;
    if (document.activeElement !== this.span) this.span.value = String(Number(this.ctx.model.get("traverse_span") ?? 3));
    if (document.activeElement !== this.steps) this.steps.value = String(int(this.ctx.model.get("traverse_steps"), 9));
  }

  /** New frames (or none); the frame index is kept where it still exists, else the middle one. */
  private applyFrames(): void {
    let frames: Decoded<"uint8"> | null = null;
    try {
      frames = decodeOptional("_traverse_frames", this.ctx.model.get("_traverse_frames"), { dtypes: ["uint8"], shape: [-1, -1, -1, 4] });
    } catch (error) {
      console.warn("latentwidgets: ignoring _traverse_frames", error);
    }
    const count = frames?.shape[0] ?? 0;
    const previous = this.frames?.shape[0] ?? 0;
    const value = this.ctx.model.get("_traverse_frames");
    if (value !== this.framesValue) this.audio.framesChanged(count);
    this.framesValue = value;
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
      this.ctx.marks.setTraverseFrame(0);
      return;
    }
    // A new walk starts where the pinned point is: the middle frame.
    this.show(previous === count ? Math.min(this.frame, count - 1) : Math.floor(count / 2));
  }

  destroy(): void {
    for (const stop of this.stops) stop();
    this.vectorForm.destroy();
    this.audio.destroy();
    this.texts.destroy();
  }

  /** The user chose frame `f` (slider, a line of text): it shows, and plays in audio mode. */
  private userShows(f: number): void {
    this.show(f);
    this.audio.moved();
  }

  private show(f: number): void {
    if (!this.frames) return;
    const count = this.frames.shape[0];
    this.frame = f;
    this.slider.value = String(f);
    this.canvas.dataset.frame = String(f);
    const span = Number(this.ctx.model.get("traverse_span") ?? 3);
    this.counter.textContent = formatOffset(frameOffset(f, count, span));
    drawRgba(this.canvas, frameImage(this.frames, f));
    this.texts.setCurrent(f);
    this.ctx.marks.setTraverseFrame(f);
  }
}
