// The map where the browser has no WebGL: the same typed arrays and the same kind of spatial index
// as the WebGL map, drawn on a 2-D canvas. Up to DRAW_LIMIT points are drawn one by one; above it a
// density image of all points is shaded under a random sample of DRAW_LIMIT, and the map says so.
// Hover, click, lasso and box pick from the index of all points, drawn or not.
import "./canvas-map.css";
import { formatCount, h } from "../ui/dom";
import { type Projection, projection, sameCamera, viewMatrix } from "./canvas-camera";
import { CanvasGestures } from "./canvas-input";
import { binPoints, type Colors, chooseSample, colorsOf, DRAW_LIMIT, newRaster, plain, type Raster, shadeDensity, stampPoints, toBytes } from "./canvas-raster";
import { heldCamera } from "./held-camera";
import { selectInPolygon } from "./lasso";
import type { MapCallbacks, MapData, MapMode, MapSurface, MapTheme } from "./map-surface";
import { buildSpatialIndex, nearestPoint, type Pickable, pickable, pickRadius, pointSizeOnScreen } from "./pick";
import { type Box, type Camera, dataBox, fitCamera, fromScreen } from "./points";
import { LIGHT_THEME } from "./theme";

/** Opacity of the density shading at its densest pixel. */
const SHADE_ALPHA = 0.85;
/** Points not selected fade to this share of their opacity while a selection exists (as on WebGL). */
const INACTIVE = 0.5;
/**
 * A frame slower than this is not redrawn on every step of a pan or zoom: the last one is moved
 * and scaled on the canvas meanwhile, and all points are drawn again once the camera rests.
 */
const SLOW_FRAME_MS = 30;
const SETTLE_MS = 120;

export class CanvasMap implements MapSurface {
  readonly renderer = "canvas";
  readonly canvas: HTMLCanvasElement;
  /** The hovered point and the lasso, redrawn without the points under them. */
  private readonly marks: HTMLCanvasElement;
  /** Under the points: the density image of a sampled map's points (setDensity). */
  private readonly under: HTMLCanvasElement;
  private density: HTMLCanvasElement | null = null;
  private readonly note: HTMLElement;
  private readonly gestures: CanvasGestures;
  private camera: Camera = { target: [0, 0], distance: 1 };
  private fitted: Camera | null = null;
  private width = 1;
  private height = 1;
  private data: MapData | null = null;
  private picking: Pickable | null = null;
  private colors: Colors = plain(LIGHT_THEME.accent);
  private accent = LIGHT_THEME.accent;
  private sample: Uint32Array | null = null;
  private selected: number[] = [];
  private selectedMask: Uint8Array | null = null;
  private hovered = -1;
  private lasso: number[] | null = null;
  private pointSize = 6;
  private opacity = 1;
  private theme: MapTheme = LIGHT_THEME;
  private mode: MapMode = "pan";
  private raster: Raster | null = null;
  private image: ImageData | null = null;
  private raf = 0;
  /** The last frame drawn in full, its projection and how long it took: what a quick move shows. */
  private frame: HTMLCanvasElement | null = null;
  private frameProj: Projection | null = null;
  private frameMs = 0;
  private settle = 0;
  private destroyed = false;

  constructor(
    container: HTMLElement,
    private readonly callbacks: MapCallbacks,
  ) {
    this.canvas = h("canvas", { class: "lw-map-canvas" });
    this.marks = h("canvas", { class: "lw-canvas-marks" });
    this.under = h("canvas", { class: "lw-canvas-density" });
    this.note = h("div", { class: "lw-renderer-note", hidden: true });
    if (!this.canvas.getContext("2d")) throw new Error("no 2-D canvas context");
    container.append(this.canvas, this.marks, this.note);
    const rect = container.getBoundingClientRect();
    this.width = Math.max(1, Math.round(rect.width));
    this.height = Math.max(1, Math.round(rect.height));
    this.gestures = new CanvasGestures(this.canvas, {
      mode: () => this.mode,
      camera: () => this.camera,
      setCamera: (camera) => this.moveCamera(camera),
      size: () => this.size,
      pick: (sx, sy) => this.pick(sx, sy),
      selectPolygon: (polygon, merge) => this.selectPolygon(polygon, merge),
      selectPoint: (index, merge) => this.report(merge ? [...new Set([...this.selected, index])] : [index]),
      deselect: () => this.report([]),
      showLasso: (polygon) => {
        this.lasso = polygon;
        this.drawMarks();
      },
    });
  }

  get size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  get view(): number[] {
    return viewMatrix(this.camera);
  }

  get drawnCount(): number | null {
    return this.data ? (this.sample?.length ?? this.data.x.length) : null;
  }

  pick(sx: number, sy: number): number {
    if (!this.picking) return -1;
    const radius = pickRadius(pointSizeOnScreen(this.pointSize, 1 / this.camera.distance));
    return nearestPoint(this.picking, this.view, this.width, this.height, sx, sy, radius);
  }

