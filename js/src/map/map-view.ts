// The map: points drawn one draw after another, the camera and its zoom queue, the theme, and
// the marks over the points (paths, A/B and pinned markers, what the panels ask for).

import type { View } from "../core/router";
import { sameIndices } from "../core/selection";
import { Signal } from "../core/signal";
import { formatCount } from "../ui/dom";
import { projectionLabel } from "../ui/toolbar";
import { decodeOptional } from "../wire/codecs";
import type { Part } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import type { Model } from "../wire/traits";
import { colorArrays, type PointColors } from "./colors";
import type { DrawnSet } from "./drawn-set";
import { dimFailing, passMask } from "./filter-dim";
import { settledProjection } from "./live-layout";
import { MapCoords } from "./map-coords";
import { MapMarks } from "./map-marks";
import type { MapMode, MapSurface, MapTheme } from "./map-surface";
import { PathOverlay } from "./overlay";
import { newPathPoints, pathFrame } from "./path-frame";
import { HoverPicker } from "./pick";
import {
  autoOpacity,
  autoPointSize,
  boxOf,
  MIN_ZOOM_HALF_EXTENT,
  type Normalisation,
  type NormalisedPoints,
  normalise,
  normaliseWith,
  type Region,
} from "./points";
import { createMap } from "./renderer";
import { Sampling } from "./sampled-map";
import { framedNormalisation } from "./switch-frame";
import { LIGHT_THEME, overlayColors, readTheme, sameTheme, watchTheme } from "./theme";
import { ViewPointsLoader } from "./view-points";
import { parseZoomMessage, type ZoomMessage } from "./zoom-message";

export interface MapViewHooks {
  onSelect: (indices: number[]) => void;
  /** A lasso or box on a sampled map: the kernel selects inside it (raw polygon x0 y0 x1 y1 ...). */
  onRegion: (polygon: number[]) => void;
  fail: (message: string) => void;
  /** The selection to draw with the points. */
  selection: () => readonly number[];
}

/** Where the map shows its state: the root's data attributes, a message over it, the status info. */
export interface MapElements {
  root: HTMLElement;
  mapBox: HTMLElement;
  message: HTMLElement;
  info: HTMLElement;
}

export class MapView implements View {
  readonly parts: readonly Part[] = ["points", "colors", "style", "interp", "path", "pinned", "controls", "filter"];
  /** The point under the pointer, picked from the spatial index (-1: none). */
  readonly hovered = new Signal<number>();
  /** The number of points changed: whatever was cached by point index is stale. */
  readonly recounted = new Signal<void>();
  /** The camera moved. */
  readonly moved = new Signal<void>();
  readonly drawn = new Signal<void>(); // the points were drawn, perhaps framed anew
  /** Null where the map cannot be drawn at all: the rest of the widget works without it. */
  readonly map: MapSurface | null = null;
  private readonly overlay: PathOverlay | null = null;
  readonly picker: HoverPicker;
  private readonly sampling: Sampling;
  private readonly viewPoints: ViewPointsLoader;
  /** What is drawn by position: the points of `geometry` are these points. */
  private drawnSet: DrawnSet;
  private viewChanged = false;
  private requestView = false;
  private readonly stops: (() => void)[] = [];
  private points: NormalisedPoints | null = null;
  private codes: ArrayLike<number> | null = null;
  private theme: MapTheme = LIGHT_THEME;
  private shownProjection = "";
  /** The interpolation and traversal paths, markers and marks over the points. */
  readonly marks: MapMarks;
  readonly coords: MapCoords;
  private zoomCount = 0;
  private drawCount = 0;
  private drawing = false;
  private drawAgain = false;
  private pointsChanged = true;
  private pendingZoom: { indices: Iterable<number> | null } | { region: Region } | null = null;
  /** Raw coordinates drawn in place of `_points` (a history snapshot), in the live map's frame. */
  private shown: Float32Array | null = null;
  private snapshotOnMap = false;
  private liveNorm: Normalisation | null = null;
  private destroyed = false;
  /** The drawn points' colours and size: the hover mark's. */
  private pointColors: PointColors | null = null;
  private pointSize = 6;
  /** The paths last framed (their values, joined), and how many times a path was framed. */
  private readonly framedPaths: Record<"_path" | "_traverse_path", string> = { _path: "", _traverse_path: "" };
  private pathFrames = 0;

