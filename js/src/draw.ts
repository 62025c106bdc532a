// The map: points drawn one draw after another, the camera and its zoom queue, the theme, and
// the interpolation path and markers over the points.
import { decodeOptional } from "./codecs";
import { formatCount } from "./dom";
import type { MapMode, MapSurface, MapTheme } from "./map-surface";
import { PathOverlay } from "./overlay";
import { HoverPicker } from "./pick";
import {
  autoOpacity,
  autoPointSize,
  boxOf,
  denormalise,
  fromScreen,
  type Normalisation,
  type NormalisedPoints,
  normalise,
  normalisePoints,
  normaliseWith,
  type Region,
  toScreen,
  visibleRegion,
} from "./points";
import { createMap } from "./renderer";
import { sameIndices } from "./selection";
import { LIGHT_THEME, overlayColors, readTheme, sameTheme } from "./theme";
import { projectionLabel } from "./toolbar";
import { colorArrays, pathArray } from "./trait-arrays";
import { int, type Model } from "./traits";

export interface DrawHooks {
  onHover: (index: number) => void;
  onSelect: (indices: number[]) => void;
  /** The selection to draw with the points. */
  selection: () => readonly number[];
  /** The number of points changed: whatever was cached by point index is stale. */
  onRecount: () => void;
  /** The camera moved. */
  onView: () => void;
}

/** Marks over the points that other views ask for: neighbours' rings, samples, one highlight. */
export interface Marks {
  rings: readonly number[];
  /** Raw map coordinates of sampled codes, x0 y0 x1 y1 ... */
  samples: Float32Array | null;
  /** A point (index) or a sample (`sample` number) to emphasise, or null. */
  highlight: { index: number } | { sample: number } | null;
}

/** Where the map shows its state: the root's data attributes, a message over it, the status info. */
export interface DrawElements {
  root: HTMLElement;
  mapBox: HTMLElement;
  message: HTMLElement;
  info: HTMLElement;
}

export class MapDraw {
  /** Null where the map cannot be drawn at all: the rest of the widget works without it. */
  readonly map: MapSurface | null = null;
  private readonly overlay: PathOverlay | null = null;
  private readonly picker: HoverPicker;
  private readonly stops: (() => void)[] = [];
  private points: NormalisedPoints | null = null;
  private codes: ArrayLike<number> | null = null;
  private theme: MapTheme = LIGHT_THEME;
  private drawnProjection = "";
  private frame = 0;
  private traverseFrame = 0;
  private marks: Marks = { rings: [], samples: null, highlight: null };
  private zoomCount = 0;
  private drawCount = 0;
  private drawing = false;
  private drawAgain = false;
  private pointsChanged = true;
  private pendingZoom: { indices: Iterable<number> | null } | null = null;
  /** Raw coordinates drawn in place of `_points` (a history snapshot), in the live map's frame. */
  private shown: Float32Array | null = null;
  private shownDrawn = false;
  private liveNorm: Normalisation | null = null;
  private destroyed = false;

  constructor(
    private readonly model: Model,
    private readonly el: DrawElements,
    private readonly hooks: DrawHooks,
  ) {
    this.theme = readTheme(el.mapBox);
    this.map = createMap(el.mapBox, {
      onSelect: hooks.onSelect,
      onView: () => {
        this.overlay?.schedule();
        hooks.onView();
      },
    });
    if (this.map) {
      this.map.setTheme(this.theme);
      this.overlay = new PathOverlay(el.mapBox, () => this.overlayView(), overlayColors(this.theme));
      el.mapBox.prepend(this.map.canvas, this.overlay.canvas);
      el.root.dataset.renderer = this.map.renderer;
    } else {
      this.showMessage("This browser can draw neither WebGL nor a 2-D canvas, so the map cannot be drawn. Previews and interpolation still work.");
    }
    this.picker = new HoverPicker(el.mapBox, () => (this.geometry ? this.map : null), hooks.onHover);
    this.watchLayout();
  }

  /** The points as drawn, normalised into the view (null: none yet). */
  get geometry(): NormalisedPoints | null {
    return this.points;
  }

  /** Each point's category code while the colours are categorical. */
  get categoryCodes(): ArrayLike<number> | null {
    return this.codes;
  }

  /** `_points` has new coordinates (not only new colours): frame them afresh. */
  pointsMoved(): void {
    this.pointsChanged = true;
  }

  /** Draw `coords` (raw, N x 2, the units of `_points`) in place of `_points`; null: `_points` again. */
  showCoords(coords: Float32Array | null): void {
    if (coords === this.shown) return;
    this.shown = coords;
    this.pointsChanged = true;
    this.requestDraw();
  }

  requestDraw(): void {
    if (this.drawing) {
      this.drawAgain = true;
      return;
    }
    void this.drawLoop();
  }