  resize(width: number, height: number): void {
    const w = Math.max(1, Math.round(width));
    const h = Math.max(1, Math.round(height));
    if (w === this.width && h === this.height) return;
    const untouched = this.fitted !== null && sameCamera(this.camera, this.fitted);
    const before = this.height;
    this.width = w;
    this.height = h;
    if (untouched) void this.fit();
    else this.setCamera(heldCamera(this.camera, before, h));
  }

  keepView(): void {
    this.fitted = null;
  }

  setTheme(theme: MapTheme): void {
    this.theme = theme;
    if (this.data && !this.data.colors) this.colors = plain(theme.accent);
    this.schedule();
  }

  setStyle(size: number, opacity: number): void {
    this.pointSize = size;
    this.opacity = opacity;
    this.schedule();
  }

  setMode(mode: MapMode): void {
    this.mode = mode;
  }

  async draw(data: MapData, selection: readonly number[], accent: string, keepIndex = false, _glide = false, reframe = false): Promise<boolean> {
    const n = data.x.length;
    const sameCount = this.data !== null && this.data.x.length === n;
    const first = this.data === null;
    if (!(keepIndex && sameCount && this.picking)) this.picking = pickable(buildSpatialIndex(data.x, data.y), data.x, data.y);
    if (!sameCount) this.sample = chooseSample(n, DRAW_LIMIT);
    this.data = data;
    this.accent = accent;
    this.colors = colorsOf(data, accent);
    this.setSelection(selection);
    if (first) {
      this.fitted = fitCamera(dataBox(data.norm), this.width, this.height);
      this.camera = this.fitted;
    }
    this.updateNote();
    this.render();
    return reframe ? this.fit() : false;
  }

  setDensity(image: HTMLCanvasElement | null): void {
    this.density = image;
    this.schedule();
  }

  clear(): void {
    this.data = null;
    this.picking = null;
    this.sample = null;
    this.hovered = -1;
    this.setSelection([]);
    this.updateNote();
    this.schedule();
  }

  select(indices: readonly number[]): void {
    this.setSelection(indices);
    this.schedule();
  }

  hover(index: number): void {
    const n = this.data?.x.length ?? 0;
    this.hovered = index >= 0 && index < n ? index : -1;
    this.drawMarks();
  }

  async fit(): Promise<boolean> {
    if (!this.data) return false;
    this.fitted = fitCamera(dataBox(this.data.norm), this.width, this.height);
    this.setCamera(this.fitted);
    return true;
  }

  async zoomTo(box: Box): Promise<boolean> {
    this.setCamera(fitCamera(box, this.width, this.height));
    return !this.destroyed;
  }

  destroy(): void {
    this.destroyed = true;
    cancelAnimationFrame(this.raf);
    clearTimeout(this.settle);
    this.gestures.destroy();
    this.canvas.remove();
    this.under.remove();
    this.marks.remove();
    this.note.remove();
  }

  private setCamera(camera: Camera): void {
    this.camera = camera;
    this.schedule();
    this.callbacks.onView();
  }

  /** A pan or zoom step: drawn in full if frames are quick, else the last frame moved until it rests. */
  private moveCamera(camera: Camera): void {
    if (this.frameMs < SLOW_FRAME_MS || !this.blit(camera)) {
      this.setCamera(camera);
      return;
    }
    this.camera = camera;
    this.callbacks.onView();
    clearTimeout(this.settle);
    this.settle = window.setTimeout(() => this.schedule(), SETTLE_MS);
  }