  constructor(
    private readonly model: Model,
    private readonly el: MapElements,
    private readonly hooks: MapViewHooks,
    invoke: Invoke,
  ) {
    this.theme = readTheme(el.mapBox);
    const norm = () => this.points?.norm ?? null;
    const pointAt = (index: number) => this.pointAt(index);
    this.sampling = new Sampling(model);
    this.drawnSet = this.sampling.drawn();
    this.viewPoints = new ViewPointsLoader(invoke, model, {
      sampled: () => this.sampling.sampled && this.shown === null,
      region: () => this.coords.visibleRegion(),
      room: () => this.sampling.room(this.points, this.coords.visibleRegion()),
      show: (points) => {
        if (points === this.sampling.viewPoints) return;
        this.sampling.setView(points);
        this.viewChanged = true;
        this.requestDraw();
      },
      fail: (message) => hooks.fail(`points in view: ${message}`),
    });
    this.map = createMap(el.mapBox, {
      onSelect: (drawn) => hooks.onSelect(this.drawnSet.indicesOf(drawn)),
      onLasso: (polygon) => {
        if (this.drawnSet.sampled) hooks.onRegion(this.coords.toRaw(polygon));
      },
      onView: () => {
        this.overlay?.schedule();
        this.viewPoints.viewChanged();
        this.moved.emit();
      },
    });
    this.coords = new MapCoords({ map: this.map, norm, pointAt });
    if (this.map) {
      this.map.setTheme(this.theme);
      this.overlay = new PathOverlay(el.mapBox, () => this.coords.view, overlayColors(this.theme));
      el.mapBox.prepend(this.map.canvas, this.overlay.canvas);
      el.root.dataset.renderer = this.map.renderer;
      el.mapBox.append(this.sampling.note);
    } else {
      this.showMessage("This browser can draw neither WebGL nor a 2-D canvas, so the map cannot be drawn. Previews and interpolation still work.");
    }
    this.marks = new MapMarks(model, this.overlay, { pointAt, norm });
    this.picker = new HoverPicker(el.mapBox, () => (this.geometry ? this.map : null), (drawn) => this.hovered.emit(this.drawnSet.toIndex(drawn)), (drawn) => this.drawnSet.indicesOf(drawn));
    this.watchLayout();
  }

  apply(changed: ReadonlySet<Part>): void {
    if (changed.has("points") || changed.has("colors")) this.dataChanged();
    else if (changed.has("filter")) this.requestDraw(); // failing points dim: only colours change
    if (changed.has("style")) this.applyStyle();
    if (changed.has("interp") || changed.has("path") || changed.has("pinned")) this.marks.update();
    if (changed.has("path")) this.framePaths();
    if (changed.has("controls")) this.updateInfo();
  }

  /** The points as drawn, normalised into the view (null: none yet). */
  get geometry(): NormalisedPoints | null {
    return this.points;
  }

  /** All points of the map, drawn or not. */
  get total(): number {
    return this.points ? this.drawnSet.total : 0;
  }

  /** Whether only a sample of the points (and those of the view) is drawn. */
  get sampled(): boolean {
    return this.drawnSet.sampled;
  }

  /** Each drawn point's category code while the colours are categorical. */
  get categoryCodes(): ArrayLike<number> | null {
    return this.codes;
  }

  /** `_points` has new coordinates (not only new colours): frame them afresh. */
  pointsMoved(): void {
    this.pointsChanged = true;
  }

  /** New points or colours: the view's points are stale; ask again once the map is drawn. */
  private dataChanged(): void {
    if (this.sampling.viewPoints) this.viewChanged = true;
    this.sampling.setView(null);
    this.requestView = true;
    this.requestDraw();
  }

  /** A new interpolation or traversal path: zoom out, if need be, so that all of it shows. */
  private framePaths(): void {
    const { map, points } = this;
    if (!map || !points) return;
    const fresh = newPathPoints(this.model, points.norm, this.framedPaths);
    const { view, width, height } = this.coords.view;
    const box = fresh.length ? pathFrame(fresh, view, width, height) : null;
    if (!box) return;
    void map.zoomTo(box).then((arrived) => {
      if (arrived && !this.destroyed) this.el.root.dataset.pathFrames = String(++this.pathFrames);
    });
  }