  applyStyle(): void {
    if (!this.map) return;
    const n = this.points?.x.length ?? 0;
    const size = Number(this.model.get("point_size"));
    const opacity = Number(this.model.get("opacity"));
    this.map.setStyle(size > 0 ? size : autoPointSize(n), opacity > 0 ? Math.min(opacity, 1) : autoOpacity(n));
  }

  setMode(mode: MapMode): void {
    this.map?.setMode(mode);
  }

  /** Frame the points `indices` (all points for null or none); count it in data-zooms once there. */
  async zoomTo(indices: Iterable<number> | null): Promise<void> {
    if (!this.map) return;
    if (this.drawing || !this.points) {
      // The draw under way frames its new points when it ends: zoom after it, not before.
      this.pendingZoom = { indices };
      return;
    }
    const box = indices ? boxOf(this.points.x, this.points.y, indices) : null;
    const arrived = await (box ? this.map.zoomTo(box) : this.map.fit(true));
    if (arrived && !this.destroyed) this.el.root.dataset.zooms = String(++this.zoomCount);
  }

  setFrame(frame: number): void {
    this.frame = frame;
    this.overlay?.update({ frame });
  }

  setTraverseFrame(frame: number): void {
    this.traverseFrame = frame;
    this.overlay?.update({ traverseFrame: frame });
  }

  setMarks(patch: Partial<Marks>): void {
    this.marks = { ...this.marks, ...patch };
    this.updateOverlay();
  }

  /** Redraw the paths, the markers and the marks from the model and the views. */
  updateOverlay(): void {
    if (!this.overlay) return;
    const { rings, samples, highlight } = this.marks;
    const ringXY = new Float32Array(rings.length * 2);
    for (const [i, index] of rings.entries()) ringXY.set(this.pointAt(index) ?? [Number.NaN, Number.NaN], 2 * i);
    const sampleXY = this.normalised(samples);
    let mark: [number, number] | null = null;
    if (highlight && "index" in highlight) mark = this.pointAt(highlight.index);
    else if (highlight && sampleXY && 2 * highlight.sample + 1 < sampleXY.length) {
      mark = [sampleXY[2 * highlight.sample], sampleXY[2 * highlight.sample + 1]];
    }
    this.overlay.update({
      path: this.normalised(pathArray(this.model, "_path")),
      frame: this.frame,
      traverse: this.normalised(pathArray(this.model, "_traverse_path")),
      traverseFrame: this.traverseFrame,
      a: this.pointAt(int(this.model.get("interp_a"))),
      b: this.pointAt(int(this.model.get("interp_b"))),
      pinned: this.pointAt(int(this.model.get("pinned"))),
      rings: rings.length ? ringXY : null,
      samples: sampleXY,
      highlight: mark,
    });
  }

  /** Screen position (CSS px in the map) of point `index`, if drawn. */
  screenOf(index: number): [number, number] | null {
    const p = this.pointAt(index);
    const { view, width, height } = this.overlayView();
    return p && this.map ? toScreen(view, width, height, ...p) : null;
  }

  /** Raw map coordinates (the units of `_points`) under screen position (sx, sy) in the map. */
  toMap(sx: number, sy: number): [number, number] | null {
    const g = this.points;
    const { view, width, height } = this.overlayView();
    const p = g && this.map ? fromScreen(view, width, height, sx, sy) : null;
    return p && g ? denormalise(g.norm, ...p) : null;
  }

  /** The raw map region in view. */
  visibleRegion(): Region | null {
    const { view, width, height } = this.overlayView();
    return this.points && this.map ? visibleRegion(this.points.norm, view, width, height) : null;
  }

  /** Screen rectangle [left, top, right, bottom] of a raw region. */
  regionToScreen(r: Region): [number, number, number, number] | null {
    const g = this.points;
    if (!g || !this.map) return null;
    const { view, width, height } = this.overlayView();
    const [left, top] = toScreen(view, width, height, ...normalise(g.norm, r.x0, r.y1));
    const [right, bottom] = toScreen(view, width, height, ...normalise(g.norm, r.x1, r.y0));
    return [left, top, right, bottom];
  }

  /** "1,000 points · t-SNE" in the status line, for what is drawn. */
  updateInfo(): void {
    const n = this.points?.x.length ?? 0;
    // "tsne (running)": a live layout of a projection still being computed
    const label = projectionLabel(this.drawnProjection);
    this.el.info.textContent = n > 0 ? `${formatCount(n)} points${label ? ` · ${label}` : ""}` : "";
  }

  showMessage(text: string): void {
    this.el.message.textContent = text;
    this.el.message.hidden = false;
  }

  destroy(): void {
    this.destroyed = true;
    for (const stop of this.stops) stop();
    this.picker.destroy();
    this.overlay?.destroy();
    this.map?.destroy();
  }

