// The interpolation panel: A/B picking, method and steps, and a client-side slider over `_frames`.
import { drawRgba, h, icon, listen } from "../ui/dom";
import type { Decoded } from "../wire/codecs";
import { BOUNDS, type Part } from "../wire/contract";
import { frameImage, framesArray } from "../wire/trait-arrays";
import { clampTo, int, save } from "../wire/traits";
import type { InterpMethod, RgbaImage } from "../wire/types";
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

interface Chip {
  button: HTMLButtonElement;
  thumb: HTMLCanvasElement;
  index: HTMLElement;
}

export class InterpolationPanel implements Panel {
  readonly name = "interpolation";
  readonly title = "Interpolation";
  readonly place = "side";
  readonly parts: readonly Part[] = ["interp", "frames"];
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

  constructor(private readonly ctx: PanelContext) {
    const { model } = ctx;
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
      listen(this.chips.a.button, "click", () => ctx.picking.toggle("a")),
      listen(this.chips.b.button, "click", () => ctx.picking.toggle("b")),
      listen(this.method, "change", () => save(model, { interp_method: this.method.value as InterpMethod })),
      listen(this.steps, "change", () => this.commitSteps()),
      listen(this.slider, "input", () => {
        this.pause();
        this.showFrame(Number(this.slider.value));
      }),
      listen(this.play, "click", () => this.togglePlay()),
      ctx.picking.armed.on(() => this.updateChips()),
      ctx.previews.shown.on((shown) => {
        if (shown.kind === "point" && this.isEnd(shown.preview.index)) this.updateChips();
      }),
      ctx.frameKeys.on((key) => (key === "play" ? this.togglePlay() : this.step(key))),
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
    if (changed.has("frames")) this.setFrames(framesArray(model));
    this.updateChips();
  }

  private isEnd(index: number): boolean {
    return index === int(this.ctx.model.get("interp_a")) || index === int(this.ctx.model.get("interp_b"));
  }

  /** The A/B chips: each end's index and thumbnail (its cached preview, else its end frame). */
  private updateChips(): void {
    for (const target of ["a", "b"] as const) {
      const index = int(this.ctx.model.get(target === "a" ? "interp_a" : "interp_b"));
      const thumb = index < 0 ? null : (this.ctx.previews.thumbnail(index) ?? this.endFrame(target));
      this.setEnd(target, index, thumb, this.ctx.picking.target === target);
    }
  }

  /** Update a chip: the point index (-1: none), its thumbnail if known, and whether it awaits a click. */
  private setEnd(target: PickTarget, index: number, thumb: RgbaImage | null, armed: boolean): void {
    const chip = this.chips[target];
    chip.index.textContent = armed ? "click a point" : index >= 0 ? `#${index}` : "pick";
    chip.button.classList.toggle("is-armed", armed);
    chip.button.classList.toggle("is-set", index >= 0);
    chip.button.dataset.index = String(index);
    chip.thumb.hidden = thumb === null || armed;
    if (thumb) drawRgba(chip.thumb, thumb);
  }

  /** New frames (or none). The frame index is kept where it still exists. */
  private setFrames(frames: Decoded<"uint8"> | null): void {
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
    this.pause();
    this.showFrame(Math.min(this.frameCount - 1, Math.max(0, this.frame + delta)));
  }

  private togglePlay(): void {
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
