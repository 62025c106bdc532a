// Images as the points: with `thumbnails` on and at most 400 drawn points in view, each is drawn
// as its picture at its place, framed in its colour, sized by how crowded the view is. Pictures
// come from the kernel in batches (decoded through its cache) and are kept in a bounded LRU here.
import type { Signal } from "../core/signal";
import { h } from "../ui/dom";
import { COMMANDS, type Part } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { LruCache } from "../wire/lru";
import type { Model } from "../wire/traits";
import type { NormalisedPoints } from "./points";
import { toScreen } from "./points";
import "./thumbnails.css";

/** Most points drawn as pictures; with more in view the points stay dots. */
export const MAX_THUMBNAILS = 400;
/** How long the camera rests before the view's pictures are asked for. */
export const REST_MS = 80;
const CACHE_ITEMS = 2000;
const CACHE_BYTES = 64 * 2 ** 20;

export interface ThumbnailAccess {
  readonly moved: Signal<void>;
  points(): NormalisedPoints | null;
  drawnIndex(drawn: number): number;
  colorOf(index: number): string;
  view(): { view: ArrayLike<number>; width: number; height: number };
}

/** Drawn points inside the view: [index, sx, sy] each, or null when more than `limit` are. */
export function pointsInView(
  points: NormalisedPoints,
  view: ArrayLike<number>,
  width: number,
  height: number,
  limit: number,
  indexOf: (drawn: number) => number,
): [number, number, number][] | null {
  const found: [number, number, number][] = [];
  for (let d = 0; d < points.x.length; d += 1) {
    const [sx, sy] = toScreen(view, width, height, points.x[d], points.y[d]);
    if (sx < 0 || sy < 0 || sx > width || sy > height) continue;
    if (found.length === limit) return null;
    found.push([indexOf(d), sx, sy]);
  }
  return found;
}

/**
 * The side of each picture: most of the median distance to the nearest other point on screen (so
 * that neighbours rarely overlap, and zooming in makes them larger), and at most a share of the
 * room each point has; within 16..96 px.
 */
export function thumbnailSide(places: readonly (readonly [number, number, number])[], width: number, height: number): number {
  const room = 0.7 * Math.sqrt((width * height) / Math.max(places.length, 1));
  const nearest: number[] = [];
  for (const [, x, y] of places) {
    let best = Number.POSITIVE_INFINITY;
    for (const [, u, v] of places) {
      const d = (x - u) ** 2 + (y - v) ** 2;
      if (d > 0 && d < best) best = d;
    }
    if (Number.isFinite(best)) nearest.push(Math.sqrt(best));
  }
  nearest.sort((a, b) => a - b);
  const spacing = nearest.length ? 0.92 * nearest[Math.floor(nearest.length / 2)] : room;
  return Math.round(Math.min(96, Math.max(16, Math.min(room, spacing))));
}

export class ThumbnailLayer {
  readonly parts: readonly Part[] = ["thumbnails", "points", "colors", "decoder"];
  readonly canvas: HTMLCanvasElement;
  /** The toolbar's toggle: pictures (decoded where there is a decoder) or dots. */
  readonly control: HTMLButtonElement;
  private readonly cache = new LruCache<string, HTMLCanvasElement>(CACHE_ITEMS, CACHE_BYTES, (c) => c.width * c.height * 4);
  private readonly stop: () => void;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private which = "";
  private shown: [number, number, number][] = [];
  private asked = 0;

  constructor(
    private readonly model: Model,
    private readonly invoke: Invoke,
    private readonly access: ThumbnailAccess,
    private readonly report: (name: string, value: string) => void,
  ) {
    this.canvas = h("canvas", { class: "lw-thumbnails", hidden: true });
    this.control = h("button", { type: "button", class: "lw-button lw-toggle-thumbnails", text: "Pictures", title: "Draw the points as their pictures when at most 400 are in view" });
    this.control.addEventListener("click", () => {
      const next = this.which ? "" : this.model.get("_has_decoder") === false ? "input" : "decoded";
      this.model.set("thumbnails", next);
      this.model.save_changes();
    });
    this.stop = access.moved.on(() => {
      if (!this.which) return;
      this.canvas.hidden = true; // the pictures would lag the points while the camera moves
      this.schedule();
    });
  }

  apply(changed: ReadonlySet<Part>): void {
    if (changed.has("thumbnails")) this.which = String(this.model.get("thumbnails") ?? "");
    if (changed.has("decoder")) this.cache.clear(); // another model decodes: new pictures
    this.control.classList.toggle("is-active", this.which !== "");
    this.control.setAttribute("aria-pressed", String(this.which !== ""));
    if (!this.which) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.asked += 1; // an answer on its way is not drawn
      this.canvas.hidden = true;
      this.report("thumbnails", "0");
      return;
    }
    this.schedule();
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.controller.abort(new Error("thumbnails closed"));
    this.stop();
    this.canvas.remove();
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REST_MS);
  }

  private async refresh(): Promise<void> {
    this.timer = null;
    if (!this.which) return;
    const rested = performance.now();
    const points = this.access.points();
    const { view, width, height } = this.access.view();
    const inView = points ? pointsInView(points, view, width, height, MAX_THUMBNAILS, (d) => this.access.drawnIndex(d)) : null;
    this.shown = inView ?? [];
    if (!inView || inView.length === 0) {
      this.canvas.hidden = true;
      this.report("thumbnails", "0");
      return;
    }
    const which = this.which;
    const missing = inView.map(([i]) => i).filter((i) => !this.cache.get(`${which}:${i}`));
    this.draw(width, height); // what the cache has, at once
    if (missing.length) {
      const asked = ++this.asked;
      const [reply, buffers] = await this.invoke<{ count?: number; height?: number; width?: number; error?: string }>(
        COMMANDS.thumbnailBatch,
        { which },
        { signal: this.controller.signal, buffers: [new DataView(Uint32Array.from(missing).buffer)] },
      );
      if (asked !== this.asked || which !== this.which) return; // a newer view asked since
      if (reply?.error || !reply?.count || !reply.height || !reply.width || !buffers[0]) {
        this.report("thumbnails", "error");
        return;
      }
      const bytes = new Uint8ClampedArray(buffers[0].buffer, buffers[0].byteOffset, reply.count * reply.height * reply.width * 4);
      const size = reply.height * reply.width * 4;
      missing.forEach((index, k) => {
        const picture = h("canvas", { width: reply.width, height: reply.height });
        picture.getContext("2d")?.putImageData(new ImageData(bytes.slice(k * size, (k + 1) * size), reply.width ?? 1, reply.height ?? 1), 0, 0);
        this.cache.set(`${which}:${index}`, picture);
      });
      this.draw(width, height);
    }
    // From the camera at rest to every picture drawn (the benchmark's figure).
    this.report("thumbnailsMs", String(Math.round(performance.now() - rested)));
  }

  private draw(width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const side = thumbnailSide(this.shown, width, height);
    let drawn = 0;
    for (const [index, sx, sy] of this.shown) {
      const picture = this.cache.get(`${this.which}:${index}`);
      if (!picture) continue;
      const x = sx - side / 2;
      const y = sy - side / 2;
      ctx.fillStyle = this.access.colorOf(index);
      ctx.fillRect(x - 2, y - 2, side + 4, side + 4);
      ctx.drawImage(picture, x, y, side, side);
      drawn += 1;
    }
    this.canvas.hidden = drawn === 0;
    this.report("thumbnails", String(drawn));
  }
}