  /** regl-scatterplot refuses a draw while one is under way, so draws run one after another. */
  private async drawLoop(): Promise<void> {
    this.drawing = true;
    try {
      do {
        this.drawAgain = false;
        await this.drawOnce();
      } while (this.drawAgain && !this.destroyed);
    } catch (error) {
      if (!this.destroyed) {
        console.error("latentwidgets: drawing the map failed", error);
        this.showMessage(`Drawing the map failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      this.drawing = false;
    }
    const zoom = this.pendingZoom;
    this.pendingZoom = null;
    if (zoom && !this.destroyed) void this.zoomTo(zoom.indices);
  }

  private async drawOnce(): Promise<void> {
    const pointsChanged = this.pointsChanged;
    this.pointsChanged = false;
    const raw = decodeOptional("_points", this.model.get("_points"), { dtypes: ["float32"], shape: [-1, 2] });
    const n = raw?.shape[0] ?? 0;
    if (!raw || n === 0) {
      this.points = null;
      this.codes = null;
      this.map?.clear();
      this.el.root.dataset.points = "0";
      if (this.map) this.showMessage(raw ? "No points to show." : "Waiting for points…");
      this.updateOverlay();
      this.updateInfo();
      return;
    }
    const previous = this.points;
    if (previous && previous.x.length !== n) this.hooks.onRecount();
    const shown = this.shown && this.shown.length === raw.data.length ? this.shown : null;
    let geometry = previous ?? normalisePoints(raw.data);
    if (pointsChanged && shown && this.liveNorm) geometry = normaliseWith(shown, this.liveNorm);
    else if (pointsChanged || !previous) {
      geometry = normalisePoints(raw.data);
      this.liveNorm = geometry.norm;
    }
    // Back from a snapshot to the live map, or between snapshots: the camera stays.
    const reframe = pointsChanged && previous !== null && !shown && !this.shownDrawn;
    this.shownDrawn = shown !== null;
    const { colors, codes } = colorArrays(this.model, n);
    this.codes = codes;
    const projection = String(this.model.get("_points_projection") ?? "");
    this.points = geometry;
    if (!this.map) {
      // Nothing is drawn without WebGL; the rest of the widget works on the data all the same.
      this.markDrawn(0, projection);
      return;
    }
    this.el.message.hidden = true;
    const moving = pointsChanged && previous !== null && previous.x.length === n;
    if (moving) this.overlay?.setHidden(true);
    const selection = this.hooks.selection().filter((i) => i < n);
    // The size and opacity for n points before the frame that draws them, not in a second frame.
    this.applyStyle();
    await this.map.draw({ ...geometry, colors }, selection, this.theme.accent, !pointsChanged);
    if (this.destroyed) return;
    // A selection that arrived while the points were loading reached a map without them.
    const current = this.hooks.selection().filter((i) => i < n);
    if (!sameIndices(current, selection)) this.map.select(current);
    this.overlay?.setHidden(false);
    // New coordinates are framed afresh; data-projection is set once the camera has settled.
    if (reframe) await this.map.fit(true);
    if (this.destroyed) return;
    this.markDrawn(n, projection);
  }

  private markDrawn(n: number, projection: string): void {
    this.drawnProjection = projection;
    const drawn = String(this.map?.drawnCount ?? n);
    Object.assign(this.el.root.dataset, { ready: "1", points: String(n), drawn, projection, draws: String(++this.drawCount) });
    this.applyStyle();
    this.updateOverlay();
    this.updateInfo();
  }

  /** Raw x0 y0 x1 y1 ... normalised like the points (null without points). */
  private normalised(raw: Float32Array | null): Float32Array | null {
    const g = this.points;
    if (!raw || !g) return null;
    const out = new Float32Array(raw.length);
    for (let i = 0; i + 1 < raw.length; i += 2) out.set(normalise(g.norm, raw[i], raw[i + 1]), i);
    return out;
  }

  private pointAt(index: number): [number, number] | null {
    const g = this.points;
    if (!g || index < 0 || index >= g.x.length) return null;
    return [g.x[index], g.y[index]];
  }

  private overlayView() {
    const size = this.map?.size ?? { width: 1, height: 1 };
    return { view: this.map?.view ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], ...size };
  }

  private applyTheme(): void {
    const theme = readTheme(this.el.mapBox);
    if (sameTheme(theme, this.theme)) return;
    this.theme = theme;
    this.map?.setTheme(theme);
    this.overlay?.setColors(overlayColors(theme));
  }

  private watchLayout(): void {
    const { mapBox } = this.el;
    if (typeof ResizeObserver !== "undefined") {
      const observer = new ResizeObserver(() => {
        // render() may run before `el` is in the page, where no theme colours can be read yet.
        this.applyTheme();
        const rect = mapBox.getBoundingClientRect();
        if (rect.width > 0 && rect.height > 0) this.map?.resize(rect.width, rect.height);
        this.overlay?.schedule();
      });
      observer.observe(mapBox);
      this.stops.push(() => observer.disconnect());
    }
    // JupyterLab switches themes by changing attributes on <body>.
    if (typeof MutationObserver !== "undefined") {
      const observer = new MutationObserver(() => this.applyTheme());
      observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"] });
      this.stops.push(() => observer.disconnect());
    }
  }
}
