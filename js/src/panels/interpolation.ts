// The interpolation panel: A/B picking, method and steps, and a client-side slider over `_frames`.
import { drawRgba, h, icon, listen } from "../ui/dom";
import type { Decoded } from "../wire/codecs";
import { BOUNDS, type Part } from "../wire/contract";
import { frameImage, framesArray } from "../wire/trait-arrays";
import { clampTo, int, save } from "../wire/traits";
import type { InterpMethod, RgbaImage } from "../wire/types";
import { FrameAudio } from "./frame-audio";
import { FrameTextList, frameTexts } from "./frame-texts";
import type { Panel, PanelContext, PickTarget } from "./panel";

const PLAY_FPS = 12;

/** Next frame of a ping-pong animation over `count` frames. */
export function pingPong(frame: number, direction: 1 | -1, count: number): [number, 1 | -1] {
  if (count < 2) return [0, direction];
  let d = direction;
  if (frame + d >= count || frame + d < 0) d = -d as 1 | -1;
  return [frame + d, d];
}

export function clampSteps(value: number): number {
  return clampTo(BOUNDS.interp_steps, value);
}

/** CSS width of a chip's 24 px high thumbnail: a wide picture (a waveform) is kept wide, to 48 px. */
export function chipThumbWidth(image: RgbaImage): number {
  return Math.round(Math.min(48, Math.max(24, (24 * image.width) / Math.max(1, image.height))));
}

interface Chip {
  button: HTMLButtonElement;
  thumb: HTMLCanvasElement;
  index: HTMLElement;
  /** In text mode, the end's string (its picture would be unreadable at this size). */
  text: HTMLElement;
}

export class InterpolationPanel implements Panel {
  readonly name = "interpolation";
  readonly title = "Interpolation";
  readonly place = "side";
  readonly parts: readonly Part[] = ["interp", "frames", "decoder"];
  readonly root: HTMLElement;
  private readonly chips: Record<PickTarget, Chip>;
  private readonly method: HTMLSelectElement;
  private readonly steps: HTMLInputElement;
  private readonly frameBox: HTMLElement;
  private readonly frameCanvas: HTMLCanvasElement;
  private readonly frameEmpty: HTMLElement;
  private readonly texts: FrameTextList;
  private readonly audio: FrameAudio;
  private readonly slider: HTMLInputElement;
  private readonly play: HTMLButtonElement;
  private readonly counter: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private frames: Decoded<"uint8"> | null = null;
  // The `_frames` value on show: a new one is new frames, whose sounds are asked afresh.
  private framesValue: unknown = null;
  private frame = 0;
  private direction: 1 | -1 = 1;
  private raf = 0;
  private lastTick = 0;

