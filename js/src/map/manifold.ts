// The manifold layer: a grid of decoded tiles covering the visible map, on a canvas under the
// points. The kernel's `manifold` command decodes the region in view; a pan or zoom asks again
// (debounced, latest-wins) while the last picture follows the camera.
import { h, listen } from "../ui/dom";
import { COMMANDS, LIMITS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { LatestOnly } from "../wire/latest-only";
import { clampTo } from "../wire/traits";
import type { Region } from "./points";

/** Tiles a side of the grid where the map's size is not known, within LIMITS.manifold_grid. */
export const MANIFOLD_GRID = clampTo(LIMITS.manifold_grid, 12);
const DEBOUNCE_MS = 150;
/** The smallest tile side on screen (CSS px), and the gap between tiles. */
export const MIN_TILE = 40;
export const TILE_GAP = 4;

/** Tiles a side for a map of `width` x `height` CSS px: as many as fit, at least MIN_TILE each. */
export function manifoldGrid(width: number, height: number): number {
  const [lo, hi] = LIMITS.manifold_grid;
  const fit = Math.floor((Math.min(width, height) + TILE_GAP) / (MIN_TILE + TILE_GAP));
  return Math.min(hi, Math.max(lo, Number.isFinite(fit) ? fit : lo));
}

/**
 * Where tile (row, col) of a `grid` x `grid` picture of tiles `tileW` x `tileH` px goes in the
 * screen rectangle [left, top, right, bottom]: centred in its cell, the image's aspect kept, a
 * TILE_GAP between tiles. Returns [x, y, width, height].
 */
export function tileRect(rect: readonly number[], grid: number, row: number, col: number, tileW: number, tileH: number): [number, number, number, number] {
  const [left, top, right, bottom] = rect;
  const cellW = (right - left) / grid;
  const cellH = (bottom - top) / grid;
  const scale = Math.max(0, Math.min((cellW - TILE_GAP) / tileW, (cellH - TILE_GAP) / tileH));
  const w = tileW * scale;
  const hgt = tileH * scale;
  return [left + col * cellW + (cellW - w) / 2, top + row * cellH + (cellH - hgt) / 2, w, hgt];
}

export interface ManifoldTiles extends Region {
  grid: number;
  width: number;
  height: number;
  exact: boolean;
  /** The tiles as one RGBA image, grid*width x grid*height, top row (largest y) first. */
  rgba: Uint8ClampedArray;
}

/**
 * Turn a `manifold` response into one image: the buffer holds grid*grid tiles of width x height
 * RGBA, row by row from the top, left to right.
 */
export function parseManifold(response: unknown, buffers: readonly DataView[]): ManifoldTiles {
  if (typeof response !== "object" || response === null) throw new TypeError("manifold response must be an object");
  const r = response as Record<string, unknown>;
  if (typeof r.error === "string" && r.error) throw new Error(r.error);
  const [grid, width, height] = [r.grid, r.width, r.height].map(Number);
  if (![grid, width, height].every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`manifold needs positive integer grid, width and height; got ${r.grid}, ${r.width}, ${r.height}`);
  }
  const view = buffers[Number(r.buffer ?? 0)];
  const bytes = grid * grid * width * height * 4;
  if (!view || view.byteLength !== bytes) throw new RangeError(`manifold tiles need ${bytes} bytes; got ${view?.byteLength ?? 0}`);
  const src = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const rowBytes = grid * width * 4;
  const rgba = new Uint8ClampedArray(bytes);
  for (let tile = 0; tile < grid * grid; tile++) {
    const row = Math.floor(tile / grid);
    const col = tile % grid;
    for (let y = 0; y < height; y++) {
      const from = (tile * height + y) * width * 4;
      const to = (row * height + y) * rowBytes + col * width * 4;
      rgba.set(src.subarray(from, from + width * 4), to);
    }
  }
  return { grid, width, height, exact: r.exact === true, x0: Number(r.x0), x1: Number(r.x1), y0: Number(r.y0), y1: Number(r.y1), rgba };
}

export interface ManifoldHooks {
  /** The raw region the map shows now (null: no points). */
  region: () => Region | null;
  /** Screen rectangle (CSS px in the map) of a raw region: [left, top, right, bottom]. */
  toScreen: (region: Region) => [number, number, number, number] | null;
  /** The layer was switched on or off (the map's colours may depend on it). */
  onToggle: (on: boolean) => void;
}

