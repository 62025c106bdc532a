// The interpolation panel: A/B picking, method and steps, and a client-side slider over `_frames`.
import type { Decoded } from "./codecs";
import { drawRgba, h, icon, listen } from "./dom";
import type { InterpMethod, RgbaImage } from "./types";

export const MIN_STEPS = 2;
export const MAX_STEPS = 256;
const PLAY_FPS = 12;

export type PickTarget = "a" | "b";

/** Frame `f` of uint8 [F, H, W, 4] frames, as a view (no copy). */
export function frameImage(frames: Decoded<"uint8">, f: number): RgbaImage {
  const [count, height, width] = frames.shape;
  if (f < 0 || f >= count) throw new RangeError(`frame ${f} is outside 0..${count - 1}`);
  const bytes = height * width * 4;
  const { buffer, byteOffset } = frames.data;
  return { width, height, data: new Uint8ClampedArray(buffer as ArrayBuffer, byteOffset + f * bytes, bytes) };
}

/** Next frame of a ping-pong animation over `count` frames. */
export function pingPong(frame: number, direction: 1 | -1, count: number): [number, 1 | -1] {
  if (count < 2) return [0, direction];
  let d = direction;
  if (frame + d >= count || frame + d < 0) d = -d as 1 | -1;
  return [frame + d, d];
}

export function clampSteps(value: number): number {
  return Math.min(MAX_STEPS, Math.max(MIN_STEPS, Math.round(value)));
}

export interface InterpCallbacks {
  arm: (target: PickTarget) => void;
  setMethod: (method: InterpMethod) => void;
  setSteps: (steps: number) => void;
  /** The frame on show changed (slider, play, new frames). */
  onFrame: (frame: number) => void;
}

interface Chip {
  button: HTMLButtonElement;
  thumb: HTMLCanvasElement;
  index: HTMLElement;
}

export class InterpPanel {
  readonly root: HTMLElement;
  private readonly chips: Record<PickTarget, Chip>;
  private readonly method: HTMLSelectElement;
  private readonly steps: HTMLInputElement;
  private readonly frameCanvas: HTMLCanvasElement;
  private readonly frameEmpty: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly play: HTMLButtonElement;
  private readonly counter: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private frames: Decoded<"uint8"> | null = null;
  private frame = 0;
  private direction: 1 | -1 = 1;
  private raf = 0;
  private lastTick = 0;

  constructor(private readonly callbacks: InterpCallbacks) {
    const chip = (target: PickTarget): Chip => {
      const thumb = h("canvas", { class: "lw-chip-thumb lw-pixels", width: 1, height: 1, "data-source": "point" });
      const index = h("span", { class: "lw-chip-index", text: "pick" });
      const button = h(
        "button",
        {
          type: "button",
          class: `lw-chip lw-pick-${target}`,
          title: `Pick ${target.toUpperCase()}: click this, then a point on the map (or hover a point and press ${target.toUpperCase()})`,
        },
        [h("span", { class: `lw-chip-tag lw-tag-${target}`, text: target.toUpperCase() }), thumb, index],
      );
      return { button, thumb, index };
    };
    this.chips = { a: chip("a"), b: chip("b") };
    this.method = h("select", { class: "lw-select lw-method-select", title: "Interpolation method" }, [
      h("option", { value: "slerp", text: "slerp" }),
      h("option", { value: "lerp", text: "lerp" }),
    ]);
    this.steps = h("input", {
      type: "number",
      class: "lw-number lw-steps-input",
      min: MIN_STEPS,
      max: MAX_STEPS,
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

    this.root = h("section", { class: "lw-panel lw-interp" }, [
      h("header", { class: "lw-panel-head" }, [
        h("span", { class: "lw-panel-title", text: "Interpolation" }),
        h("span", { class: "lw-interp-settings" }, [
          this.method,
          h("label", { class: "lw-steps-label" }, [this.steps, h("span", { text: "steps" })]),
        ]),
      ]),
      h("div", { class: "lw-ab" }, [this.chips.a.button, h("span", { class: "lw-ab-arrow", text: "→" }), this.chips.b.button]),
      h("div", { class: "lw-frame-box" }, [this.frameCanvas, this.frameEmpty]),
      h("div", { class: "lw-player" }, [this.play, this.slider, this.counter]),
    ]);

    this.stops.push(
      listen(this.chips.a.button, "click", () => callbacks.arm("a")),
      listen(this.chips.b.button, "click", () => callbacks.arm("b")),
      listen(this.method, "change", () => callbacks.setMethod(this.method.value as InterpMethod)),
      listen(this.steps, "change", () => this.commitSteps()),
      listen(this.slider, "input", () => {
        this.pause();
        this.showFrame(Number(this.slider.value));
      }),
      listen(this.play, "click", () => this.togglePlay()),
    );
  }

  setMethod(method: InterpMethod): void {
    this.method.value = method;
  }

  setSteps(steps: number): void {
    if (document.activeElement !== this.steps) this.steps.value = String(steps);
  }

  /** Update a chip: the point index (-1: none), its thumbnail if known, and whether it awaits a click. */
  setEnd(target: PickTarget, index: number, thumb: RgbaImage | null, armed: boolean): void {
    const chip = this.chips[target];
    chip.index.textContent = armed ? "click a point" : index >= 0 ? `#${index}` : "pick";
    chip.button.classList.toggle("is-armed", armed);
    chip.button.classList.toggle("is-set", index >= 0);
    chip.button.dataset.index = String(index);
    chip.thumb.hidden = thumb === null || armed;
    if (thumb) drawRgba(chip.thumb, thumb);
  }

  /** New frames (or none). The frame index is kept where it still exists. */
  setFrames(frames: Decoded<"uint8"> | null): void {
    this.frames = frames;
    const count = frames?.shape[0] ?? 0;
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
      this.callbacks.onFrame(0);
      return;
    }
    this.showFrame(Math.min(this.frame, count - 1));
  }

  get frameCount(): number {
    return this.frames?.shape[0] ?? 0;
  }

  /** Thumbnail of the first or last frame (A / B decoded), if frames exist. */
  endFrame(target: PickTarget): RgbaImage | null {
    if (!this.frames || this.frameCount === 0) return null;
    return frameImage(this.frames, target === "a" ? 0 : this.frameCount - 1);
  }

  step(delta: number): void {
    if (this.frameCount === 0) return;
    this.pause();
    this.showFrame(Math.min(this.frameCount - 1, Math.max(0, this.frame + delta)));
  }

  togglePlay(): void {
    if (this.raf) this.pause();
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
    this.callbacks.onFrame(f);
  }

  private commitSteps(): void {
    const value = Number(this.steps.value);
    if (!Number.isFinite(value)) return;
    const steps = clampSteps(value);
    this.steps.value = String(steps);
    this.callbacks.setSteps(steps);
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