  constructor(private readonly ctx: PanelContext) {
    const { model } = ctx;
    const chip = (target: PickTarget): Chip => {
      const thumb = h("canvas", { class: "lw-chip-thumb lw-pixels", width: 1, height: 1, "data-source": "point" });
      const index = h("span", { class: "lw-chip-index", text: "pick" });
      const text = h("span", { class: "lw-chip-text", hidden: true });
      const button = h(
        "button",
        {
          type: "button",
          class: `lw-chip lw-pick-${target}`,
          title: `Pick ${target.toUpperCase()}: click this, then a point on the map (or hover a point and press ${target.toUpperCase()})`,
        },
        [h("span", { class: `lw-chip-tag lw-tag-${target}`, text: target.toUpperCase() }), thumb, index, text],
      );
      return { button, thumb, index, text };
    };
    this.chips = { a: chip("a"), b: chip("b") };
    this.method = h("select", { class: "lw-select lw-method-select", title: "Interpolation method" }, [
      h("option", { value: "slerp", text: "slerp" }),
      h("option", { value: "lerp", text: "lerp" }),
    ]);
    this.steps = h("input", {
      type: "number",
      class: "lw-number lw-steps-input",
      min: BOUNDS.interp_steps[0],
      max: BOUNDS.interp_steps[1],
      step: 1,
      title: "Number of frames",
    });
    this.frameCanvas = h("canvas", { class: "lw-interp-frame lw-pixels", width: 1, height: 1, "data-source": "interp", hidden: true });
    this.frameEmpty = h("div", { class: "lw-empty", text: "Pick A and B to walk the latent space between them." });
    this.slider = h("input", {
      type: "range",
      class: "lw-interp-slider",
      min: 0,
      max: 0,
      step: 1,
      value: 0,
      disabled: true,
      "aria-label": "Interpolation frame",
    });
    this.play = h("button", { type: "button", class: "lw-button lw-icon lw-play", title: "Play / pause", disabled: true });
    this.counter = h("span", { class: "lw-frame-counter", text: "" });
    this.setPlayIcon(false);
    this.texts = new FrameTextList("Interpolation frames", (f) => this.userShows(f));
    this.frameBox = h("div", { class: "lw-frame-box" }, [this.frameCanvas, this.frameEmpty]);

    this.root = h("section", { class: "lw-panel lw-interp" }, [
      h("header", { class: "lw-panel-head" }, [
        h("span", { class: "lw-panel-title", text: "Interpolation" }),
        h("span", { class: "lw-interp-settings" }, [
          this.method,
          h("label", { class: "lw-steps-label" }, [this.steps, h("span", { text: "steps" })]),
        ]),
      ]),
      h("div", { class: "lw-ab" }, [this.chips.a.button, h("span", { class: "lw-ab-arrow", text: "→" }), this.chips.b.button]),
      this.frameBox,
      this.texts.root,
      h("div", { class: "lw-player" }, [this.play, this.slider, this.counter]),
    ]);
    this.audio = new FrameAudio("interp", ctx.invoke, this.root, {
      frame: () => this.frame,
      count: () => this.frameCount,
      show: (f) => this.showFrame(f),
    });
    // The frame's play button beside its picture; play all in place of the silent animation.
    this.frameBox.append(this.audio.playButton);
    this.play.after(this.audio.playAllButton);

    this.stops.push(
      listen(this.chips.a.button, "click", () => ctx.picking.toggle("a")),
      listen(this.chips.b.button, "click", () => ctx.picking.toggle("b")),
      listen(this.method, "change", () => save(model, { interp_method: this.method.value as InterpMethod })),
      listen(this.steps, "change", () => this.commitSteps()),
      listen(this.slider, "input", () => this.userShows(Number(this.slider.value))),
      listen(this.slider, "pointerdown", () => this.audio.interrupt()),
      listen(this.play, "click", () => this.togglePlay()),
      ctx.picking.armed.on(() => this.updateChips()),
      ctx.previews.shown.on((shown) => {
        if (shown.kind === "point" && this.isEnd(shown.preview.index)) this.updateChips();
      }),
      ctx.frameKeys.on((key) => (key === "play" ? this.togglePlay() : this.step(key))),
      () => this.audio.destroy(),
      () => this.texts.destroy(),
    );
  }

  apply(changed: ReadonlySet<Part>): void {
    const { model } = this.ctx;
    if (changed.has("interp")) {
      // Interpolated codes can only be shown through a decoder.
      this.root.classList.toggle("is-unavailable", model.get("_has_decoder") === false);
      this.method.value = model.get("interp_method") === "lerp" ? "lerp" : "slerp";
      if (document.activeElement !== this.steps) this.steps.value = String(int(model.get("interp_steps"), 16));
    }
    if (changed.has("decoder") || changed.has("frames")) this.applyModality();
    if (changed.has("frames")) this.setFrames(framesArray(model));
    this.updateChips();
  }

  /** Audio mode: the frames play; text mode: they are read as a list of strings. */
  private applyModality(): void {
    const modality = this.ctx.model.get("_preview_modality");
    const texts = modality === "text" ? frameTexts(this.ctx.model, "interp") : null;
    this.texts.set(texts);
    this.root.classList.toggle("is-text", texts !== null);
    this.root.classList.toggle("is-audio", modality === "audio");
    this.frameBox.hidden = texts !== null;
    // In audio mode "play all" plays the frames; the silent animation would only compete with it.
    this.play.hidden = modality === "audio";
    this.audio.setEnabled(modality === "audio");
  }

  close(): void {
    this.audio.stop();
  }

  private isEnd(index: number): boolean {
    return index === int(this.ctx.model.get("interp_a")) || index === int(this.ctx.model.get("interp_b"));
  }

  /**
   * The A/B chips: each end's index and thumbnail (its cached preview, else its end frame), or in
   * text mode its string (the first or last frame's).
   */
  private updateChips(): void {
    const lines = this.texts.lines;
    for (const target of ["a", "b"] as const) {
      const index = int(this.ctx.model.get(target === "a" ? "interp_a" : "interp_b"));
      const text = index < 0 ? null : (lines[target === "a" ? 0 : lines.length - 1] ?? null);
      const thumb = index < 0 || text !== null ? null : (this.ctx.previews.thumbnail(index) ?? this.endFrame(target));
      this.setEnd(target, index, thumb, text, this.ctx.picking.target === target);
    }
  }