export class ManifoldLayer {
  readonly canvas: HTMLCanvasElement;
  readonly controls: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly opacity: HTMLInputElement;
  private readonly requests: LatestOnly<Region>;
  private readonly controller = new AbortController();
  private readonly stops: (() => void)[] = [];
  private tiles: { data: ManifoldTiles; image: HTMLCanvasElement } | null = null;
  private on = false;
  private timer = 0;
  private raf = 0;

  constructor(
    private readonly invoke: Invoke,
    private readonly hooks: ManifoldHooks,
  ) {
    this.canvas = h("canvas", { class: "lw-manifold", hidden: true, "data-source": "manifold", "data-tiles": "0" });
    this.toggle = h("button", { type: "button", class: "lw-button lw-toggle-manifold", "aria-pressed": "false", title: "Decode a grid over the visible map, under the points", text: "Manifold" });
    this.opacity = h("input", { type: "range", class: "lw-manifold-opacity", min: 0, max: 1, step: 0.05, value: 0.8, hidden: true, "aria-label": "Manifold opacity", title: "Manifold opacity" });
    this.controls = h("span", { class: "lw-manifold-tools" }, [this.toggle, this.opacity]);
    this.canvas.style.opacity = this.opacity.value;
    this.requests = new LatestOnly(
      (region) => this.fetch(region),
      (error) => {
        if (!this.controller.signal.aborted) {
          this.toggle.title = `Manifold: ${error instanceof Error ? error.message : String(error)}`;
          this.canvas.dataset.error = "1";
        }
      },
    );
    this.stops.push(
      listen(this.toggle, "click", () => this.setOn(!this.on)),
      listen(this.opacity, "input", () => {
        this.canvas.style.opacity = this.opacity.value;
      }),
    );
  }

  get enabled(): boolean {
    return this.on;
  }

  setOn(on: boolean): void {
    this.on = on;
    this.toggle.classList.toggle("is-active", on);
    this.toggle.setAttribute("aria-pressed", String(on));
    this.opacity.hidden = !on;
    this.canvas.hidden = !on;
    this.hooks.onToggle(on);
    if (on) this.viewChanged(0);
    else {
      clearTimeout(this.timer);
      this.requests.want(null);
    }
  }

  /** The camera moved (or the points changed): follow it now, decode the new view soon. */
  viewChanged(delay = DEBOUNCE_MS): void {
    if (!this.on) return;
    this.schedule();
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      const region = this.hooks.region();
      if (region) this.requests.want(region);
    }, delay);
  }

  /** Forget the tiles (new points, another projection): they no longer match the map. */
  reset(): void {
    this.tiles = null;
    this.canvas.dataset.tiles = "0";
    this.viewChanged();
  }

  destroy(): void {
    clearTimeout(this.timer);
    cancelAnimationFrame(this.raf);
    this.controller.abort(new Error("manifold closed"));
    for (const stop of this.stops) stop();
    this.canvas.remove();
  }

  private async fetch(region: Region): Promise<void> {
    const box = this.canvas.parentElement?.getBoundingClientRect();
    const grid = box && box.width > 0 ? manifoldGrid(box.width, box.height) : MANIFOLD_GRID;
    const [response, buffers] = await this.invoke<unknown>(COMMANDS.manifold, { ...region, grid }, { signal: this.controller.signal });
    if (!this.on) return;
    const data = parseManifold(response, buffers);
    const image = document.createElement("canvas");
    image.width = data.grid * data.width;
    image.height = data.grid * data.height;
    image.getContext("2d")?.putImageData(new ImageData(data.rgba as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
    this.tiles = { data, image };
    delete this.canvas.dataset.error;
    this.canvas.dataset.tiles = String(data.grid * data.grid);
    this.canvas.dataset.exact = String(data.exact);
    this.schedule();
  }

  private schedule(): void {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.render();
    });
  }

  private render(): void {
    const { canvas } = this;
    const box = canvas.parentElement?.getBoundingClientRect();
    if (!box) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(box.width * dpr);
    const ht = Math.round(box.height * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== ht) canvas.height = ht;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, box.width, box.height);
    const tiles = this.tiles;
    const rect = tiles && this.hooks.toScreen(tiles.data);
    // Hidden with nothing on it: a canvas only cleared may keep showing an older frame.
    canvas.style.visibility = tiles && rect ? "" : "hidden";
    if (!tiles || !rect) return;
    ctx.imageSmoothingEnabled = false;
    const { grid, width, height } = tiles.data;
    for (let row = 0; row < grid; row++) {
      for (let col = 0; col < grid; col++) {
        const [x, y, w, hgt] = tileRect(rect, grid, row, col, width, height);
        if (w > 0 && hgt > 0) ctx.drawImage(tiles.image, col * width, row * height, width, height, x, y, w, hgt);
      }
    }
  }
}
