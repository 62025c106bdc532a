// The map where the browser has no WebGL: the same typed arrays and the same kind of spatial index
// as the WebGL map, drawn on a 2-D canvas. Up to DRAW_LIMIT points are drawn one by one; above it a
// density image of all points is shaded under a random sample of DRAW_LIMIT, and the map says so.
// Hover, click, lasso and box pick from the index of all points, drawn or not.
import "./canvas-map.css";
import { projection, sameCamera, viewMatrix } from "./canvas-camera";
import { CanvasGestures } from "./canvas-input";
import { binPoints, type Colors, chooseSample, DRAW_LIMIT, newRaster, type Raster, shadeDensity, stampPoints, toBytes } from "./canvas-raster";
import { parseColor } from "./colors";
import { formatCount, h } from "./dom";
import { selectInPolygon } from "./lasso";
import type { MapCallbacks, MapData, MapMode, MapSurface, MapTheme } from "./map-surface";
import { buildSpatialIndex, drawnPointSize, nearestPoint, type Pickable, pickable, pickRadius } from "./pick";
import { type Box, type Camera, dataBox, fitCamera, fromScreen } from "./points";
import { LIGHT_THEME } from "./theme";

/** Opacity of the density shading at its densest pixel. */
const SHADE_ALPHA = 0.85;
/** Points not selected fade to this share of their opacity while a selection exists (as on WebGL). */
const INACTIVE = 0.5;

function rgb(css: string): Float32Array {
  const c = parseColor(css) ?? [0.3, 0.4, 0.6, 1];
  return Float32Array.of(c[0], c[1], c[2]);
}

/** One colour for every point. */
function plain(css: string): Colors {
  return { palette: rgb(css), codes: null };
}

/** The points' palette colours, codes clamped into the palette. */
function colorsOf(data: MapData, accent: string): Colors {
  const colors = data.colors;
  if (!colors || colors.palette.length === 0) return plain(accent);
  const palette = new Float32Array(colors.palette.length * 3);
  for (const [i, css] of colors.palette.entries()) palette.set(rgb(css), 3 * i);
  const last = colors.palette.length - 1;
  const codes = new Uint16Array(colors.values.length);
  for (let i = 0; i < codes.length; i++) {
    const v = colors.values[i];
    codes[i] = v >= 0 && v <= last ? v : last;
  }
  return { palette, codes };
}

export class CanvasMap implements MapSurface {
  readonly renderer = "canvas";
  readonly canvas: HTMLCanvasElement;
  /** The hovered point and the lasso, redrawn without the points under them. */
  private readonly marks: HTMLCanvasElement;
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
  private destroyed = false;

  constructor(
    container: HTMLElement,
    private readonly callbacks: MapCallbacks,
  ) {
    this.canvas = h("canvas", { class: "lw-map-canvas" });
    this.marks = h("canvas", { class: "lw-canvas-marks" });
    this.note = h("div", { class: "lw-renderer-note", hidden: true });
    if (!this.canvas.getContext("2d")) throw new Error("no 2-D canvas context");
    container.append(this.canvas, this.marks, this.note);
    const rect = container.getBoundingClientRect();
    this.width = Math.max(1, Math.round(rect.width));
    this.height = Math.max(1, Math.round(rect.height));
    this.gestures = new CanvasGestures(this.canvas, {
      mode: () => this.mode,
      camera: () => this.camera,
      setCamera: (camera) => this.setCamera(camera),
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
    const radius = pickRadius(drawnPointSize(this.pointSize, 1 / this.camera.distance));
    return nearestPoint(this.picking, this.view, this.width, this.height, sx, sy, radius);
  }

  resize(width: number, height: number): void {
    const w = Math.max(1, Math.round(width));
    const h = Math.max(1, Math.round(height));
    if (w === this.width && h === this.height) return;
    const untouched = this.fitted !== null && sameCamera(this.camera, this.fitted);
    this.width = w;
    this.height = h;
    if (untouched) void this.fit();
    this.schedule();
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

  async draw(data: MapData, selection: readonly number[], accent: string, keepIndex = false): Promise<void> {
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
    this.gestures.destroy();
    this.canvas.remove();
    this.marks.remove();
    this.note.remove();
  }

  private setCamera(camera: Camera): void {
    this.camera = camera;
    this.schedule();
    this.callbacks.onView();
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
    const size = drawnPointSize(this.pointSize, 1 / this.camera.distance) * dpr;
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
    this.drawMarks();
  }

  private drawMarks(): void {
    const ctx = this.marks.getContext("2d");
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.marks.width, this.marks.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const data = this.data;
    if (data && this.hovered >= 0) {
      const proj = projection(this.camera, this.width, this.height);
      const i = this.hovered;
      const r = Math.max(drawnPointSize(this.pointSize, 1 / this.camera.distance), 2) / 2 + 1;
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