  /** Update a chip: the point index (-1: none), its thumbnail or string if known, and whether it awaits a click. */
  private setEnd(target: PickTarget, index: number, thumb: RgbaImage | null, text: string | null, armed: boolean): void {
    const chip = this.chips[target];
    chip.index.textContent = armed ? "click a point" : index >= 0 ? `#${index}` : "pick";
    chip.button.classList.toggle("is-armed", armed);
    chip.button.classList.toggle("is-set", index >= 0);
    chip.button.dataset.index = String(index);
    chip.thumb.hidden = thumb === null || armed;
    chip.text.hidden = text === null || armed;
    chip.text.textContent = text ?? "";
    if (thumb) {
      drawRgba(chip.thumb, thumb);
      chip.thumb.style.width = `${chipThumbWidth(thumb)}px`;
    }
  }

  /** New frames (or none). The frame index is kept where it still exists. */
  private setFrames(frames: Decoded<"uint8"> | null): void {
    this.frames = frames;
    const count = frames?.shape[0] ?? 0;
    const value = this.ctx.model.get("_frames");
    if (value !== this.framesValue) this.audio.framesChanged(count);
    this.framesValue = value;
    this.slider.max = String(Math.max(0, count - 1));
    this.slider.dataset.frames = String(count);
    this.slider.disabled = count === 0;
    this.play.disabled = count < 2;
    this.frameCanvas.hidden = count === 0;
    this.frameEmpty.hidden = count > 0;
    if (count < 2) this.pause();
    if (count === 0) {
      this.frame = 0;
      this.counter.textContent = "";
      delete this.frameCanvas.dataset.frame;
      this.ctx.marks.setFrame(0);
      return;
    }
    this.showFrame(Math.min(this.frame, count - 1));
  }

  private get frameCount(): number {
    return this.frames?.shape[0] ?? 0;
  }

  /** Thumbnail of the first or last frame (A / B decoded), if frames exist. */
  private endFrame(target: PickTarget): RgbaImage | null {
    if (!this.frames || this.frameCount === 0) return null;
    return frameImage(this.frames, target === "a" ? 0 : this.frameCount - 1);
  }

  private step(delta: number): void {
    if (this.frameCount === 0) return;
    this.userShows(Math.min(this.frameCount - 1, Math.max(0, this.frame + delta)));
  }

  /** The user chose frame `f` (slider, keys, a line of text): it shows, and plays in audio mode. */
  private userShows(f: number): void {
    this.pause();
    this.showFrame(f);
    this.audio.moved();
  }

  private togglePlay(): void {
    if (this.audio.enabled) this.audio.togglePlayAll();
    else if (this.raf) this.pause();
    else this.start();
  }

  destroy(): void {
    this.pause();
    for (const stop of this.stops) stop();
  }

  private showFrame(f: number): void {
    if (!this.frames) return;
    this.frame = f;
    this.slider.value = String(f);
    this.frameCanvas.dataset.frame = String(f);
    this.counter.textContent = `${f + 1} / ${this.frameCount}`;
    drawRgba(this.frameCanvas, frameImage(this.frames, f));
    this.texts.setCurrent(f);
    this.ctx.marks.setFrame(f);
  }

  private commitSteps(): void {
    const value = Number(this.steps.value);
    if (!Number.isFinite(value)) return;
    const steps = clampSteps(value);
    this.steps.value = String(steps);
    save(this.ctx.model, { interp_steps: steps });
  }

  private start(): void {
    if (this.frameCount < 2 || this.raf) return;
    this.setPlayIcon(true);
    this.lastTick = 0;
    const tick = (now: number) => {
      this.raf = requestAnimationFrame(tick);
      if (now - this.lastTick < 1000 / PLAY_FPS) return;
      this.lastTick = now;
      const [next, direction] = pingPong(this.frame, this.direction, this.frameCount);
      this.direction = direction;
      this.showFrame(next);
    };
    this.raf = requestAnimationFrame(tick);
  }

  private pause(): void {
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.setPlayIcon(false);
  }

  private setPlayIcon(playing: boolean): void {
    this.play.classList.toggle("is-playing", playing);
    this.play.setAttribute("aria-label", playing ? "Pause" : "Play");
    this.play.replaceChildren(icon(playing ? "pause" : "play"));
  }
}