  /** Show the last full frame as `camera` sees it (scaled and shifted); false if there is none. */
  private blit(camera: Camera): boolean {
    const frame = this.frame;
    const before = this.frameProj;
    const ctx = this.canvas.getContext("2d");
    if (!frame || !before || !ctx || frame.width !== this.canvas.width || frame.height !== this.canvas.height) return false;
    const after = projection(camera, this.width, this.height, window.devicePixelRatio || 1);
    // Screen = a * x + b in both: the old pixels map to the new by a scale and a shift.
    const k = after.a / before.a;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(k, 0, 0, k, after.bx - k * before.bx, after.by - k * before.by);
    ctx.drawImage(frame, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.drawUnder(after);
    this.drawMarks();
    return true;
  }

  private setSelection(indices: readonly number[]): void {
    const n = this.data?.x.length ?? 0;
    this.selected = indices.filter((i) => i >= 0 && i < n);
    this.selectedMask = null;
    if (this.selected.length === 0) return;
    this.selectedMask = new Uint8Array(n);
    for (const i of this.selected) this.selectedMask[i] = 1;
  }

  /** A selection made on this map: shown, and reported like regl-scatterplot's `select`. */
  private report(indices: number[]): void {
    this.select(indices);
    this.callbacks.onSelect(this.selected);
  }

  private selectPolygon(screen: number[], merge: boolean): void {
    if (!this.picking) return;
    const polygon: number[] = [];
    for (let i = 0; i + 1 < screen.length; i += 2) {
      const p = fromScreen(this.view, this.width, this.height, screen[i], screen[i + 1]);
      if (p) polygon.push(...p);
    }
    const inside = selectInPolygon(this.picking, polygon);
    this.report(merge ? [...new Set([...this.selected, ...inside])] : inside);
    this.callbacks.onLasso?.(polygon);
  }

  private updateNote(): void {
    const n = this.data?.x.length ?? 0;
    this.note.hidden = n === 0;
    this.note.textContent = this.sample
      ? `Canvas renderer (no WebGL): drawing ${formatCount(this.sample.length)} of ${formatCount(n)} points; shading shows all`
      : "Canvas renderer (no WebGL)";
  }

  private schedule(): void {
    if (this.raf || this.destroyed) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.render();
    });
  }

  private render(): void {
    if (this.destroyed) return;
    const start = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.width * dpr);
    const h = Math.round(this.height * dpr);
    for (const canvas of [this.canvas, this.marks]) {
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
    }
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const data = this.data;
    if (!data) {
      ctx.clearRect(0, 0, w, h);
      this.drawMarks();
      return;
    }
    if (!this.raster || this.raster.width !== w || this.raster.height !== h) {
      this.raster = newRaster(w, h);
      this.image = new ImageData(w, h);
    } else this.raster.data.fill(0);
    const raster = this.raster;
    const proj = projection(this.camera, this.width, this.height, dpr);
    const size = pointSizeOnScreen(this.pointSize, 1 / this.camera.distance) * dpr;
    const mask = this.selectedMask;
    const fade = mask ? INACTIVE : 1;
    if (this.sample) shadeDensity(raster, binPoints(w, h, data.x, data.y, this.colors, proj), SHADE_ALPHA * fade);
    stampPoints(raster, data.x, data.y, this.sample, this.colors, proj, size, this.opacity * fade, mask);
    if (mask) {
      // Selected points, all of them, sampled or not: larger, in a ring of the accent colour.
      const [r, g, b] = this.theme.background;
      const ring = 1.5 * dpr;
      stampPoints(raster, data.x, data.y, this.selected, plain(this.theme.accent), proj, size + 2 * dpr + 4 * ring, 1);
      stampPoints(raster, data.x, data.y, this.selected, { palette: Float32Array.of(r, g, b), codes: null }, proj, size + 2 * dpr + 2 * ring, 1);
      stampPoints(raster, data.x, data.y, this.selected, this.colors, proj, size + 2 * dpr, 1);
    }
    if (this.image) {
      toBytes(raster, this.image.data);
      ctx.putImageData(this.image, 0, 0);
    }
    this.drawUnder(proj);
    this.keepFrame(proj);
    this.frameMs = performance.now() - start;
    this.drawMarks();
  }

  /** The density image over the normalised square [-1, 1]^2, through `proj` (device px). */
  private drawUnder(proj: Projection): void {
    const under = this.under;
    if (under.nextSibling !== this.canvas) this.canvas.before(under);
    if (under.width !== this.canvas.width) under.width = this.canvas.width;
    if (under.height !== this.canvas.height) under.height = this.canvas.height;
    const ctx = under.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, under.width, under.height);
    if (this.density && this.data) ctx.drawImage(this.density, proj.bx - proj.a, proj.by - proj.a, 2 * proj.a, 2 * proj.a);
  }

  private keepFrame(proj: Projection): void {
    this.frame ??= document.createElement("canvas");
    if (this.frame.width !== this.canvas.width) this.frame.width = this.canvas.width;
    if (this.frame.height !== this.canvas.height) this.frame.height = this.canvas.height;
    const ctx = this.frame.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, this.frame.width, this.frame.height);
    ctx.drawImage(this.canvas, 0, 0);
    this.frameProj = proj;
  }

  private drawMarks(): void {
    const ctx = this.marks.getContext("2d");
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.marks.width, this.marks.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const data = this.data;
    // Hidden with nothing on it: a canvas only cleared may keep showing an older frame.
    this.marks.hidden = !((data && this.hovered >= 0) || (this.lasso && this.lasso.length >= 4));
    if (data && this.hovered >= 0) {
      const proj = projection(this.camera, this.width, this.height);
      const i = this.hovered;
      const r = Math.max(pointSizeOnScreen(this.pointSize, 1 / this.camera.distance), 2) / 2 + 1;
      const c = 3 * (this.colors.codes ? this.colors.codes[i] : 0);
      const p = this.colors.palette;
      ctx.beginPath();
      ctx.arc(proj.a * data.x[i] + proj.bx, -proj.a * data.y[i] + proj.by, r, 0, 2 * Math.PI);
      ctx.fillStyle = data.colors ? `rgb(${p[c] * 255}, ${p[c + 1] * 255}, ${p[c + 2] * 255})` : this.theme.hover;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = this.theme.hover;
      ctx.stroke();
    }
    const lasso = this.lasso;
    if (lasso && lasso.length >= 4) {
      ctx.beginPath();
      ctx.moveTo(lasso[0], lasso[1]);
      for (let k = 2; k + 1 < lasso.length; k += 2) ctx.lineTo(lasso[k], lasso[k + 1]);
      ctx.closePath();
      ctx.globalAlpha = 0.12;
      ctx.fillStyle = this.accent;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = this.theme.accent;
      ctx.stroke();
    }
  }
}
