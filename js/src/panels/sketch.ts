// A sketch pad for models of small one-channel images: as the person draws, the drawing is made
// into an item (the data's size), encoded at most 10 times a second, placed on the map (a
// triangle) and decoded beside the pad. The best first lesson in what an encoder does.
import { drawRgba, h, listen } from "../ui/dom";
import { COMMANDS, type Part } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import type { Panel, PanelContext } from "./panel";
import "./sketch.css";

/** Shortest time between two encodings of the drawing. */
export const SKETCH_INTERVAL_MS = 100;
/** The pad's side in CSS pixels. */
const PAD = 168;

interface SketchReply {
  x?: number | null;
  y?: number | null;
  nearest?: number;
  height?: number;
  width?: number;
  error?: string;
}

/** Ink amounts (0..1) of an RGBA picture of white strokes on black, one per pixel. */
export function inkOf(rgba: Uint8ClampedArray): Float32Array {
  const ink = new Float32Array(rgba.length / 4);
  for (let i = 0; i < ink.length; i += 1) ink[i] = rgba[4 * i] / 255;
  return ink;
}

/**
 * Calls `send` at most once per `interval` ms with the latest value; one call in flight at a time,
 * and the value that came while one was in flight goes when it ends (latest wins).
 */
export class Throttle<T> {
  private pending: T | null = null;
  private busy = false;
  private last = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (value: T) => Promise<void>,
    private readonly interval: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(value: T): void {
    this.pending = value;
    this.pump();
  }

  cancel(): void {
    this.pending = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.busy || this.pending === null || this.timer !== null) return;
    const wait = this.last + this.interval - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    const value = this.pending;
    this.pending = null;
    this.busy = true;
    this.last = this.now();
    void this.send(value).finally(() => {
      this.busy = false;
      this.pump();
    });
  }
}

export class SketchPanel implements Panel {
  readonly name = "sketch";
  readonly title = "Sketch";
  readonly place = "side";
  readonly parts: readonly Part[] = ["sketch"];
  readonly root: HTMLElement;
  private readonly pad: HTMLCanvasElement;
  private readonly recon: HTMLCanvasElement;
  private readonly note: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly controller = new AbortController();
  private readonly throttle: Throttle<Float32Array>;
  private size: [number, number] | null = null;
  private drawing = false;
  private lastAt: [number, number] | null = null;
  private answers = 0;

  constructor(private readonly ctx: PanelContext) {
    this.pad = h("canvas", { class: "lw-sketch", width: PAD, height: PAD, title: "Draw here", "aria-label": "Sketch pad" });
    this.recon = h("canvas", { class: "lw-sketch-recon" });
    this.note = h("div", { class: "lw-gallery-note lw-sketch-note" });
    const clear = h("button", { type: "button", class: "lw-button lw-sketch-clear", text: "Clear" });
    this.root = h("section", { class: "lw-panel lw-sketch-panel" }, [
      h("header", { class: "lw-panel-head" }, [h("span", { class: "lw-panel-title", text: "Sketch" }), clear]),
      h("div", { class: "lw-sketch-row" }, [
        h("figure", { class: "lw-sketch-slot" }, [this.pad, h("figcaption", { text: "your drawing" })]),
        h("figure", { class: "lw-sketch-slot" }, [this.recon, h("figcaption", { text: "decoded" })]),
      ]),
      this.note,
    ]);
    this.throttle = new Throttle((ink) => this.encode(ctx.invoke, ink), SKETCH_INTERVAL_MS);
    this.clear();
    this.stops.push(
      listen(clear, "click", () => this.clear()),
      listen(this.pad, "pointerdown", (event) => {
        if (!this.size) return;
        this.drawing = true;
        this.pad.setPointerCapture(event.pointerId);
        this.stroke(event);
      }),
      listen(this.pad, "pointermove", (event) => {
        if (this.drawing) this.stroke(event);
      }),
      listen(this.pad, "pointerup", () => this.endStroke()),
      listen(this.pad, "pointercancel", () => this.endStroke()),
    );
  }

  apply(changed: ReadonlySet<Part>): void {
    if (!changed.has("sketch")) return;
    const size = (this.ctx.model.get("_sketch_size") ?? []) as number[];
    this.size = size.length === 2 ? [size[0], size[1]] : null;
    this.root.classList.toggle("is-unavailable", this.size === null);
    this.note.textContent = this.size ? `Drawn at ${this.size[1]} x ${this.size[0]}, as the data's items.` : "Sketching needs image items of one channel, at most 64 x 64.";
  }

  close(): void {
    this.throttle.cancel();
    this.ctx.marks.set({ sketch: null });
  }

  destroy(): void {
    this.throttle.cancel();
    this.controller.abort(new Error("sketch closed"));
    for (const stop of this.stops) stop();
  }

  private clear(): void {
    const ctx = this.pad.getContext("2d");
    if (ctx) {
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, PAD, PAD);
    }
    this.throttle.cancel();
    this.ctx.marks.set({ sketch: null });
    this.recon.getContext("2d")?.clearRect(0, 0, this.recon.width, this.recon.height);
  }

  private stroke(event: PointerEvent): void {
    const ctx = this.pad.getContext("2d");
    if (!ctx || !this.size) return;
    const box = this.pad.getBoundingClientRect();
    const at: [number, number] = [((event.clientX - box.left) / box.width) * PAD, ((event.clientY - box.top) / box.height) * PAD];
    // A stroke about a pixel and a half of the item wide, as pen strokes in the data are.
    ctx.strokeStyle = "#fff";
    ctx.fillStyle = "#fff";
    ctx.lineWidth = (PAD / Math.min(...this.size)) * 1.4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    const from = this.lastAt ?? at;
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(at[0], at[1]);
    ctx.stroke();
    this.lastAt = at;
    this.throttle.push(this.ink());
  }

  private endStroke(): void {
    this.drawing = false;
    this.lastAt = null;
  }

  /** The drawing at the item's size: each item pixel the mean of the pad's pixels over it. */
  private ink(): Float32Array {
    const [height, width] = this.size ?? [1, 1];
    const small = h("canvas", { width, height });
    const ctx = small.getContext("2d");
    if (!ctx) return new Float32Array(width * height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(this.pad, 0, 0, width, height);
    return inkOf(ctx.getImageData(0, 0, width, height).data);
  }

  private async encode(invoke: Invoke, ink: Float32Array): Promise<void> {
    const started = performance.now();
    try {
      const [reply, buffers] = await invoke<SketchReply>(COMMANDS.sketch, {}, { signal: this.controller.signal, buffers: [new DataView(ink.buffer)] });
      if (reply?.error) {
        this.note.textContent = reply.error;
        return;
      }
      const { x, y, nearest, height, width } = reply;
      this.ctx.marks.set({ sketch: typeof x === "number" && typeof y === "number" ? [x, y] : null });
      const bytes = buffers[0];
      if (bytes && height && width) {
        drawRgba(this.recon, { width, height, data: new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, height * width * 4) });
      }
      this.answers += 1;
      this.ctx.report("sketchCount", String(this.answers));
      this.ctx.report("sketchNearest", String(nearest ?? -1));
      this.ctx.report("sketchMs", String(Math.round(performance.now() - started)));
      this.note.textContent = nearest !== undefined ? `Nearest point: #${nearest}` : "";
    } catch (error) {
      if (!this.controller.signal.aborted) this.note.textContent = error instanceof Error ? error.message : String(error);
    }
  }
}