  /** Mark point `index` (-1: none) as the one under the pointer: larger, in a ring. */
  markHover(index: number): void {
    const at = index >= 0 ? this.pointAt(index) : null;
    if (!at) return void this.overlay?.update({ hover: null });
    this.overlay?.update({ hover: { at, color: this.colorOf(index), size: this.pointSize } });
  }

  /** Point `index`'s colour as drawn (CSS; the accent where it has none). */
  colorOf(index: number): string {
    const code = this.pointColors ? this.pointColors.values[this.drawnSet.toDrawn(index)] : Number.NaN;
    const palette = this.pointColors?.palette;
    return palette && Number.isFinite(code) ? String(palette[code] ?? this.theme.accent) : this.theme.accent;
  }

  /** Point index drawn at position `drawn` (-1 for none). */
  drawnIndex(drawn: number): number {
    return this.drawnSet.toIndex(drawn);
  }

  /** Show the points `indices` as selected (those drawn). */
  showSelection(indices: readonly number[]): void {
    this.map?.select(this.drawnSet.drawnOf(indices));
  }

  /** Show point `index` (-1: none) as hovered, without reporting it. */
  hover(index: number): void {
    this.map?.hover(index < 0 ? -1 : this.drawnSet.toDrawn(index));
  }

  /** Draw `coords` (raw, N x 2, the units of `_points`) in place of `_points`; null: `_points` again. */
  showCoords(coords: Float32Array | null): void {
    if (coords === this.shown) return;
    this.shown = coords;
    this.pointsChanged = true;
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.drawing) {
      this.drawAgain = true;
      return;
    }
    void this.drawLoop();
  }

  private applyStyle(): void {
    if (!this.map) return;
    const n = this.points?.x.length ?? 0;
    const size = Number(this.model.get("point_size"));
    const opacity = Number(this.model.get("opacity"));
    this.pointSize = size > 0 ? size : autoPointSize(n);
    this.map.setStyle(this.pointSize, opacity > 0 ? Math.min(opacity, 1) : autoOpacity(n));
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
    const box = indices ? boxOf(this.points.x, this.points.y, this.drawnSet.drawnOf([...indices])) : null;
    this.countZoom(await (box ? this.map.zoomTo(box) : this.map.fit(true)));
  }

  zoomMessage(content: ZoomMessage, buffers?: DataView[]): void {
    const zoom = parseZoomMessage(content, buffers);
    if (zoom && "region" in zoom) void this.zoomToRegion(zoom.region);
    else if (zoom) void this.zoomTo(zoom.indices);
  }

  /** Frame a raw region (LatentExplorer.zoom_to on a sampled map); counted like zoomTo. */
  async zoomToRegion(region: Region): Promise<void> {
    if (!this.map) return;
    if (this.drawing || !this.points) {
      this.pendingZoom = { region };
      return;
    }
    const [ax, ay] = normalise(this.points.norm, region.x0, region.y0);
    const [bx, by] = normalise(this.points.norm, region.x1, region.y1);
    const half = (a: number, b: number) => Math.max((b - a) / 2, MIN_ZOOM_HALF_EXTENT);
    this.countZoom(await this.map.zoomTo({ x: (ax + bx) / 2, y: (ay + by) / 2, halfWidth: half(ax, bx), halfHeight: half(ay, by) }));
  }

  private countZoom(arrived: boolean): void {
    if (arrived && !this.destroyed) this.el.root.dataset.zooms = String(++this.zoomCount);
  }

  /** "1,000 points · t-SNE" in the status line, for what is drawn. */
  private updateInfo(): void {
    // A live layout that has ended is labelled so at once, its last coordinates still on their way.
    this.shownProjection = settledProjection(this.shownProjection, String(this.model.get("_points_projection") ?? ""));
    const n = this.total;
    // "tsne (running)": a live layout of a projection still being computed
    const label = projectionLabel(this.shownProjection);
    this.el.info.textContent = n > 0 ? `${formatCount(n)} points${label ? ` · ${label}` : ""}` : "";
  }

  showMessage(text: string): void {
    this.el.message.textContent = text;
    this.el.message.hidden = false;
  }

  destroy(): void {
    this.destroyed = true;
    for (const stop of this.stops) stop();
    this.viewPoints.destroy();
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
    if (zoom && !this.destroyed) void ("region" in zoom ? this.zoomToRegion(zoom.region) : this.zoomTo(zoom.indices));
  }

  private async drawOnce(): Promise<void> {
    const pointsChanged = this.pointsChanged;
    const viewChanged = this.viewChanged;
    this.pointsChanged = this.viewChanged = false;
    const raw = decodeOptional("_points", this.model.get("_points"), { dtypes: ["float32"], shape: [-1, 2] });
    const n = raw?.shape[0] ?? 0;
    if (!raw || n === 0) {
      this.points = null;
      this.codes = null;
      this.map?.clear();
      this.el.root.dataset.points = "0";
      if (this.map) this.showMessage(raw ? "No points to show." : "Waiting for points…");
      this.marks.update();
      this.updateInfo();
      return;
    }
    const previous = this.points;
    const previousTotal = this.drawnSet.total;
    this.sampling.update(n);
    const shown = this.shown && this.shown.length === raw.data.length ? this.shown : null;
    // A snapshot of the history is drawn from the sample's rows alone.
    const view = shown ? null : this.sampling.viewPoints;
    const drawn = this.sampling.drawn(shown !== null);
    if (previous && drawn.total !== previousTotal) this.recounted.emit();
    if (!this.liveNorm || (pointsChanged && !shown)) this.liveNorm = this.sampling.normalisation() ?? framedNormalisation(raw.data, this.liveNorm, this.coords.view);
    const geometry = previous && !pointsChanged && !viewChanged ? previous : normaliseWith(shown ?? this.sampling.withViewXY(raw.data), this.liveNorm);
    // Back from a snapshot to the live map, or between snapshots: the camera stays.
    const reframe = pointsChanged && previous !== null && !shown && !this.snapshotOnMap;
    this.snapshotOnMap = shown !== null;
    const { colors, codes } = dimFailing(colorArrays(this.model, n, view?.colors ?? null, drawn.size), passMask(this.model), drawn, this.theme, this.el.root);
    this.codes = codes;
    this.pointColors = colors;
    const projection = String(this.model.get("_points_projection") ?? "");
    this.points = geometry;
    this.drawnSet = drawn;
    if (!this.map) {
      // Nothing is drawn without WebGL; the rest of the widget works on the data all the same.
      this.markShown(0, projection);
      return;
    }
    this.el.message.hidden = true;
    this.map.setDensity(this.sampling.density(this.theme));
    const moving = pointsChanged && previous !== null && previous.x.length === drawn.size;
    if (moving) this.overlay?.setHidden(true);
    const selection = drawn.drawnOf(this.hooks.selection());
    // The size and opacity for n points before the frame that draws them, not in a second frame.
    this.applyStyle();
    const framed = await this.map.draw({ ...geometry, colors }, selection, this.theme.accent, !pointsChanged && !viewChanged, pointsChanged, reframe);
    if (this.destroyed) return;
    // A selection that arrived while the points were loading reached a map without them.
    const current = drawn.drawnOf(this.hooks.selection());
    if (!sameIndices(current, selection)) this.map.select(current);
    this.overlay?.setHidden(false);
    // New coordinates are framed afresh; data-projection is set once the camera has settled.
    if (reframe && !framed) await this.map.fit(true);
    if (this.destroyed) return;
    this.markShown(drawn.size, projection);
    if (this.requestView) {
      this.requestView = false;
      this.viewPoints.request();
    }
  }

  private markShown(n: number, projection: string): void {
    this.shownProjection = projection;
    const drawn = String(this.map?.drawnCount ?? n);
    Object.assign(this.el.root.dataset, { ready: "1", points: String(this.drawnSet.total), drawn, projection, draws: String(++this.drawCount) });
    this.sampling.report(this.el.root, n);
    this.applyStyle();
    this.marks.update();
    this.updateInfo();
    this.drawn.emit();
  }

  private pointAt(index: number): [number, number] | null {
    const g = this.points;
    const d = g ? this.drawnSet.toDrawn(index) : -1;
    return g && d >= 0 && d < g.x.length ? [g.x[d], g.y[d]] : null;
  }

  private applyTheme(): void {
    const theme = readTheme(this.el.mapBox);
    if (sameTheme(theme, this.theme)) return;
    this.theme = theme;
    this.map?.setTheme(theme);
    this.map?.setDensity(this.sampling.density(theme));
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
    this.stops.push(watchTheme(() => this.applyTheme()));
  }
}
